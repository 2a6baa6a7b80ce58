import { metadataKeyProblem } from './metadata-key-problem.js';
import { metadataValueProblem } from './metadata-value-problem.js';

/** Every metadata map of a scenario, by its path: what a stream may carry. */
export interface MetadataMaps {
  metadata: Record<string, string>;
  split?: { routed?: { metadata: Record<string, string> } | undefined } | undefined;
  compare?: { baselineMetadata?: Record<string, string> | undefined; candidateMetadata?: Record<string, string> | undefined } | undefined;
}

/** The paths of the scenario's metadata maps (`metadata`, `split.routed.metadata`, `compare.<side>Metadata`). */
export const METADATA_PATHS: ReadonlyArray<ReadonlyArray<string>> = [['metadata'], ['split', 'routed', 'metadata'], ['compare', 'baselineMetadata'], ['compare', 'candidateMetadata']];

export function metadataAt(scenario: MetadataMaps, path: ReadonlyArray<string>): Record<string, string> | undefined {
  let current: unknown = scenario;
  for (const key of path) current = (current as Record<string, unknown> | undefined)?.[key];
  return current as Record<string, string> | undefined;
}

/**
 * Every key and value in the scenario's metadata that gRPC would not carry as given, each
 * by its path: bad or reserved keys, one key twice (keys are case-insensitive), values that
 * are not printable ASCII, "-bin" values that are not base64. A key's problem hides its
 * value's. No problem text quotes a value: the schema's error line shows it, redacted under
 * a secret-looking key.
 */
export function metadataProblems(scenario: MetadataMaps): Array<{ path: string[]; problem: string }> {
  const problems: Array<{ path: string[]; problem: string }> = [];
  for (const mapPath of METADATA_PATHS) {
    const seen = new Map<string, string>();
    for (const [key, value] of Object.entries(metadataAt(scenario, mapPath) ?? {})) {
      const path = [...mapPath, key];
      const earlier = seen.get(key.toLowerCase());
      seen.set(key.toLowerCase(), key);
      const problem =
        metadataKeyProblem(key) ??
        (earlier === undefined ? undefined : `the same key as ${JSON.stringify(earlier)} (keys are case-insensitive); expected each key once, got key ${JSON.stringify(key)}`) ??
        metadataValueProblem(key, value);
      if (problem !== undefined) problems.push({ path, problem });
    }
  }
  return problems;
}
