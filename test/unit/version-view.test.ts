import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare-reports.js';
import { versionView } from '../../src/compare/version-view.js';
import { BenchError } from '../../src/errors/bench-error.js';
import type { Report } from '../../src/report/report.js';
import { latencySpread, syntheticReport, type SyntheticInterval } from '../helpers/synthetic-report.js';

/** A split run whose versions are the intervals of two synthetic runs at the same times: v1 about 10 ms, v2 about `v2Ms`. */
function splitRun(v2Ms: number, withFlow = false, v2Responses = 200): Report {
  const flow = (centerMs: number): SyntheticInterval['flow'] => ({ awaits: { reserved: { latenciesMs: latencySpread(centerMs, 50) } }, checks: { reserved: { passes: 50, fails: 0 } } });
  const run = (centerMs: number, responses = 200): Report =>
    syntheticReport(Array.from({ length: 10 }, () => ({ latenciesMs: latencySpread(centerMs, responses), errors: 1, ...(withFlow ? { flow: flow(centerMs) } : {}) })));
  const [v1, v2] = [run(10), run(v2Ms, v2Responses)];
  const version = (r: Report, share: number): NonNullable<Report['versions']>[string] => ({
    messagesReceived: r.counts.messagesReceived,
    share,
    latencyMs: r.latencyMs,
    intervals: r.intervals.map(({ tMs, durationMs, messagesReceived, messagesPerSec, p50Ms, p99Ms, histogram, flow }) => ({ tMs, durationMs, messagesReceived, messagesPerSec, p50Ms, p99Ms, histogram, ...(flow ? { flow } : {}) })),
    histogram: r.histogram,
    ...(r.flow ? { flow: { ...r.flow, runsMixedVersions: 0 } } : {}),
  });
  // The whole run's flow is neither version's: a view must carry its own version's.
  return { ...v1, name: 'split', ...(withFlow ? { flow: { ...v1.flow!, runsStarted: -1 } } : {}), versions: { v1: version(v1, 0.5), v2: version(v2, 0.5) } };
}

describe('versionView: one version of a split run as a report', () => {
  it("carries the version's intervals, latencies and throughput, and marks its error counts not measured", () => {
    const report = splitRun(20);
    const view = versionView(report, 'v2', 'split.json');
    const v2 = report.versions!['v2']!;
    expect(view.name).toBe('split v2');
    expect(view.latencyMs).toEqual(v2.latencyMs);
    expect(view.histogram).toBe(v2.histogram);
    expect(view.intervals.map((i) => [i.tMs, i.messagesReceived, i.histogram])).toEqual(v2.intervals.map((i) => [i.tMs, i.messagesReceived, i.histogram]));
    expect(view.counts.messagesReceived).toBe(v2.messagesReceived);
    expect(view.throughput.messagesPerSec).toBe(200);
    expect(view.counts.errors).toBe(0);
    expect(view.notMeasured).toContain('errorCounts');
    expect(view.startedAt).toBe(report.startedAt);
  });

  it('judged by compareReports: paired by time, a slower v2 fails, no error rate or failed streams', () => {
    const report = splitRun(20);
    const comparison = compareReports(versionView(report, 'v1', 'split.json'), versionView(report, 'v2', 'split.json'), { maxRegression: {} });
    expect(comparison.design).toBe('paired');
    expect(comparison.verdict).toBe('fail');
    expect(comparison.metrics.find((m) => m.metric === 'p50')?.verdict).toBe('fail');
    expect(comparison.metrics.map((m) => m.metric)).not.toContain('errorRate');
    expect(comparison.metrics.map((m) => m.metric)).not.toContain('streamsFailed');
    // Said in the comparison, not only left out.
    expect(comparison.notes).toContainEqual({ kind: 'versionsOfOneRun' });
    // The whole reports, errors and all, still judge the error rate.
    expect(compareReports(report, report, { maxRegression: {} }).metrics.map((m) => m.metric)).toContain('errorRate');
    expect(compareReports(report, report, { maxRegression: {} }).notes).not.toContainEqual({ kind: 'versionsOfOneRun' });
  });

  it("a canary's smaller share of the traffic is no regression: messages/s is shown, not judged", () => {
    const report = splitRun(10, false, 20);
    const comparison = compareReports(versionView(report, 'v1', 'split.json'), versionView(report, 'v2', 'split.json'), { maxRegression: {} });
    const throughput = comparison.metrics.find((m) => m.metric === 'messagesPerSec')!;
    expect(throughput.candidate).toBeLessThan(throughput.baseline / 5);
    expect(throughput.verdict).toBe('info');
    expect(comparison.verdict).not.toBe('fail');
    // Two whole runs still judge it.
    const [v1, tenth] = [versionView(report, 'v1', 'split.json'), versionView(report, 'v2', 'split.json')];
    const { notMeasured: _v1, ...v1Run } = v1;
    const { notMeasured: _v2, ...v2Run } = tenth;
    expect(compareReports(v1Run, v2Run, { maxRegression: {} }).metrics.find((m) => m.metric === 'messagesPerSec')!.verdict).toBe('fail');
  });

  it("with a flow: each version's awaits and checks judged on its own interval flow figures", () => {
    const report = splitRun(20, true);
    const [v1, v2] = [versionView(report, 'v1', 'split.json'), versionView(report, 'v2', 'split.json')];
    expect(v2.flow).toEqual(report.versions!['v2']!.flow);
    const comparison = compareReports(v1, v2, { maxRegression: {} });
    expect(comparison.metrics.find((m) => m.metric === 'step.reserved.p50')?.verdict).toBe('fail');
    expect(comparison.metrics.find((m) => m.metric === 'checks.reserved.rate')?.verdict).toBe('pass');
  });

  it('a version the report lacks, or a report without versions: REPORT_INVALID naming the file', () => {
    const report = splitRun(10);
    expect(() => versionView(report, 'v3', 'split.json')).toThrow(new BenchError('REPORT_INVALID', 'split.json: no version "v3" in versions; expected one of v1, v2'));
    const { versions: _versions, ...plain } = report;
    expect(() => versionView(plain, 'v1', 'plain.json')).toThrow(/plain\.json: has no versions \(not a split run\)/);
  });
});
