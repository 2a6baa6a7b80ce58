import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linesOf, makeTempDir, runCli, type CliResult } from '../helpers/cli-process.js';

let temp: { dir: string; remove(): void };
beforeAll(() => {
  temp = makeTempDir('grpc-bench-start-at-');
  writeFileSync(join(temp.dir, 'ok.yaml'), 'name: ok\n');
});
afterAll(() => temp.remove());

/** Exactly one stderr line naming startAt and the value, exit 3, no stack trace. */
function expectStartAtError(result: CliResult, value: string): string {
  expect(result.code).toBe(3);
  const lines = linesOf(result.stderr);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^grpc-bench: .*ok\.yaml: startAt: /);
  expect(lines[0]).toContain(`got "${value}"`);
  expect(lines[0]).toContain('[SCENARIO_INVALID]');
  return lines[0]!;
}

describe('--start-at and GRPC_BENCH_START_AT', () => {
  it('refuses a time in the past, one too far ahead and other text with one line, before any load', async () => {
    const cases: Array<[string, RegExp]> = [
      ['2020-01-01T00:00:00Z', /in the past/],
      ['+25h', /more than 24 h ahead/],
      ['tomorrow', /expected an ISO-8601 UTC time/],
    ];
    for (const [value, problem] of cases) {
      expect(expectStartAtError(await runCli(['validate', 'ok.yaml', '--start-at', value], { cwd: temp.dir }), value)).toMatch(problem);
    }
    const ahead = await runCli(['validate', 'ok.yaml', '--start-at', '+2m'], { cwd: temp.dir });
    expect(ahead.code, ahead.stderr).toBe(0);
  });

  it('run reads GRPC_BENCH_START_AT when the flag is not given, and the flag wins over it', async () => {
    const withEnv = (args: string[]): Promise<CliResult> => {
      const saved = process.env['GRPC_BENCH_START_AT'];
      process.env['GRPC_BENCH_START_AT'] = 'not-a-time';
      try {
        return runCli(args, { cwd: temp.dir });
      } finally {
        if (saved === undefined) delete process.env['GRPC_BENCH_START_AT'];
        else process.env['GRPC_BENCH_START_AT'] = saved;
      }
    };
    expectStartAtError(await withEnv(['run', 'ok.yaml']), 'not-a-time');
    expectStartAtError(await withEnv(['run', 'ok.yaml', '--start-at', '2020-01-01T00:00:00Z']), '2020-01-01T00:00:00Z');
  });
});
