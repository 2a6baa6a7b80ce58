import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DescribedComparison } from '../../src/reporters/described-comparison.js';
import type { Report } from '../../src/report/report.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { makeTempDir, runCli, startServeChild, type ServeChild } from '../helpers/cli-process.js';
import { reservationScenario } from '../helpers/reservation-scenario.js';

/*
 * Two flow runs against `serve --protocol reservation`, v1 deciding in 1 ms, v2 in 60 ms, run at
 * the same time (the intervals pair by time) and compared. 50 ms intervals give about 20
 * usable pairs in 2 s (three trials: 20 pairs, p < 0.001, ratio CI low end 11–27); the decision
 * step's per-interval P99 is ≥ 60 ms on v2 and a few ms on v1, every pair the same way round.
 * Neither server rejects: both check rates are 100 %, which is no change.
 */
const INTERVAL_MS = 50;
let v1: ServeChild;
let v2: ServeChild;
const temp = makeTempDir('grpc-bench-compare-flow-');

beforeAll(async () => {
  [v1, v2] = await Promise.all([
    startServeChild(['--protocol', 'reservation', '--stage-delays', '1ms']),
    startServeChild(['--protocol', 'reservation', '--stage-delays', '1ms,1ms,60ms', '--service-version', 'v2']),
  ]);
});

afterAll(async () => {
  await Promise.all([v1, v2].filter(Boolean).map((server) => server.stop()));
  temp.remove();
});

async function run(server: ServeChild, name: string): Promise<Report> {
  const { thresholds: _none, ...flowRun } = reservationScenario(server.address, 'grpc-js');
  const scenario = loadScenario({ overrides: { ...flowRun, name, load: { streams: 4, connections: 1, workers: 1, duration: '2s' } } as never });
  const { report } = await runScenario(scenario, { snapshotIntervalMs: INTERVAL_MS });
  writeFileSync(join(temp.dir, `${name}.json`), JSON.stringify(report));
  return report;
}

describe('compare on two real flow runs', () => {
  it('fails the slower decision step’s P99 and passes the equal check rate: exit 99', async () => {
    const [baseline, candidate] = await Promise.all([run(v1, 'v1'), run(v2, 'v2')]);
    // The intervals carry the flow, and sum to the whole run.
    for (const report of [baseline, candidate]) {
      const decided = report.flow!.awaits['decided']!;
      expect(decided.matched).toBeGreaterThan(0);
      expect(report.intervals.reduce((sum, i) => sum + (i.flow?.awaits['decided']?.matched ?? 0), 0)).toBe(decided.matched);
      expect(report.intervals.reduce((sum, i) => sum + (i.flow?.checks['confirmed']?.passes ?? 0), 0)).toBe(report.flow!.checks['confirmed']!.passes);
    }

    const result = await runCli(['compare', 'v1.json', 'v2.json', '-O', 'json', '-o', 'comparison.json'], { cwd: temp.dir });

    const comparison = JSON.parse(readFileSync(join(temp.dir, 'comparison.json'), 'utf8')) as DescribedComparison;
    const p99 = comparison.metrics.find((m) => m.metric === 'step.decided.p99')!;
    console.log(`flow v1 vs v2: ${comparison.design}, ${comparison.pairedIntervals} pairs; ${p99.finding}`);
    expect(p99.candidate).toBeGreaterThanOrEqual(60);
    expect(p99.verdict).toBe('fail');
    expect(comparison.metrics.find((m) => m.metric === 'checks.confirmed.rate')).toMatchObject({ baseline: 100, candidate: 100, verdict: 'pass' });
    expect(comparison.metrics.find((m) => m.metric === 'step.decided.timeoutRate')).toMatchObject({ baseline: 0, candidate: 0, verdict: 'pass' });
    expect(comparison.verdict).toBe('fail');
    expect(result.stderr).toMatch(/\[REGRESSION_DETECTED\]/);
    expect(result.code).toBe(99);
  }, 60_000);

  it('the canary judge (run --baseline --candidate, interleaved rounds) judges the flow round by round: the slower decision fails, exit 99', async () => {
    const { thresholds: _none, ...flowRun } = reservationScenario('127.0.0.1:1', 'grpc-js');
    writeFileSync(join(temp.dir, 'flow.yaml'), JSON.stringify({ ...flowRun, name: 'flow-canary', load: { streams: 4, connections: 1, workers: 1, duration: '1s' } }));

    const result = await runCli(['run', 'flow.yaml', '--baseline', v1.address, '--candidate', v2.address, '--rounds', '3', '-o', 'canary'], { cwd: temp.dir, timeoutMs: 60_000 });

    const comparison = JSON.parse(readFileSync(join(temp.dir, 'canary', 'comparison.json'), 'utf8')) as DescribedComparison;
    const p50 = comparison.metrics.find((m) => m.metric === 'step.decided.p50')!;
    console.log(`flow canary: ${comparison.design}, ${comparison.rounds} rounds; ${p50.finding}`);
    expect(comparison).toMatchObject({ design: 'rounds', rounds: 3 });
    // Every round's decision takes ≥ 60 ms on v2 and a few ms on v1: the per-round ratios agree closely.
    expect(p50).toMatchObject({ verdict: 'fail', significant: true, test: { design: 'rounds', baselineCount: 3, candidateCount: 3 } });
    expect(p50.candidate).toBeGreaterThanOrEqual(60);
    expect(comparison.metrics.find((m) => m.metric === 'checks.confirmed.rate')).toMatchObject({ baseline: 100, candidate: 100, verdict: 'pass' });
    for (const [side, version] of [['baseline', 'v1'], ['candidate', 'v2']]) {
      const report = JSON.parse(readFileSync(join(temp.dir, 'canary', `${side}.json`), 'utf8')) as Report;
      expect(report.rounds).toHaveLength(3);
      expect(report.intervals.reduce((sum, i) => sum + (i.flow?.awaits['decided']?.matched ?? 0), 0)).toBe(report.flow!.awaits['decided']!.matched);
      // The awaits' matches are labelled by the version that answered (served_by), as a side's responses are without a flow.
      expect(Object.keys(report.versions!)).toEqual([version]);
      expect(report.versions![version]!.messagesReceived).toBe(report.counts.messagesReceived);
    }
    expect(readFileSync(join(temp.dir, 'canary', 'comparison.html'), 'utf8')).toContain('<h1>Comparison: v1 vs v2</h1>');
    expect(result.stdout).toContain('step decided P50');
    expect(result.code, result.stderr).toBe(99);
  }, 90_000);
});
