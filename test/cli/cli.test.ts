import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../src/stats/latency-histogram.js';
import { startOrderServer, type OrderServerHandle } from '../../src/target/start-order-server.js';
import { closedPort, collectExit, linesOf, makeTempDir, runCli, spawnCli, type CliResult } from '../helpers/cli-process.js';

const cleanups: Array<() => void> = [];

function tempDir(): string {
  const temp = makeTempDir('grpc-bench-cli-');
  cleanups.push(temp.remove);
  return temp.dir;
}

// The tests run concurrently: their directories go when all of them are done.
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A failed command ends with exactly one stderr line, tagged with its code, and no stack trace. */
function expectOneErrorLine(result: CliResult, code: string): string {
  const lines = linesOf(result.stderr);
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^grpc-bench: /);
  expect(lines[0]).toContain(`[${code}]`);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

// Concurrent: each test has its own process, server and directory, and none asserts on timing. Most of the
// file's time is waiting (5 s for a closed port's connect timeout, a status line after 5 s of load), which overlaps.
describe.concurrent('grpc-bench CLI', () => {
  it('--help lists the run and serve commands', async () => {
    const result = await runCli(['--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/grpc-bench run/);
    expect(result.stdout).toMatch(/grpc-bench serve/);
  });

  it('exits 3 on an invalid scenario, with one line naming the file and the field', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'bad-scenario.yaml'), 'name: bad\nload:\n  streams: 0\n');

    const result = await runCli(['run', 'bad-scenario.yaml'], { cwd });

    expect(result.code).toBe(3);
    const line = expectOneErrorLine(result, 'SCENARIO_INVALID');
    expect(line).toContain('bad-scenario.yaml');
    expect(line).toContain('load.streams');
    expect(result.stdout).toBe('');
  });

  it('exits 4 when the method is not in the proto', async () => {
    const result = await runCli(['run', '--call', 'pb.OrderService/NoSuchMethod', '-n', '10', '-O', 'console'], { cwd: tempDir() });

    expect(result.code).toBe(4);
    const line = expectOneErrorLine(result, 'METHOD_NOT_FOUND');
    expect(line).toContain('NoSuchMethod');
    expect(line).toContain('CreateOrderStream');
  });

  it('exits 5 with one line when nothing listens at the target', async () => {
    const port = await closedPort();

    const result = await runCli(['run', `127.0.0.1:${port}`, '--insecure', '-n', '10', '-O', 'console'], { cwd: tempDir() });

    expect(result.code).toBe(5);
    const line = expectOneErrorLine(result, 'TARGET_UNREACHABLE');
    expect(line).toContain(`127.0.0.1:${port}`);
  });

  it('exits 6 when the report cannot be written, before sending any load', async () => {
    const server: OrderServerHandle = await startOrderServer({ port: 0 });
    try {
      const result = await runCli(['run', server.address, '--insecure', '-n', '10', '-O', 'json', '-o', '/proc/x/report.json'], {
        cwd: tempDir(),
        timeoutMs: 10_000,
      });

      expect(result.signal, 'the command hung and was killed').toBeNull();
      expect(result.code).toBe(6);
      const line = expectOneErrorLine(result, 'OUTPUT_UNWRITABLE');
      expect(line).toContain('/proc/x');
      expect(server.counters.snapshot()).toMatchObject({ streamsOpened: 0, messagesReceived: 0 });
    } finally {
      server.forceShutdown();
    }
  });

  it('runs the embedded service and writes a complete JSON report (schemaVersion 1)', async () => {
    const cwd = tempDir();

    const result = await runCli(['run', '-n', '200', '-c', '4', '-O', 'json', '-o', 'tmp/x.json'], { cwd });

    expect(result.code, result.stderr).toBe(0);
    const path = join(cwd, 'tmp', 'x.json');
    expect(result.stderr).toContain(`report written: ${path}`);
    const report = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> & {
      counts: Record<string, number>;
      histogram: string;
    };
    expect(report).toMatchObject({
      schemaVersion: 1,
      name: 'grpc-bench',
      target: expect.stringMatching(/^embedded \(127\.0\.0\.1:\d+\)$/),
      call: 'pb.OrderService/CreateOrderStream',
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      durationMs: expect.any(Number),
      partial: false,
      counts: {
        streamsOpened: expect.any(Number),
        streamsCompleted: expect.any(Number),
        streamsFailed: 0,
        messagesSent: 200,
        messagesReceived: 200,
        errors: 0,
      },
      throughput: { messagesPerSec: expect.any(Number) },
      latencyMs: {
        min: expect.any(Number),
        mean: expect.any(Number),
        p50: expect.any(Number),
        p90: expect.any(Number),
        p95: expect.any(Number),
        p99: expect.any(Number),
        p999: expect.any(Number),
        max: expect.any(Number),
      },
      statusCodes: { OK: expect.any(Number) },
      connections: { opened: 1, peakActive: 1 },
      histogram: expect.any(String),
    });
    expect(Number.isNaN(Date.parse(report['startedAt'] as string))).toBe(false);
    const latency = report['latencyMs'] as Record<string, number>;
    expect(latency['min']).toBeLessThanOrEqual(latency['p50']!);
    expect(latency['p50']).toBeLessThanOrEqual(latency['p99']!);
    expect(latency['p999']).toBeLessThanOrEqual(latency['max']!);
    expect(decodeHistogram(report.histogram).totalCount).toBe(report.counts['messagesReceived']);
  });

  it('--workers auto: probe lines on stderr before the load, the choice in the console summary and the JSON report', { timeout: 30_000 }, async () => {
    const cwd = tempDir();
    const cap = Math.min(availableParallelism(), 2);

    const result = await runCli(['run', '-n', '100', '-c', '2', '--connections', '2', '--workers', 'auto', '-O', 'console,json', '-o', 'out'], { cwd });

    expect(result.code, result.stderr).toBe(0);
    const probeLines = result.stderr.split('\n').filter((line) => line.startsWith('workers auto: probe with '));
    expect(probeLines).toHaveLength(cap === 1 ? 0 : 4);
    const json = readdirSync(join(cwd, 'out')).find((name) => name.endsWith('.json'))!;
    const report = JSON.parse(readFileSync(join(cwd, 'out', json), 'utf8')) as { settings: { workers: number; workerChoice: { workers: number; reason: string } } };
    expect(report.settings.workers).toBe(report.settings.workerChoice.workers);
    expect(result.stdout).toContain(`workers: ${report.settings.workers} (auto: ${report.settings.workerChoice.reason})`);
  });

  it('on SIGINT stops, writes a partial report and exits 130', { timeout: 20_000 }, async () => {
    const cwd = tempDir();
    const child = spawnCli(['run', '-z', '30s', '-c', '2', '-O', 'json', '-o', 'r.json'], { cwd, timeoutMs: 19_000 });
    const exit = collectExit(child);
    // Not a terminal: the run prints a status line ("[5s] ...") every few seconds on stderr.
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const onData = (chunk: string): void => {
        seen += chunk;
        if (/^\[\d+s\] /m.test(seen)) {
          child.stderr!.off('data', onData);
          resolve();
        }
      };
      child.stderr!.on('data', onData);
      child.once('close', () => reject(new Error(`the run ended before its first status line: ${seen}`)));
    });

    child.kill('SIGINT');
    const result = await exit;

    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain('[INTERRUPTED]');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    const path = join(cwd, 'r.json');
    expect(existsSync(path)).toBe(true);
    const report = JSON.parse(readFileSync(path, 'utf8')) as { partial: boolean; durationMs: number; counts: Record<string, number> };
    expect(report.partial).toBe(true);
    expect(report.durationMs).toBeLessThan(30_000);
    expect(report.counts['messagesSent']).toBe(report.counts['messagesReceived']! + report.counts['messagesFailed']! + report.counts['inFlightAtStop']!);
  });
});
