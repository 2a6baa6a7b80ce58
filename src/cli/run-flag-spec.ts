import type { DeepPartial } from '../scenario/load-scenario.js';
import type { ScenarioInput } from '../scenario/scenario-schema.js';

/** Dotted paths into `T`, e.g. "load.streams"; a record or an array ends a path. */
type FieldPath<T> = {
  [K in keyof T & string]-?: NonNullable<T[K]> extends readonly unknown[]
    ? K
    : NonNullable<T[K]> extends Record<string, unknown>
      ? string extends keyof NonNullable<T[K]>
        ? K
        : K | `${K}.${FieldPath<NonNullable<T[K]>>}`
      : K;
}[keyof T & string];

/** A scenario field a flag sets, e.g. "load.streams". */
export type ScenarioPath = FieldPath<ScenarioInput>;

/** What a flag's converter may need besides its value. */
export interface FlagContext {
  /** Where file paths given as flags are relative to (not the scenario file); absent: left as given. */
  cwd?: string | undefined;
}

/** The headings of `run --help`, in their order; every flag is under one. */
export const RUN_FLAG_GROUPS = ['Load', 'Streams', 'Request', 'Connection and TLS', 'Reports', 'Thresholds and monitoring', 'Canary', 'Segments', 'ghz schedules'] as const;

/** One `run`/`validate` flag: its yargs option and the scenario field it sets. */
export interface RunFlagSpec {
  /** The option's name, as in ghz where ghz has the option. */
  readonly flag: string;
  readonly alias?: string;
  /** Its heading in `--help`. */
  readonly group: (typeof RUN_FLAG_GROUPS)[number];
  readonly type: 'number' | 'string' | 'boolean';
  readonly describe: string;
  readonly choices?: readonly string[];
  /** yargs' coercion of the text given; its return type is the flag's type. */
  readonly coerce?: (text: string) => unknown;
  /** Given more than once, the value is an array (yargs' default for a repeated option). */
  readonly repeatable?: true;
  /** The scenario field the flag sets; with `via`, the one it documents. */
  readonly sets: ScenarioPath;
  /** The value put at `sets`, from the flag's value; default: the value as parsed. Throws USAGE. */
  readonly convert?: (value: never, context: FlagContext) => unknown;
  /**
   * Flags that are read together (the ghz schedules): `via` maps all of them at once, and runs
   * before the single flags so that its USAGE errors come first. Its overrides win over theirs.
   * (Typed by the flags it reads; flagsToOverrides checks that RunFlags has them.)
   */
  readonly via?: (flags: never) => DeepPartial<ScenarioInput>;
}
