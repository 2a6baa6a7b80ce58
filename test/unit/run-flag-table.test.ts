import yargs from 'yargs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.js';
import { flagsToOverrides } from '../../src/cli/flags-to-overrides.js';
import { main } from '../../src/cli/main.js';
import { RUN_FLAG_TABLE } from '../../src/cli/run-flag-table.js';
import type { RunFlags, RunFlagSpec } from '../../src/cli/run-flags.js';
import { addRunOptions } from '../../src/cli/run-options.js';

const table: readonly RunFlagSpec[] = RUN_FLAG_TABLE;

/** Values the flags accept where a plain "3" or "text" would not do. */
const SAMPLES: Record<string, string[]> = {
  workers: ['auto'],
  d: ['{"user_id":"u_1"}'],
  m: ['{"x-user-group":"testers"}'],
  transport: ['http2'],
  'baseline-metadata': ['{"x-side":"a"}'],
  'candidate-metadata': ['{"x-side":"b"}'],
  threshold: ['p99<50ms'],
  tag: ['commit=3f9c0a1'],
};

/** "-c" or "--workers", as typed. */
const dashed = (name: string): string => `${name.length === 1 ? '-' : '--'}${name}`;

function argsOf(spec: RunFlagSpec, name = spec.flag): string[] {
  const given = SAMPLES[spec.flag] ?? (spec.type === 'boolean' ? [] : spec.type === 'number' ? ['3'] : ['text']);
  return [dashed(name), ...given];
}

/** Complete step schedules, as flag → value: a schedule flag counts only with the others of its family. */
const SCHEDULES: Record<string, Record<string, string>> = {
  load: { 'load-schedule': 'step', 'load-start': '10', 'load-step': '10', 'load-end': '30', 'load-step-duration': '1s', 'load-max-duration': '5s' },
  concurrency: { 'concurrency-schedule': 'step', 'concurrency-start': '2', 'concurrency-step': '2', 'concurrency-end': '6', 'concurrency-step-duration': '1s', 'concurrency-max-duration': '5s' },
};

const scheduleArgs = (flags: Record<string, string>): string[] => Object.entries(flags).flatMap(([flag, value]) => [`--${flag}`, value]);

/** What `run` would parse from `args` (strict: an unknown flag fails). */
function parse(args: string[]): RunFlags {
  return addRunOptions(yargs(args).strict().exitProcess(false).fail(false)).parseSync();
}

function at(overrides: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], overrides);
}

async function helpOf(command: string): Promise<string> {
  let text = '';
  const io: CliIo = { stdout: (chunk) => (text += chunk), stderr: () => {}, stderrIsTTY: false, cwd: '/', onSignal: () => () => {} };
  expect(await main([command, '--help'], io)).toBe(0);
  return text.replace(/\s+/g, ' ');
}

/** Flags whose help does not name the field they set. */
const UNNAMED_FIELD = new Set(['d', 'm', 'insecure', 'proto', 'import-paths', 'call', 'name', 'O', 'o', 'max-regression', ...table.filter((s) => s.via).map((s) => s.flag)]);

describe('the run flag table', () => {
  it('declares each flag once', () => {
    const names = table.flatMap((spec) => [spec.flag, ...(spec.alias === undefined ? [] : [spec.alias])]);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(['run', 'validate'])('every flag is in `%s --help`, with its alias and description', async (command) => {
    const help = await helpOf(command);
    for (const spec of table) {
      const names = [spec.flag, ...(spec.alias === undefined ? [] : [spec.alias])].map(dashed);
      expect(help, spec.flag).toContain(` ${names.join(', ')} ${spec.describe}`);
    }
  });

  it.each(table.filter((spec) => !spec.via).map((spec) => [dashed(spec.flag), spec] as const))('%s alone sets the field it documents', (_flag, spec) => {
    const without = flagsToOverrides(parse([]), undefined, '/work');
    expect(at(without, spec.sets)).toBeUndefined();
    for (const name of [spec.flag, ...(spec.alias === undefined ? [] : [spec.alias])]) {
      const overrides = flagsToOverrides(parse(argsOf(spec, name)), undefined, '/work');
      expect(at(overrides, spec.sets), dashed(name)).toBeDefined();
    }
    if (!UNNAMED_FIELD.has(spec.flag)) expect(spec.describe).toContain(spec.sets);
  });

  it.each(table.filter((spec) => spec.via).map((spec) => [dashed(spec.flag), spec] as const))('%s counts in its schedule, which sets the field it documents', (_flag, spec) => {
    const schedule = SCHEDULES[spec.flag.split('-')[0]!]!;
    const overrides = flagsToOverrides(parse(scheduleArgs(schedule)), undefined);
    expect(at(overrides, spec.sets)).toBeDefined();
    const { [spec.flag]: _left, ...rest } = schedule;
    let withoutIt: unknown;
    try {
      withoutIt = flagsToOverrides(parse(scheduleArgs(rest)), undefined);
    } catch (error) {
      withoutIt = error;
    }
    expect(withoutIt).not.toEqual(overrides);
  });

  it('the compare.* flags lay over a file\'s compare section without --baseline or --candidate', () => {
    expect(flagsToOverrides(parse(['--rounds', '3', '--max-regression', 'p99=5%']), undefined).compare).toEqual({ rounds: 3, maxRegression: 'p99=5%' });
  });

  it('types the parsed flags from the table', () => {
    expectTypeOf<RunFlags['c']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<RunFlags['workers']>().toEqualTypeOf<number | string | undefined>();
    expectTypeOf<RunFlags['transport']>().toEqualTypeOf<'grpc-js' | 'http2' | undefined>();
    expectTypeOf<RunFlags['insecure']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<RunFlags['threshold']>().toEqualTypeOf<string | string[] | undefined>();
    expect(parse(['--workers', '4']).workers).toBe(4);
    expect(parse(['--workers', 'auto']).workers).toBe('auto');
  });
});
