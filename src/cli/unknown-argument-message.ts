import { didYouMean, nearestNames } from '../scenario/nearest-names.js';
import { RUN_FLAG_TABLE } from './run-flag-table.js';
import { GHZ_FLAG_TABLE, type GhzFlagSpec } from './ghz-flag-table.js';
import type { RunFlagSpec } from './run-flags.js';

/** How a flag is typed: `-z`, `--stream-interval`. */
const asTyped = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);

/** A run flag as suggested, with the scenario key it sets: `-z (load.duration)`. */
const withKey = (spec: RunFlagSpec): string => `${asTyped(spec.flag)}${spec.via === undefined ? ` (${spec.sets})` : ''}`;

const kebab = (text: string): string => text.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * Names a user may type for a run flag, mapped to the flag as suggested: its name, alias, and the scenario key
 * it sets written as a flag (`--stream-duration` → `--stream-call-duration`, which sets stream.duration).
 */
function runFlagNames(): Map<string, string> {
  const names = new Map<string, string>();
  const table: readonly RunFlagSpec[] = RUN_FLAG_TABLE;
  for (const spec of table) {
    names.set(spec.flag, withKey(spec));
    if (spec.alias !== undefined) names.set(spec.alias, withKey(spec));
    // The ghz schedule flags all document load.stages: no one flag is its name.
    if (spec.via !== undefined) continue;
    const key = kebab(spec.sets);
    for (const name of [key.replace(/\./g, '-'), key.split('.').at(-1)!]) if (!names.has(name)) names.set(name, withKey(spec));
  }
  return names;
}

/** grpc-bench's own names for what a ghz flag does, as a ghz user may type them: `--stream-duration` is `--stream-call-duration`. */
const GHZ_NEAR_NAMES: Readonly<Record<string, string>> = {
  'stream-duration': 'stream-call-duration',
  'stream-messages': 'stream-call-count',
  'stream-count': 'stream-call-count',
  streams: 'concurrency',
  rate: 'rps',
  messages: 'total',
  calls: 'total',
  'server-name': 'cname',
  'skip-tls': 'skipTLS',
  'skip-first': 'skipFirst',
};

/** Names a user may type for a ghz flag, mapped to the flag as suggested (`--stream-call-duration`, `-n`). */
function ghzFlagNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const spec of GHZ_FLAG_TABLE as readonly GhzFlagSpec[]) {
    names.set(spec.flag, asTyped(spec.flag));
    if (spec.short !== undefined) names.set(spec.short, asTyped(spec.flag));
  }
  for (const [near, flag] of Object.entries(GHZ_NEAR_NAMES)) names.set(near, asTyped(flag));
  return names;
}

/** yargs' strict-mode message, "Unknown arguments: stream-duration, streamDuration", as the names given. */
function unknownNames(message: string): string[] {
  const names = message.replace(/^Unknown arguments?: /, '').split(', ');
  // yargs adds the camelCase twin of a kebab-case flag; the user typed only one.
  return names.filter((name) => !names.some((other) => other !== name && other.includes('-') && other.replace(/-(.)/g, (_, c: string) => c.toUpperCase()) === name));
}

export interface ArgumentContext {
  /** The command given (`run`), or none at the top level. */
  command: string | undefined;
  commands: readonly string[];
  /** The option names (and aliases) the command takes. */
  options: readonly string[];
  /** The arguments as typed. */
  argv: readonly string[];
}

/**
 * yargs' "Unknown argument" message rewritten as one line per name given: what was given, where,
 * and the nearest valid names. Any other message is returned as it is.
 */
export function unknownArgumentMessage(message: string, context: ArgumentContext): string {
  if (!/^Unknown arguments?: /.test(message)) return message;
  const { command, commands, options, argv } = context;
  const flagNames = command === 'run' || command === 'validate' ? runFlagNames() : command === 'ghz' ? ghzFlagNames() : new Map<string, string>();
  for (const name of options) if (!flagNames.has(name)) flagNames.set(name, asTyped(name));
  return unknownNames(message)
    .map((name) => {
      if (command === undefined || name === command) {
        return `${name}: unknown command${didYouMean(nearestNames(name, commands))} (commands: ${commands.join(', ')})`;
      }
      if (argv.includes(name)) return `${name}: unexpected argument of ${command} (grpc-bench ${command} --help shows its usage)`;
      const suggested = [...new Set(nearestNames(name, flagNames.keys()).map((candidate) => flagNames.get(candidate)!))];
      return `${asTyped(name)}: unknown flag of ${command}${didYouMean(suggested)} (grpc-bench ${command} --help lists them)`;
    })
    .join('; ');
}
