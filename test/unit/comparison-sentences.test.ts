import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare-reports.js';
import type { ComparisonNote, MetricComparison } from '../../src/compare/comparison.js';
import { metricFinding, noteSentence } from '../../src/reporters/comparison-sentences.js';
import { describeComparison } from '../../src/reporters/described-comparison.js';
import { latencySpread, syntheticReport } from '../helpers/synthetic-report.js';

const run = (centerMs: number, startedAt: string, errors = 0) =>
  syntheticReport(Array.from({ length: 8 }, (_, i) => ({ latenciesMs: latencySpread(centerMs * (1 + 0.01 * (i % 3))), errors })), { startedAt });

describe('the sentences of a comparison', () => {
  const judged = compareReports(run(5, '2026-01-01T00:00:00.000Z'), run(6, '2026-01-01T01:00:00.000Z', 1), { maxRegression: {} });

  it('compareReports gives numbers, verdicts and notes as data, no sentences', () => {
    expect(Object.keys(judged)).not.toContain('headline');
    expect(judged.metrics.every((m) => !('finding' in m))).toBe(true);
    expect(judged.notes).toEqual([{ kind: 'runsDidNotOverlap' }]);
  });

  it('describeComparison lays the fields out as comparison.json has them', () => {
    const described = describeComparison(judged);
    expect(Object.keys(described)).toEqual(['verdict', 'headline', 'design', 'pairedIntervals', 'rounds', 'alpha', 'confidence', 'warmupIntervals', 'resamples', 'seed', 'baseline', 'candidate', 'metrics', 'notes']);
    const keys = (metric: string): string[] => Object.keys(described.metrics.find((m) => m.metric === metric)!);
    const head = ['metric', 'label', 'unit', 'direction', 'baseline', 'candidate', 'absoluteChange'];
    expect(keys('p50')).toEqual([...head, 'significant', 'verdict', 'finding', 'relativeChange', 'tolerance', 'test', 'pValue']);
    expect(keys('p90')).toEqual([...head, 'significant', 'verdict', 'finding', 'relativeChange', 'test', 'pValue']);
    expect(keys('errorRate')).toEqual([...head, 'pValue', 'significant', 'verdict', 'finding', 'tolerance']);
    expect(keys('streamsFailed')).toEqual([...head, 'significant', 'verdict', 'finding']);
    expect(described.notes).toEqual([noteSentence({ kind: 'runsDidNotOverlap' })]);
    expect(described.headline).toMatch(/^regression: candidate is 20\.0 % slower at P50 \(significant: p = 0\.\d+, 95 % CI of ratio 1\.\d\d–1\.\d\d\); .*; candidate's error rate is 0\.50 pp higher/);
  });

  it('an untested metric says why, by design', () => {
    const untested: MetricComparison = { metric: 'p99', label: 'P99', unit: 'ms', direction: 'lower-is-better', baseline: 2, candidate: 3, absoluteChange: 1, relativeChange: 0.5, significant: false, verdict: 'info' };
    expect(metricFinding(untested, 'rounds')).toBe('candidate is 50.0 % slower at P99 (not tested: fewer than 2 rounds with responses on both sides)');
    expect(metricFinding(untested, 'paired')).toBe('candidate is 50.0 % slower at P99 (not tested: no usable intervals on one side)');
    expect(metricFinding({ ...untested, metric: 'messagesPerSec', label: 'messages/s', direction: 'higher-is-better' }, 'independent')).toMatch(/^candidate has 50\.0 % higher throughput \(messages\/s\)/);
  });

  it.each<[ComparisonNote, string]>([
    [{ kind: 'fewRounds', rounds: 3, degreesOfFreedom: 2, recommendedRounds: 5 }, 'only 3 rounds: the test has 2 degrees of freedom and misses changes of a few percent; use 5 or more'],
    [{ kind: 'partialRun', role: 'baseline', reason: undefined }, 'baseline run is partial (ended early)'],
    [{ kind: 'partialRun', role: 'candidate', reason: 'interrupted' }, 'candidate run is partial (interrupted)'],
    [{ kind: 'generatorSaturated', role: 'candidate' }, "candidate run's load generator was saturated; its latencies include client-side queueing"],
    [{ kind: 'targetRateNotReached', role: 'baseline', sentPercent: 60, limitedBy: 'target' }, 'baseline run sent 60 % of its scheduled requests (limited by the target): the two runs may not have carried the same load'],
    [{ kind: 'fewIntervals', role: 'candidate', intervals: 3, neededIntervals: 4 }, 'candidate has only 3 usable intervals; at least 4 per run are needed for a significant result — run longer'],
    [
      { kind: 'settingsDiffer', differences: [{ setting: 'loadModel', baseline: 'open', candidate: 'closed' }, { setting: 'window', baseline: 1, candidate: undefined }, { setting: 'intervalMs', baseline: 1000, candidate: 250 }] },
      'the runs differ in settings: load model open vs closed, window 1 vs undefined, interval length 1000 vs 250 ms',
    ],
  ])('note %j', (note, sentence) => {
    expect(noteSentence(note)).toBe(sentence);
  });
});
