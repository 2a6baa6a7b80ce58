import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUN_FLAG_TABLE } from '../../src/cli/run-flag-table.js';
import { RUN_FLAG_GROUPS } from '../../src/cli/run-flag-spec.js';
import { BIN, collectExit, linesOf, makeTempDir, runCli, type CliResult } from '../helpers/cli-process.js';

const ORDER_PROTO = readFileSync(fileURLToPath(new URL('../../proto/order.proto', import.meta.url)), 'utf8');

/**
 * cwd/protos/order.proto importing "common/types.proto" from cwd/inc, and an empty scenario in
 * cwd/scen: a folder other than the flags' paths are relative to.
 */
function protoLayout(cwd: string): void {
  for (const dir of ['protos', 'inc/common', 'scen']) mkdirSync(join(cwd, dir), { recursive: true });
  writeFileSync(join(cwd, 'protos/order.proto'), ORDER_PROTO.replace('package pb;', 'package pb;\nimport "common/types.proto";'));
  writeFileSync(join(cwd, 'inc/common/types.proto'), 'syntax = "proto3";\npackage common;\nmessage Money { int64 units = 1; }\n');
  writeFileSync(join(cwd, 'scen/empty.yaml'), 'name: paths\n');
}

const cleanups: Array<() => void> = [];

function tempDir(): string {
  const temp = makeTempDir('grpc-bench-cli-help-');
  cleanups.push(temp.remove);
  return temp.dir;
}

afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const helps = new Map<string, Promise<CliResult>>();

/** `grpc-bench [COMMAND] --help`, started once per command however many tests read it. */
function helpOf(command: string): Promise<CliResult> {
  if (!helps.has(command)) helps.set(command, runCli([...(command ? [command] : []), '--help'], { cwd: tempDir() }));
  return helps.get(command)!;
}

