import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHistory } from '../../../src/history/read-history.js';
import { runCli, startServeChild, type ServeChild } from '../../helpers/cli-process.js';
import { runInProcess } from '../../helpers/in-process-cli.js';

const COMPILED_CLI = fileURLToPath(new URL('../../../dist/src/cli/main.js', import.meta.url));
const V1_RUNS = 10;
const V2_RUNS = 5;
/**
 * The test checks the wiring end to end and a change no machine noise explains, not how small a
 * change the detector sees — bench:history measures that on generated series. v1 answers after
 * 10 ms and v2 after 100 ms, so latency and messages/s are set by the servers' timers rather than
 * by how busy the machine is (a CPU-bound P50 of 0.06 ms doubled for good when other jobs took the
 * cores mid-series, and the gate rightly called that a change). A minimum change of 50 % keeps a
 * few late timers on a busy machine from passing for a regression; v2 is about ten times slower.
 */
const GATE = ['--min-change', '50%'];

let work: string;
let v1: ServeChild;
let v2: ServeChild;
/** Routes the streams carrying x-user-group: internal-testers to a canary that answers 1 ms later. */
let canary: ServeChild;
const reports: string[] = [];

/**
 * One short real run against `address` (the CLI's main in this process, real workers), its report
 * kept and its record appended to `history`. Records sort by their start to the second, and each
 * run lasts 1 s, so one after another they keep their order.
 */
async function shortRun(address: string, history: string, commit: string, index: number): Promise<void> {
  const report = join(work, `run-${String(index).padStart(2, '0')}.json`);
  const result = await runInProcess(['run', address, '--insecure', '--proto', 'proto/order.proto', '--name', 'history-gate', '-c', '4', '--connections', '1', '--workers', '1', '-z', '1s', '-O', 'json', '-o', report, '--history', history, '--tag', `commit=${commit}`, '--tag', 'branch=main'], process.cwd());
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toMatch(/history: recorded .*history-gate-[0-9a-f]{16}\.json/);
  reports.push(report);
}

beforeAll(async () => {
  if (!existsSync(COMPILED_CLI)) throw new Error(`${COMPILED_CLI} is missing: run \`npm run build\` first`);
  work = mkdtempSync(join(tmpdir(), 'history-gate-'));
  [v1, v2, canary] = await Promise.all([
    startServeChild(['--service-version', 'v1', '--latency', '10ms']),
    startServeChild(['--service-version', 'v2', '--latency', '100ms']),
    startServeChild(['--canary', '--canary-header', 'x-user-group=internal-testers', '--canary-latency', '1ms']),
  ]);
});

