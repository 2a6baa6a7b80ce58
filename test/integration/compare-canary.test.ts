import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare-reports.js';
import type { Comparison } from '../../src/compare/comparison.js';
import type { Report } from '../../src/report/report.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { runInProcess } from '../helpers/in-process-cli.js';
import { makeTempDir, runCli, startServeChild, type ServeChild } from '../helpers/cli-process.js';

/*
 * Canary comparison on real runs. Baseline and candidate run at the same time, as a canary
 * runs beside the stable version: on a shared machine, load that drifts between two runs made
 * one after the other is as large as the effect under test (on a busy 2-core machine two
 * back-to-back v1 runs differed by up to 5× in P99), while simultaneous runs see the same load
 * and compare pairs their intervals by time. The streams pause 1 ms between sends so the runs
 * do not saturate the two cores themselves; 250 ms intervals give enough samples in seconds.
 */
const INTERVAL_MS = 250;
/**
 * v2 answers this much later, a timer rather than work: every v2 latency is at least 20 ms, while
 * v1's P99 stays below that even on a busy machine, so every pair of intervals is slower at P50
 * and at P99 alike (with +2 ms, v1's own P99 reached v2's now and then under load).
 */
const V2_DELAY_MS = 20;

/*
 * Each service in a process of its own: two in one event loop are served in one order whenever
 * both have data, which made one v1 consistently later than the other (a false alarm at P99).
 */
let v1: ServeChild;
let v1Again: ServeChild;
let v2: ServeChild;
const temp = makeTempDir('grpc-bench-canary-');

beforeAll(async () => {
  [v1, v1Again, v2] = await Promise.all([
    startServeChild(['--service-version', 'v1']),
    startServeChild(['--service-version', 'v1']),
    startServeChild(['--service-version', 'v2', '--latency', `${V2_DELAY_MS}ms`]),
  ]);
});

afterAll(async () => {
  await Promise.all([v1, v1Again, v2].filter(Boolean).map((server) => server.stop()));
  temp.remove();
});

/** Closed model: 8 streams on 1 connection, 1 worker, ping-pong with a 1 ms pause. */
async function run(target: ServeChild, name: string, duration: string): Promise<string> {
  const scenario = loadScenario({
    overrides: { name, target: target.address, insecure: true, load: { streams: 8, connections: 1, workers: 1, duration }, stream: { interval: '1ms' } },
  });
  const { report } = await runScenario(scenario, { snapshotIntervalMs: INTERVAL_MS });
  expect(report.counts.messagesReceived, `${name}: responses`).toBeGreaterThan(0);
  const file = join(temp.dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(report));
  return file;
}

/** The figures behind a verdict, for the test log. */
function summary(comparison: Comparison): string {
  return comparison.metrics
    .filter((m) => m.test)
    .map((m) => `${m.label} ${m.test!.ratio.estimate.toFixed(2)}× (p ${m.pValue!.toPrecision(2)}, CI ${m.test!.ratio.low.toFixed(2)}–${m.test!.ratio.high.toFixed(2)})`)
    .join('; ');
}

function compareFiles(baseline: string, candidate: string): Comparison {
  const load = (file: string): Report => JSON.parse(readFileSync(file, 'utf8')) as Report;
  return compareReports(load(baseline), load(candidate), { maxRegression: {} });
}

/** `grpc-bench compare … -O json` in-process: the exit code and the Comparison it printed. */
async function compareInProcess(baseline: string, candidate: string, extra: string[] = []): Promise<{ code: number; comparison: Comparison; stderr: string }> {
  const { code, stdout, stderr } = await runInProcess(['compare', baseline, candidate, '-O', 'json', ...extra], temp.dir);
  return { code, comparison: JSON.parse(stdout) as Comparison, stderr };
}

describe('compare: canary v1 against v2 on real runs', () => {
  it(`v2 (+${V2_DELAY_MS} ms per request) is slower at P50 and P99, significantly: exit 99`, async () => {
    // 4 s give 12 paired intervals after the first second: with every pair slower the signed-rank p is
    // below 0.001, far under 0.05.
    const [baseline, candidate] = await Promise.all([run(v1, 'v1', '4s'), run(v2, 'v2', '4s')]);

    const result = await runCli(['compare', 'v1.json', 'v2.json'], { cwd: temp.dir });

    const comparison = compareFiles(baseline, candidate);
    console.log(`v1 vs v2: ${comparison.verdict} (${comparison.design}, ${comparison.pairedIntervals} pairs): ${summary(comparison)}`);
    expect(result.stdout).toMatch(/^ {2}P50: candidate is [\d.]+ % slower at P50 \(significant: p [<=] [\d.]+, 95 % CI of ratio [\d.]+–[\d.]+\)$/m);
    expect(result.stdout).toMatch(/^ {2}P99: candidate is [\d.]+ % slower at P99 \(significant: p [<=] [\d.]+, 95 % CI of ratio [\d.]+–[\d.]+\)$/m);
    expect(result.stdout).toMatch(/^Verdict: FAIL — regression: candidate is /m);
    expect(result.stderr).toMatch(/^grpc-bench: compare: regression: .*slower at P50.* \[REGRESSION_DETECTED\]$/m);
    expect(result.code).toBe(99);
  }, 90_000);

  it('v1 against v1: no false alarm in 5 repeated comparisons', async () => {
    // Two identical services run at the same time on a shared 2-core machine still differ now and then by
    // 10-20 % for a whole run (measured: P50 1.11x, p 0.010; P99 1.20x, p 0.0066): a real difference of the
    // machine, which the judge rightly sees at the default 10 %. What must never happen is noise called a
    // regression beyond what the machine does: judged at 30 %.
    const tolerance = ['--max-regression', 'p50=30%,p99=30%,messagesPerSec=30%'];
    const results = [];
    for (let i = 0; i < 5; i++) {
      const [a, b] = await Promise.all([run(v1, `v1-a${i}`, '5s'), run(v1Again, `v1-b${i}`, '5s')]);
      results.push(await compareInProcess(a, b, tolerance));
    }

    results.forEach(({ comparison }, i) => console.log(`v1 vs v1 #${i + 1}: ${comparison.verdict} (${comparison.design}, ${comparison.pairedIntervals} pairs): ${summary(comparison)}`));
    for (const { code, comparison, stderr } of results) {
      expect(comparison.verdict).not.toBe('fail');
      expect(code, stderr).toBe(0);
    }
  }, 90_000);
});
