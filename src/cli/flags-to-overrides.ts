import { mergeOverrides, type DeepPartial } from '../scenario/load-scenario.js';
import type { ScenarioInput } from '../scenario/scenario-schema.js';
import { RUN_FLAG_TABLE } from './run-flag-table.js';
import type { FlagContext, RunFlags, RunFlagSpec } from './run-flags.js';

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  let node = target;
  for (const key of keys) node = (node[key] ??= {}) as Record<string, unknown>;
  node[last] = value;
}

/**
 * Flags → the scenario's shape, as RUN_FLAG_TABLE says; flags not given leave the file's value
 * alone. File paths in flags are relative to `cwd`. Throws USAGE for a flag it cannot convert.
 */
export function flagsToOverrides(flags: RunFlags, target: string | undefined, cwd?: string): DeepPartial<ScenarioInput> {
  const table: readonly RunFlagSpec[] = RUN_FLAG_TABLE;
  const given = flags as Readonly<Record<string, unknown>>;
  const context: FlagContext = { cwd };
  const groups = [...new Set(RUN_FLAG_TABLE.flatMap((spec) => ('via' in spec ? [spec.via] : [])))].map((via) => via(flags));
  // These sections are always laid over the file, so that one the file leaves empty reads as its defaults.
  const overrides: Record<string, unknown> = { target, load: {}, stream: {}, monitor: {}, output: {} };
  for (const spec of table) {
    const value = given[spec.flag];
    if (spec.via || value === undefined) continue;
    const convert = spec.convert as ((value: unknown, context: FlagContext) => unknown) | undefined;
    setPath(overrides, spec.sets, convert ? convert(value, context) : value);
  }
  return groups.reduce<Record<string, unknown>>((merged, group) => mergeOverrides(merged, group) as Record<string, unknown>, overrides) as DeepPartial<ScenarioInput>;
}
