import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare-reports.js';
import { parseTolerances } from '../../src/compare/parse-tolerances.js';
import type { Comparison, MetricComparison } from '../../src/compare/comparison.js';
import { mergeReports } from '../../src/report/merge-reports.js';
import type { Report } from '../../src/report/report.js';
import { renderComparisonConsole } from '../../src/reporters/comparison-console.js';
import { renderComparisonMarkdown } from '../../src/reporters/comparison-markdown.js';
import { describeComparison } from '../../src/reporters/described-comparison.js';
import { renderComparisonHtml } from '../../src/reporters/html/comparison-html.js';
import { flowStepSpecs } from '../../src/reporters/html/charts/flow-charts.js';
import { renderHtmlReport } from '../../src/reporters/html/html-reporter.js';
import { latencySpread, seededUniform, syntheticReport, type SyntheticFlowInterval } from '../helpers/synthetic-report.js';

const BASELINE_START = '2026-01-01T00:00:00.000Z';
const LATER_START = '2026-01-01T01:00:00.000Z';

interface FlowSide {
  /** Typical match latency of the `decided` await, ms. */
  decidedMs: number;
  /** Per interval: passes and fails of the `confirmed` check, timeouts at `decided`. */
  passes?: number;
  fails?: number;
  timeouts?: number;
  /** More awaits and checks than the common ones. */
  extra?: Partial<SyntheticFlowInterval>;
}

/** A run of `intervals` 1-s intervals whose main latency is the same for every side; only the flow differs. */
function flowRun(side: FlowSide, seed: number, startedAt: string, intervals = 12): Report {
  const uniform = seededUniform(seed);
  return syntheticReport(
    Array.from({ length: intervals }, () => {
      const jitter = 1 + 0.05 * (2 * uniform() - 1);
      return {
        latenciesMs: latencySpread(2 * jitter, 100),
        flow: {
          awaits: { decided: { latenciesMs: latencySpread(side.decidedMs * jitter, 100), timeouts: side.timeouts ?? 0 }, ...side.extra?.awaits },
          checks: { confirmed: { passes: side.passes ?? 95, fails: side.fails ?? 5 }, ...side.extra?.checks },
        },
      };
    }),
    { startedAt },
  );
}

const metric = (comparison: Comparison, name: string): MetricComparison | undefined => comparison.metrics.find((m) => m.metric === name);

