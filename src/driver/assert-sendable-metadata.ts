import { BenchError } from '../errors/bench-error.js';
import { metadataKeyProblem } from '../scenario/metadata-key-problem.js';
import { metadataValueProblem } from '../scenario/metadata-value-problem.js';

/**
 * The scenario's checks again, where the metadata reaches a transport: a value grpc-js or
 * node:http2 would refuse (grpc-js throws with the value in its message) ends the share with
 * one SCENARIO_INVALID line on both transports alike, naming the key and never the value.
 */
export function assertSendableMetadata(label: string, metadata: Record<string, string>): void {
  for (const [key, value] of Object.entries(metadata)) {
    const problem = metadataKeyProblem(key) ?? metadataValueProblem(key, value);
    if (problem !== undefined) throw new BenchError('SCENARIO_INVALID', `${label}.${key}: ${problem}`);
  }
}