describe.concurrent('a CLI that helps', () => {
  it('prints the run time in the unit that reads best, latencies in ms', async () => {
    const result = await runCli(['run', '-n', '40', '-c', '2', '--connections', '1', '--workers', '1', '-O', 'console'], { cwd: tempDir() });

    expect(result.code, result.stderr).toBe(0);
    const total = linesOf(result.stdout).find((line) => line.trim().startsWith('Total:'));
    expect(total).toMatch(/^\s+Total:\s+\d+(\.\d\d)? (µs|ms|s)$|min \d+\.\d s$/);
    expect(total).not.toMatch(/\.\d{3} ms/);
    expect(result.stdout).toMatch(/Slowest:\s+\d+\.\d{3} ms/);
  });

  it.each([
    [['run', '--stream-duration', '5s'], '--stream-duration: unknown flag of run; did you mean --stream-call-duration (stream.duration)?'],
    [['run', '--duraton', '5s'], '--duraton: unknown flag of run; did you mean -z (load.duration)?'],
    [['validate', 'x.yaml', '--correlateby', 'id'], '--correlateby: unknown flag of validate; did you mean --correlate-by (stream.correlateBy)?'],
    [['compare', 'a.json', 'b.json', '--alfa', '0.1'], '--alfa: unknown flag of compare; did you mean --alpha?'],
    [['rnu'], 'rnu: unknown command; did you mean run?'],
  ])('%j: one line naming what was given and the nearest valid name, exit 2', async (args, expected) => {
    const result = await runCli(args, { cwd: tempDir() });

    expect(result.code).toBe(2);
    const lines = linesOf(result.stderr);
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toContain(expected);
    expect(lines[0]).toMatch(/\[USAGE\]$/);
    expect(result.stdout).toBe('');
  });

  it('suggests nothing for a name far from every flag', async () => {
    const result = await runCli(['run', '--foo'], { cwd: tempDir() });

    expect(result.code).toBe(2);
    expect(linesOf(result.stderr)).toEqual(['grpc-bench: --foo: unknown flag of run (grpc-bench run --help lists them) [USAGE]']);
  });

  it.each(['validate', 'run'])('%s: an unknown scenario key names its file:line and the nearest keys, exit 3', async (command) => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'typo.yaml'), 'name: typo\nload:\n  duraton: 1s\nstream:\n  correlateby: request_id\n');

    const result = await runCli([command, 'typo.yaml'], { cwd });

    expect(result.code).toBe(3);
    expect(linesOf(result.stderr)).toEqual([
      'grpc-bench: typo.yaml: load: unknown key "duraton" at typo.yaml:3; did you mean duration?; stream: unknown key "correlateby" at typo.yaml:5; did you mean correlateBy? [SCENARIO_INVALID]',
    ]);
  });

  it('-O html,json still prints the summary, on stderr, and keeps stdout empty', async () => {
    const cwd = tempDir();
    const result = await runCli(['run', '-n', '40', '-c', '2', '--workers', '1', '-O', 'html,json', '-o', join(cwd, 'out')], { cwd });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Summary:$/m);
    expect(result.stderr).toMatch(/Messages\/sec: [\d,.]+/);
    expect(result.stderr).toContain('report written:');
  });

  it('--proto and --import-paths resolve against the working directory, with the scenario in another folder', async () => {
    const cwd = tempDir();
    protoLayout(cwd);

    const result = await runCli(['validate', 'scen/empty.yaml', '--proto', 'protos/order.proto', '--import-paths', 'inc'], { cwd });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^scen\/empty\.yaml: valid \(pb\.OrderService\/CreateOrderStream/);
  });

  it('proto and importPaths in a scenario resolve against its folder', async () => {
    const cwd = tempDir();
    protoLayout(cwd);
    writeFileSync(join(cwd, 'scen/paths.yaml'), 'proto: ../protos/order.proto\nimportPaths: [../inc]\n');

    const result = await runCli(['validate', 'scen/paths.yaml'], { cwd });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it.each(['validate', 'run'])('%s: an import not found names the importing file, the import, the places tried and the fix, exit 4', async (command) => {
    const cwd = tempDir();
    protoLayout(cwd);

    const result = await runCli([command, 'scen/empty.yaml', '--proto', 'protos/order.proto', '-n', '5'], { cwd });

    expect(result.code).toBe(4);
    const lines = linesOf(result.stderr);
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toContain(`proto: ${join(cwd, 'protos/order.proto')}: import "common/types.proto" not found; tried ${join(cwd, 'protos/common/types.proto')};`);
    expect(lines[0]).toContain('--import-paths DIR or the scenario key importPaths [PROTO_INVALID]');
    expect(lines[0]).not.toContain('ENOENT');
  });

  it.each(['', 'run', 'validate', 'serve', 'compare', 'merge', 'report'])('%s --help has examples of the command', async (command) => {
    const result = await helpOf(command);

    expect(result.code, result.stderr).toBe(0);
    const examples = result.stdout.slice(result.stdout.indexOf('\nExamples:\n'));
    expect(examples).toMatch(new RegExp(`^  grpc-bench ${command || 'run'} `, 'm'));
  });

  it.each(['', 'run', 'serve', 'compare', 'merge', 'report', 'ghz', 'history', 'canary-rounds'])('%s --help: no description runs into its [type]', async (command) => {
    const result = await helpOf(command);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n').filter((line) => /[^ ]\[(number|string|boolean|array|count)\]/.test(line))).toEqual([]);
  });

  it.each(['run', 'validate'])('%s --help lists every flag of the table under its group, with the scenario defaults', async (command) => {
    const result = await helpOf(command);

    expect(result.code, result.stderr).toBe(0);
    const headings = RUN_FLAG_GROUPS.map((group) => result.stdout.indexOf(`\n${group}:\n`));
    expect(headings.every((at) => at > 0)).toBe(true);
    expect([...headings].sort((a, b) => a - b)).toEqual(headings);
    for (const spec of RUN_FLAG_TABLE) {
      const shown = result.stdout.search(new RegExp(`^ +${spec.flag.length === 1 ? '-' : '--'}${spec.flag}\\b`, 'm'));
      const group = RUN_FLAG_GROUPS.indexOf(spec.group);
      expect(shown, spec.flag).toBeGreaterThan(headings[group]!);
      if (group + 1 < headings.length) expect(shown, spec.flag).toBeLessThan(headings[group + 1]!);
    }
    expect(result.stdout).toMatch(/^  -c .*\[default: 10\]$/m);
  });

  // A real terminal of 60 columns: util-linux's script(1) gives the CLI a pseudo-terminal.
  it.skipIf(!existsSync('/usr/bin/script'))('the progress line fits a 60-column terminal and ends with the summary\'s msg/s', async () => {
    const cwd = tempDir();
    const command = `stty cols 60; ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} run -z 2s -c 2 --workers 1 -O console`;
    // Started, not run synchronously: the other tests' processes go on meanwhile.
    const script = spawn('/usr/bin/script', ['-qfec', command, '/dev/null'], { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, killSignal: 'SIGKILL', env: { ...process.env, NO_COLOR: '1' } });
    const result = await collectExit(script);

    expect(result.code, result.stdout).toBe(0);
    // Each redraw starts at column 1 (ESC[1G); what it shows is the text without the control sequences.
    const frames = result.stdout
      .split('\x1b[1G')
      .slice(1)
      .map((frame) => frame.replace(/\x1b(\[[0-9;?]*[A-Za-z]|[78])/g, '').split(/[\r\n]/)[0]!);
    expect(frames.length).toBeGreaterThan(1);
    for (const frame of frames) expect(frame.length, frame).toBeLessThan(60);
    const summaryRate = /Messages\/sec: ([\d,.]+)/.exec(result.stdout)?.[1];
    expect(summaryRate).toBeDefined();
    expect(frames.at(-1)).toContain(`| ${summaryRate} msg/s`);
  }, 70_000);
});