afterAll(async () => {
  await Promise.all([v1?.stop(), v2?.stop(), canary?.stop()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('history gate over real runs against serve', () => {
  it('passes 10 runs of v1, then finds the change point at the first of 5 runs of a slower v2 and exits 99', async () => {
    const history = join(work, 'history');
    for (let i = 0; i < V1_RUNS; i++) await shortRun(v1.address, history, `v1-${i}`, i);

    const steady = await runCli(['history', history, ...GATE]);
    expect(steady.code, steady.stderr).toBe(0);
    expect(steady.stdout).toContain('history: PASS: 0 confirmed regression(s)');
    expect(steady.stdout).toContain(`history-gate · pb.OrderService/CreateOrderStream (${V1_RUNS} runs`);

    for (let i = 0; i < V2_RUNS; i++) await shortRun(v2.address, history, `v2-${i}`, V1_RUNS + i);
    const gate = await runCli(['history', history, ...GATE, '-O', 'json,markdown,html', '-o', join(work, 'trend')]);
    expect(gate.code, gate.stderr).toBe(99);
    expect(gate.stderr).toMatch(/\[HISTORY_REGRESSION\]\n$/);
    const analysis = JSON.parse(readFileSync(join(work, 'trend', 'history.json'), 'utf8')) as {
      verdict: string;
      series: Array<{ runs: Array<{ tags: Record<string, string> }>; metrics: Array<{ spec: { metric: string }; changePoints: Array<{ runIndex: number; kind: string }> }> }>;
      findings: Array<{ metric: string; kind: string; status: string; firstRun: number; lastGoodRun: number }>;
    };
    expect(analysis.verdict).toBe('fail');
    const [series] = analysis.series;
    expect(series!.runs).toHaveLength(V1_RUNS + V2_RUNS);
    const p50 = series!.metrics.find((m) => m.spec.metric === 'p50')!;
    expect(p50.changePoints).toMatchObject([{ runIndex: V1_RUNS, kind: 'regression' }]);
    const rate = series!.metrics.find((m) => m.spec.metric === 'messagesPerSec')!;
    expect(rate.changePoints).toMatchObject([{ runIndex: V1_RUNS, kind: 'regression' }]);
    expect(analysis.findings).toContainEqual(expect.objectContaining({ metric: 'p50', kind: 'regression', status: 'confirmed', firstRun: V1_RUNS, lastGoodRun: V1_RUNS - 1 }));
    // The one line names the metric, its size, the runs and their commits.
    expect(gate.stderr).toMatch(/regression confirmed: history-gate · pb\.OrderService\/CreateOrderStream: P50 [\d.]+ ms → [\d.]+ ms \(\+\d+\.\d %, p (< )?[\d.e-]+\), from run 11 of 15 \([^)]*commit=v2-0\) on, 5 runs; last run before: run 10 of 15 \([^)]*commit=v1-9\)/);
    expect(readFileSync(join(work, 'trend', 'history.md'), 'utf8')).toContain('## grpc-bench history: ❌ FAIL');
    expect(readFileSync(join(work, 'trend', 'history.html'), 'utf8')).toContain('data-chart="history-0-p50"');
  });

  it('history import of the saved report.json files gives the same runs and the same verdict', async () => {
    expect(reports).toHaveLength(V1_RUNS + V2_RUNS);
    const imported = join(work, 'imported');
    const first = await runCli(['history', 'import', imported, ...reports, '--tag', 'source=import']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`history import: ${reports.length} of ${reports.length} report(s) added`);
    const again = await runCli(['history', 'import', imported, reports[0]!]);
    expect(again.stderr).toContain('already recorded');
    expect(readdirSync(imported)).toHaveLength(reports.length);

    const recorded = readHistory(join(work, 'history')).records.map((r) => [r.runId, r.series[0]!.metrics.p99]);
    expect(readHistory(imported).records.map((r) => [r.runId, r.series[0]!.metrics.p99])).toEqual(recorded);
    const gate = await runCli(['history', imported, ...GATE, '-O', 'json']);
    expect(gate.code).toBe(99);
    expect(JSON.parse(gate.stdout).findings).toContainEqual(expect.objectContaining({ metric: 'p50', status: 'confirmed', firstRun: V1_RUNS }));
  });

  it('records each version of a split run as its own series', async () => {
    const scenario = join(work, 'split.yaml');
    writeFileSync(scenario, `name: history-split\ntarget: ${canary.address}\ninsecure: true\nproto: ${join(process.cwd(), 'proto/order.proto')}\nload: { streams: 4, connections: 1, workers: 1, duration: 1s }\nsplit:\n  by: served_by\n  routed: { share: 0.5, metadata: { x-user-group: internal-testers } }\n`);
    const history = join(work, 'split-history');
    const result = await runCli(['run', scenario, '-O', 'json', '-o', join(work, 'split.json'), '--history', history, '--tag', 'commit=split']);
    expect(result.code, result.stderr).toBe(0);
    const [record] = readHistory(history).records;
    expect(record!.series.map((s) => s.version)).toEqual(['v1', 'v2']);
    for (const series of record!.series) expect(series.metrics.p50).toBeGreaterThan(0);
    // v2 answers 1 ms later.
    expect(record!.series[1]!.metrics.p50!).toBeGreaterThan(record!.series[0]!.metrics.p50!);
    const gate = await runCli(['history', history, '-O', 'json']);
    expect(gate.code, gate.stderr).toBe(0);
    expect(JSON.parse(gate.stdout).series.map((s: { key: string }) => s.key)).toEqual(['history-split · pb.OrderService/CreateOrderStream · v1', 'history-split · pb.OrderService/CreateOrderStream · v2']);
  });

  it('keeps both records when two processes append at once', async () => {
    const shared = join(work, 'concurrent');
    const half = Math.ceil(reports.length / 2);
    const [a, b] = await Promise.all([runCli(['history', 'import', shared, ...reports.slice(0, half)]), runCli(['history', 'import', shared, ...reports.slice(half)])]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const { records, skipped } = readHistory(shared);
    expect(skipped).toEqual([]);
    expect(records).toHaveLength(reports.length);
    expect(readdirSync(shared).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});
