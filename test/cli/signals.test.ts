import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { ORDER_PROTO_PATH } from '../../src/target/order-proto-path.js';
import { collectExit, linesOf, makeTempDir, spawnCli } from '../helpers/cli-process.js';
import { startRudeServer } from '../helpers/rude-server.js';
import { startSilentHttp2Server, startSilentTcpServer } from '../helpers/silent-servers.js';
import { waitForStderr, waitUntil } from '../helpers/wait-for.js';

const cleanups: Array<() => unknown> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const temp = makeTempDir('grpc-bench-signals-');
  cleanups.push(temp.remove);
  return temp.dir;
}

/** Every report file is whole: it parses as its format (the CSV has a row per interval of the JSON report beside it). */
function expectWholeFile(path: string): void {
  const text = readFileSync(path, 'utf8');
  if (path.endsWith('.json')) expect(() => JSON.parse(text), path).not.toThrow();
  else if (path.endsWith('.csv')) {
    const report = JSON.parse(readFileSync(join(dirname(path), 'report.json'), 'utf8')) as { intervals: unknown[] };
    expect(text.endsWith('\r\n'), `${path} ends with its last record`).toBe(true);
    expect(parseCsv(text, { columns: true }), path).toHaveLength(report.intervals.length);
  } else if (path.endsWith('.xml')) {
    expect(XMLValidator.validate(text), path).toBe(true);
    expect(new XMLParser().parse(text), path).toHaveProperty('testsuites');
  } else if (path.endsWith('.html')) expect(text.trimEnd(), path).toMatch(/<\/html>$/);
  else if (path.endsWith('.md')) expect(text, path).toMatch(/^#+ /);
  else throw new Error(`unexpected file ${path}`);
}

describe('signals', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} during the connection probe (a target that accepts TCP and never speaks HTTP/2) exits 130 at once, one line, no report`, { timeout: 20_000 }, async () => {
      const silent = await startSilentTcpServer();
      cleanups.push(() => silent.close());
      const cwd = tempDir();
      const child = spawnCli(['run', silent.address, '--insecure', '-n', '100', '-O', 'json', '-o', 'out'], { cwd, timeoutMs: 19_000 });
      const exit = collectExit(child);

      await silent.first;
      child.kill(signal);
      const result = await exit;

      // The probe gives up after 5 s with TARGET_UNREACHABLE (exit 5): 130 shows the signal ended it first.
      expect(result.code, result.stderr).toBe(130);
      const lines = linesOf(result.stderr);
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toBe(`grpc-bench: interrupted while connecting to target ${silent.address}; no load was sent and no report written [INTERRUPTED]`);
      expect(readdirSync(join(cwd, 'out'))).toEqual([]);
    });
  }

  it('SIGINT while server reflection waits for the target exits 130 at once with one line', { timeout: 20_000 }, async () => {
    const silent = await startSilentHttp2Server();
    cleanups.push(() => silent.close());
    const cwd = tempDir();
    // No proto: the method is asked of the target by server reflection, which never answers.
    const child = spawnCli(['run', silent.address, '--insecure', '-n', '100', '-O', 'json', '-o', 'out'], { cwd, timeoutMs: 19_000 });
    const exit = collectExit(child);

    await silent.first;
    child.kill('SIGINT');
    const result = await exit;

    // Reflection gives up after 5 s with REFLECTION_FAILED (exit 4): 130 shows the signal ended it first.
    expect(result.code, result.stderr).toBe(130);
    expect(linesOf(result.stderr)).toEqual([
      `grpc-bench: interrupted while asking target ${silent.address} for pb.OrderService/CreateOrderStream by server reflection; no load was sent and no report written [INTERRUPTED]`,
    ]);
  });

  // With one core there is one possible count, and nothing to probe.
  it.skipIf(availableParallelism() < 2)('SIGINT while load.workers auto probes exits 130 with one line and no report', { timeout: 30_000 }, async () => {
    const cwd = tempDir();
    const child = spawnCli(['run', '-z', '10s', '-c', '4', '--connections', '4', '--workers', 'auto', '-O', 'json', '-o', 'out'], { cwd, timeoutMs: 28_000 });
    const exit = collectExit(child);

    await waitForStderr(child, /^workers auto: probe with /m);
    child.kill('SIGINT');
    const result = await exit;

    expect(result.code, result.stderr).toBe(130);
    expect(linesOf(result.stderr).at(-1)).toBe('grpc-bench: interrupted while probing worker counts (load.workers: auto); no load was sent and no report written [INTERRUPTED]');
    // Before it, only the probes' lines: the measured load never started.
    expect(linesOf(result.stderr).slice(0, -1).every((line) => line.startsWith('workers auto: probe with ')), result.stderr).toBe(true);
    expect(readdirSync(join(cwd, 'out'))).toEqual([]);
  });

  it('SIGINT twice in quick succession against a responsive target: exit 130, every report file whole', { timeout: 30_000 }, async () => {
    const cwd = tempDir();
    const out = join(cwd, 'out');
    const child = spawnCli(['run', '-z', '20s', '-c', '4', '-O', 'json,csv,html,markdown,junit', '-o', 'out'], { cwd, timeoutMs: 28_000 });
    const exit = collectExit(child);
    const journal = join(out, 'journal.jsonl');
    await waitUntil(() => (existsSync(journal) && linesOf(readFileSync(journal, 'utf8')).length >= 2 ? true : undefined), 'an interval in the journal');

    child.kill('SIGINT');
    await waitForStderr(child, /SIGINT: stopping/);
    // The drain of a responsive target is short: this one lands during the drain or the writing.
    child.kill('SIGINT');
    const result = await exit;

    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain('[INTERRUPTED]');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    const files = readdirSync(out).sort();
    expect(files).toEqual(['report.csv', 'report.html', 'report.json', 'report.md', 'report.xml']);
    for (const name of files) expectWholeFile(join(out, name));
  });

  it('a second SIGINT during the drain does not wait for it: exit 130, every report file whole', { timeout: 30_000 }, async () => {
    const server = await startRudeServer({ mode: 'echo' });
    cleanups.push(() => server.close());
    // Requests are read and never answered: the drain would wait its full 5 s.
    server.stopAnswering();
    const cwd = tempDir();
    const out = join(cwd, 'out');
    const child = spawnCli(['run', server.address, '--insecure', '--proto', ORDER_PROTO_PATH, '-z', '20s', '-c', '4', '--window', '4', '-O', 'json,csv,html,markdown,junit,prometheus,influx', '-o', 'out'], { cwd, timeoutMs: 28_000 });
    const exit = collectExit(child);
    // One interval in the journal: the load runs, and there is something to report.
    const journal = join(out, 'journal.jsonl');
    await waitUntil(() => (existsSync(journal) && linesOf(readFileSync(journal, 'utf8')).length >= 2 ? true : undefined), 'an interval in the journal');

    child.kill('SIGINT');
    await waitForStderr(child, /SIGINT: stopping, draining/);
    child.kill('SIGINT');
    const result = await exit;

    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain('SIGINT again: not waiting for the drain');
    expect(linesOf(result.stderr).at(-1)).toMatch(/^grpc-bench: run ended early: interrupted twice: the drain was not waited for; .*\[INTERRUPTED\]$/);
    const files = readdirSync(out).sort();
    expect(files).toEqual(['report.csv', 'report.html', 'report.json', 'report.lp', 'report.md', 'report.prom', 'report.xml']);
    for (const name of files.filter((f) => /\.(json|csv|xml|html|md)$/.test(f))) expectWholeFile(join(out, name));
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { partial: boolean; counts: Record<string, number> };
    expect(report.partial).toBe(true);
    expect(report.counts['messagesSent']).toBeGreaterThan(0);
    expect(report.counts['messagesSent']).toBe(report.counts['messagesReceived']! + report.counts['messagesFailed']! + report.counts['inFlightAtStop']!);
    expect(existsSync(join(out, 'journal.jsonl')), 'the journal is removed once the reports are written').toBe(false);
  });
});
