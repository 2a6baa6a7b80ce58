import type { Argv, Options } from 'yargs';
import { RUN_FLAG_TABLE } from './run-flag-table.js';
import { scenarioDefaultAt } from '../scenario/scenario-keys-at.js';
import { RUN_FLAG_GROUPS } from './run-flag-spec.js';
import type { RunFlags, RunFlagSpec } from './run-flags.js';

/** The yargs option of one table entry: only what yargs reads. */
function yargsOption(spec: RunFlagSpec): Options {
  const { alias, type, describe, choices, coerce } = spec;
  // Shown, never applied: an unset flag leaves the scenario file's value.
  const shown = spec.via === undefined ? scenarioDefaultAt(spec.sets.split('.')) : undefined;
  return { type, describe, ...(shown === undefined ? {} : { defaultDescription: shown }), ...(alias === undefined ? {} : { alias }), ...(choices === undefined ? {} : { choices }), ...(coerce === undefined ? {} : { coerce }) };
}

/** The flags of `run`, which `validate` takes too, from RUN_FLAG_TABLE in its order. */
export function addRunOptions<T>(y: Argv<T>): Argv<T & RunFlags> {
  const table: readonly RunFlagSpec[] = RUN_FLAG_TABLE;
  for (const spec of table) y = y.option(spec.flag, yargsOption(spec));
  for (const group of RUN_FLAG_GROUPS) y = y.group(table.filter((spec) => spec.group === group).map((spec) => spec.flag), `${group}:`);
  return y as Argv<T & RunFlags>;
}
