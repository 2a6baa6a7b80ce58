import type { RUN_FLAG_TABLE } from './run-flag-table.js';

export type { FlagContext, RunFlagSpec, ScenarioPath } from './run-flag-spec.js';

type TableEntry = (typeof RUN_FLAG_TABLE)[number];

/** The parsed value of one flag, as yargs gives it. */
type FlagValue<S> = S extends { coerce: (text: string) => infer V }
  ? V
  : S extends { choices: ReadonlyArray<infer C> }
    ? C
    : S extends { repeatable: true }
      ? string | string[]
      : S extends { type: 'number' }
        ? number
        : S extends { type: 'boolean' }
          ? boolean
          : string;

/**
 * The parsed `run`/`validate` flags, by flag name (yargs sets the aliases too, but only the
 * names are read). Inferred from RUN_FLAG_TABLE.
 */
export type RunFlags = { [S in TableEntry as S['flag']]?: FlagValue<S> };
