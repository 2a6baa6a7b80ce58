import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syntheticRecord } from '../../../bench/history-records.js';
import { generateSeries } from '../../../bench/history-series.js';
import { main } from '../../../src/cli/main.js';
import { parseTagFlags } from '../../../src/cli/parse-tag-flags.js';
import { appendRecord } from '../../../src/history/append-record.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'history-command-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stderrIsTTY: false, cwd: dir, onSignal: () => () => undefined });
  return { code, stdout, stderr };
}

/** A history of 24 nightly runs: p99 steady, then 50 % up for the last `slowRuns`. */
function writeHistory(slowRuns: number): string {
  const history = join(dir, 'perf-history');
  const p99 = generateSeries({ runs: 24, base: 2, noise: 0.03, steps: slowRuns ? [{ at: 24 - slowRuns, by: 0.5 }] : [], outliers: 0 }, 5);
  p99.forEach((value, index) => appendRecord(history, syntheticRecord({ index, metrics: { p99: value, messagesPerSec: 1000, errorRate: 0 } })));
  return history;
}

describe('grpc-bench history', () => {
  it('exits 0 on a steady history and prints the table', async () => {
    writeHistory(0);
    const result = await cli(['history', 'perf-history']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^history: PASS: 0 confirmed regression\(s\), 0 suspected, 0 improvement\(s\) at the newest run; 1 series, 24 runs\n/);
    expect(result.stdout).toContain('nightly-gate · pb.OrderService/CreateOrderStream (24 runs');
  });

  it('exits 99 (HISTORY_REGRESSION) on a confirmed regression, with one line naming it', async () => {
    writeHistory(4);
    const result = await cli(['history', 'perf-history', '-O', 'markdown']);
    expect(result.code).toBe(99);
    expect(result.stdout).toContain('## grpc-bench history: ❌ FAIL');
    expect(result.stderr.trim().split('\n').pop()).toMatch(/^grpc-bench: regression confirmed: nightly-gate · pb\.OrderService\/CreateOrderStream: P99 .* from run 21 of 24 \(.*commit=c20\) on, 4 runs; last run before: run 20 of 24 \(.*commit=c19\) \[HISTORY_REGRESSION\]$/);
  });

  it('fails a suspected regression only with --fail-on-suspected', async () => {
    writeHistory(1);
    expect((await cli(['history', 'perf-history'])).code).toBe(0);
    const strict = await cli(['history', 'perf-history', '--fail-on-suspected']);
    expect(strict.code).toBe(99);
    expect(strict.stderr).toContain('regression suspected: nightly-gate');
  });

  it('writes every format into an output directory', async () => {
    writeHistory(0);
    const result = await cli(['history', 'perf-history', '-O', 'console,json,markdown,html', '-o', 'trend']);
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(join(dir, 'trend')).sort()).toEqual(['history.html', 'history.json', 'history.md']);
    expect(JSON.parse(readFileSync(join(dir, 'trend', 'history.json'), 'utf8'))).toMatchObject({ kind: 'grpc-bench-history', verdict: 'pass' });
  });

  it('writes one format to a file path', async () => {
    writeHistory(0);
    const result = await cli(['history', 'perf-history', '-O', 'html', '-o', 'trend.html']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`history written: ${join(dir, 'trend.html')}`);
    expect(readFileSync(join(dir, 'trend.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('skips a corrupt record with a warning naming it, and still judges the rest', async () => {
    const history = writeHistory(0);
    writeFileSync(join(history, '20270101T000000Z-broken-0000000000000000.json'), '{"kind":"grpc-bench-run-record",');
    const result = await cli(['history', 'perf-history']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^warning: .*perf-history\/20270101T000000Z-broken-0000000000000000\.json: skipped: not JSON/m);
  });

  it('ends bad input with one line and its exit code', async () => {
    expect(await cli(['history', 'missing'])).toMatchObject({ code: 3, stderr: expect.stringMatching(/^grpc-bench: history: .*missing: no such directory; .* \[HISTORY_INVALID\]\n$/) });
    writeHistory(0);
    expect(await cli(['history', 'perf-history', '--min-change', 'lots'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--min-change: expected a percentage such as 5%, got "lots"') });
    expect(await cli(['history', 'perf-history', '-O', 'pdf'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--format: expected history formats') });
    expect(await cli(['history', 'perf-history', '-O', 'json,html'])).toMatchObject({ code: 2, stderr: expect.stringContaining('needs -o/--output') });
    expect(await cli(['history', 'perf-history', '--recent', '2'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--recent: 2 runs is fewer than --min-runs (3)') });
    expect(await cli(['history', 'import', 'perf-history', 'nope.json'])).toMatchObject({ code: 3, stderr: expect.stringContaining('[REPORT_INVALID]') });
    writeFileSync(join(dir, 'empty'), '');
    expect(await cli(['run', '--history', 'empty', '-z', '1s'])).toMatchObject({ code: 3, stderr: expect.stringMatching(/^grpc-bench: output.history: .*empty: not a directory; .* \[HISTORY_INVALID\]\n$/) });
  });
});

describe('--tag', () => {
  it('reads key=value, repeatable; the value may hold "="', () => {
    expect(parseTagFlags(['commit=abc', 'query=a=b', 'empty='])).toEqual({ commit: 'abc', query: 'a=b', empty: '' });
    expect(() => parseTagFlags('no-equals')).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('got "no-equals"') }));
    expect(() => parseTagFlags('bad key=x')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