describe('compare with flows', () => {
  it('judges each await’s latency on the per-interval samples: a step 25× slower fails, an equal check rate and timeout share pass', () => {
    const comparison = compareReports(flowRun({ decidedMs: 2 }, 1, BASELINE_START), flowRun({ decidedMs: 50 }, 2, LATER_START), { maxRegression: {} });
    const p99 = metric(comparison, 'step.decided.p99')!;
    expect(p99).toMatchObject({ label: 'step decided P99', unit: 'ms', verdict: 'fail', significant: true, tolerance: { kind: 'relative', value: 0.1 } });
    expect(p99.test!.design).toBe('independent');
    expect(p99.test!.baselineCount).toBe(p99.test!.candidateCount);
    expect(p99.candidate / p99.baseline).toBeGreaterThan(10);
    expect(metric(comparison, 'step.decided.p50')!.verdict).toBe('fail');
    // No tolerance for the mean by default, as for the run's mean latency: shown, not judged.
    expect(metric(comparison, 'step.decided.mean')!.verdict).toBe('info');
    expect(metric(comparison, 'checks.confirmed.rate')).toMatchObject({ unit: '%', baseline: 95, candidate: 95, verdict: 'pass', significant: false });
    expect(metric(comparison, 'step.decided.timeoutRate')).toMatchObject({ unit: '%', baseline: 0, candidate: 0, verdict: 'pass' });
    // The one-answer-per-request figures are the same on both sides.
    expect(metric(comparison, 'p99')!.verdict).toBe('pass');
    expect(comparison.verdict).toBe('fail');
  });

  it('passes flows that are the same', () => {
    const comparison = compareReports(flowRun({ decidedMs: 5 }, 3, BASELINE_START), flowRun({ decidedMs: 5 }, 4, LATER_START), { maxRegression: {} });
    for (const name of ['step.decided.p50', 'step.decided.p99', 'step.decided.timeoutRate', 'checks.confirmed.rate']) expect(metric(comparison, name)!.verdict).toBe('pass');
    expect(comparison.verdict).toBe('pass');
  });

  it('judges a check’s pass rate and a step’s timeout share with the two-proportion test, in percentage points', () => {
    const comparison = compareReports(flowRun({ decidedMs: 5, passes: 99, fails: 1 }, 5, BASELINE_START), flowRun({ decidedMs: 5, passes: 80, fails: 20, timeouts: 10 }, 6, LATER_START), { maxRegression: {} });
    const rate = metric(comparison, 'checks.confirmed.rate')!;
    expect(rate).toMatchObject({ direction: 'higher-is-better', baseline: 99, candidate: 80, verdict: 'fail', significant: true, tolerance: { kind: 'percentagePoints', value: 0.1 } });
    expect(rate.pValue).toBeLessThan(0.001);
    const timeouts = metric(comparison, 'step.decided.timeoutRate')!;
    expect(timeouts.baseline).toBe(0);
    expect(timeouts.candidate).toBeCloseTo((10 / 110) * 100, 10);
    expect(timeouts.verdict).toBe('fail');
    const json = describeComparison(comparison);
    expect(json.metrics.find((m) => m.metric === 'checks.confirmed.rate')!.finding).toMatch(/^candidate's check confirmed pass rate is 19\.00 pp lower \(significant: p < 0\.001\)$/);
  });

  it('compares the steps and checks both flows have and names the rest in a note', () => {
    const baseline = flowRun({ decidedMs: 5, extra: { awaits: { reserved: { latenciesMs: [1, 2, 3] } } } }, 7, BASELINE_START);
    const candidate = flowRun({ decidedMs: 5, extra: { checks: { fast: { passes: 1, fails: 0 } } } }, 8, LATER_START);
    const comparison = compareReports(baseline, candidate, { maxRegression: {} });
    expect(comparison.metrics.some((m) => m.metric.startsWith('step.reserved.'))).toBe(false);
    expect(comparison.metrics.some((m) => m.metric === 'checks.fast.rate')).toBe(false);
    expect(metric(comparison, 'step.decided.p99')).toBeDefined();
    expect(comparison.notes).toContainEqual({ kind: 'flowPartsNotCompared', baselineOnly: ['await reserved'], candidateOnly: ['check fast'] });
    const described = describeComparison(comparison);
    expect(described.notes).toContain("flow steps and checks compared only where both runs have them: only the baseline's flow has await reserved; only the candidate's flow has check fast");
  });

  it('names a flow only one run has, and compares nothing of it', () => {
    const comparison = compareReports(flowRun({ decidedMs: 5 }, 9, BASELINE_START), syntheticReport([{ latenciesMs: [1] }], { startedAt: LATER_START }), { maxRegression: {} });
    expect(comparison.metrics.some((m) => m.metric.startsWith('step.') || m.metric.startsWith('checks.'))).toBe(false);
    expect(comparison.notes).toContainEqual({ kind: 'flowPartsNotCompared', baselineOnly: ['await decided', 'check confirmed'], candidateOnly: [] });
  });

  it('judges flows round by round when given interleaved rounds, each round’s figure from its own intervals', () => {
    const rounds = [0, 1, 2, 3, 4].map((k) => ({ baseline: flowRun({ decidedMs: 2 }, 10 + k, BASELINE_START, 4), candidate: flowRun({ decidedMs: 50 }, 20 + k, LATER_START, 4) }));
    const comparison = compareReports(flowRun({ decidedMs: 2 }, 30, BASELINE_START), flowRun({ decidedMs: 50 }, 31, LATER_START), { maxRegression: {}, rounds, warmupIntervals: 0 });
    expect(comparison.design).toBe('rounds');
    const p99 = metric(comparison, 'step.decided.p99')!;
    expect(p99.test).toMatchObject({ design: 'rounds', baselineCount: 5, candidateCount: 5 });
    expect(p99.verdict).toBe('fail');
    expect(p99.test!.ratio.low).toBeGreaterThan(10);
  });

  it('shows the flow metrics and the note in every comparison output', () => {
    const baseline = flowRun({ decidedMs: 2, extra: { awaits: { reserved: { latenciesMs: [1] } } } }, 40, BASELINE_START);
    const candidate = flowRun({ decidedMs: 50 }, 41, LATER_START);
    const described = describeComparison(compareReports(baseline, candidate, { maxRegression: {} }));
    const outputs = [renderComparisonConsole(described), renderComparisonMarkdown(described), renderComparisonHtml(baseline, candidate, described), JSON.stringify(described)];
    for (const output of outputs) {
      expect(output).toContain('step decided P99');
      expect(output).toContain('check confirmed pass rate');
      expect(output).toContain('await reserved');
    }
    expect(described.headline).toMatch(/^regression: .*candidate is \d+(\.\d)? % slower at step decided P99/);
    expect(outputs[0]).toContain('(error rate, flow step timeouts, check pass rates: two-proportion z-test)');
  });

  it('draws each await’s P99 over time in the run’s HTML report and both sides’ in the comparison page', () => {
    const report = flowRun({ decidedMs: 5, extra: { awaits: { reserved: { latenciesMs: [1, 2] } } } }, 50, BASELINE_START, 4);
    const specs = flowStepSpecs(report);
    expect(specs.map((spec) => spec.title)).toEqual(['Flow step decided: P99 over time', 'Flow step reserved: P99 over time']);
    expect(specs[0]!.series[0]!.y).toEqual(report.intervals.map((i) => i.flow!.awaits['decided']!.latencyMs!.p99));
    expect(renderHtmlReport(report)).toContain('<section id="flow-step-1"><h2>Flow step decided: P99 over time</h2>');
    const candidate = flowRun({ decidedMs: 9 }, 51, LATER_START, 4);
    const page = renderComparisonHtml(report, candidate);
    expect(page).toContain('Flow step decided: P99 over time (each interval’s own P99)');
    expect(page).not.toContain('Flow step reserved');
    // Without per-interval flow figures (no flow, or an older report) there is nothing to draw.
    expect(flowStepSpecs(syntheticReport([{ latenciesMs: [1] }]))).toEqual([]);
  });

  it('shows an older report’s step latencies from the whole run but does not test them (no per-interval flow figures): never a fail', () => {
    const older = (report: Report): Report => ({ ...report, intervals: report.intervals.map(({ flow: _flow, ...interval }) => interval) });
    const comparison = compareReports(older(flowRun({ decidedMs: 2 }, 60, BASELINE_START)), older(flowRun({ decidedMs: 50 }, 61, LATER_START)), { maxRegression: {} });
    const p99 = metric(comparison, 'step.decided.p99')!;
    expect(p99.test).toBeUndefined();
    expect(p99.candidate / p99.baseline).toBeGreaterThan(10);
    expect(p99.verdict).toBe('inconclusive');
  });

  it('merges segments’ flow figures interval by interval, losslessly', () => {
    const a = flowRun({ decidedMs: 2 }, 70, BASELINE_START, 3);
    const b = flowRun({ decidedMs: 50 }, 71, BASELINE_START, 3);
    const merged = mergeReports([a, b], 'segments');
    expect(merged.intervals).toHaveLength(3);
    merged.intervals.forEach((interval, i) => {
      const step = interval.flow!.awaits['decided']!;
      expect(step.matched).toBe(a.intervals[i]!.flow!.awaits['decided']!.matched + b.intervals[i]!.flow!.awaits['decided']!.matched);
      // Half the matches at ~2 ms, half at ~50 ms: the merged P50 and P99 come from both.
      expect(step.latencyMs!.p99).toBeGreaterThan(40);
      expect(step.latencyMs!.p50).toBeLessThan(60);
      expect(interval.flow!.checks['confirmed']).toEqual({ passes: 190, fails: 10 });
    });
    expect(merged.flow!.awaits['decided']!.matched).toBe(merged.intervals.reduce((sum, i) => sum + i.flow!.awaits['decided']!.matched, 0));
  });

  it('takes a tolerance per flow metric (`--max-regression step.decided.p99=…`) over the run’s, and names one that nothing used', () => {
    expect(parseTolerances('step.decided.p99=3000%,checks.confirmed.rate=25pp,step.decided.timeoutRate=1%,p99=5%')).toEqual({ 'step.decided.p99': 30, 'checks.confirmed.rate': 25, 'step.decided.timeoutRate': 1, p99: 0.05 });
    expect(() => parseTolerances('step.decided.p42=5%')).toThrow(/unknown metric "step\.decided\.p42"; expected one of p50, p90, p99, p999, mean, messagesPerSec, errorRate, or a flow's step\.<await>\.p50/);
    expect(() => parseTolerances('checks.confirmed.rate=5')).toThrow(/expected percentage points such as 0\.1pp/);
    const tolerances = parseTolerances('step.decided.p99=5000%,checks.confirmed.rate=25pp,step.decidd.p50=10%');
    const comparison = compareReports(flowRun({ decidedMs: 2, passes: 99, fails: 1 }, 80, BASELINE_START), flowRun({ decidedMs: 50, passes: 80, fails: 20 }, 81, LATER_START), { maxRegression: tolerances });
    expect(metric(comparison, 'step.decided.p99')).toMatchObject({ tolerance: { kind: 'relative', value: 50 }, verdict: 'pass' });
    // The rest keep the run's tolerances.
    expect(metric(comparison, 'step.decided.p50')).toMatchObject({ tolerance: { kind: 'relative', value: 0.1 }, verdict: 'fail' });
    expect(metric(comparison, 'checks.confirmed.rate')).toMatchObject({ tolerance: { kind: 'percentagePoints', value: 25 }, verdict: 'pass' });
    expect(comparison.notes).toContainEqual({ kind: 'toleranceNotUsed', metrics: ['step.decidd.p50'] });
    expect(describeComparison(comparison).notes).toContain('tolerances given for metrics not compared (no such step or check in both flows): step.decidd.p50');
  });
});
