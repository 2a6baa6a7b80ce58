import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare-reports.js';
import type { Comparison } from '../../src/compare/comparison.js';
import { selectIntervals } from '../../src/compare/interval-samples.js';
import { loadReportFile } from '../../src/compare/load-report-file.js';
import { parseTolerances } from '../../src/compare/parse-tolerances.js';
import { main } from '../../src/cli/main.js';
import { assessTargetRate } from '../../src/report/assess-generator.js';
import type { CliIo } from '../../src/cli/cli-io.js';
import { BenchError } from '../../src/errors/bench-error.js';
import type { Report } from '../../src/report/report.js';
import { methodLine, renderComparisonConsole } from '../../src/reporters/comparison-console.js';
import { roundRatioTest } from '../../src/compare/round-ratio-test.js';
import { escapeMarkdown, renderComparisonMarkdown } from '../../src/reporters/comparison-markdown.js';
import { describeComparison, describeMetric, type DescribedMetric } from '../../src/reporters/described-comparison.js';
import { makeTempDir } from '../helpers/cli-process.js';
import { latencySpread, seededUniform, syntheticReport, type SyntheticInterval } from '../helpers/synthetic-report.js';

/** Baseline runs start here; candidates start an hour later (runs made one after the other) unless paired. */
const BASELINE_START = '2026-01-01T00:00:00.000Z';
const LATER_START = '2026-01-01T01:00:00.000Z';

interface Series {
  intervals: number;
  /** Typical latency, ms. */
  centerMs: number;
  /** Each interval's centre varies by up to ± this fraction. */
  noise: number;
  seed: number;
  messagesPerSec?: number;
  /** Default BASELINE_START. */
  startedAt?: string;
  /** Machine load over time: interval i's latencies are multiplied by load(i). */
  load?: (i: number) => number;
}

/** A report whose intervals centre on `centerMs`, each jittered by seeded noise. */
function series({ intervals, centerMs, noise, seed, messagesPerSec = 1000, startedAt = BASELINE_START, load = () => 1 }: Series, extra: Partial<SyntheticInterval> = {}): Report {
  const uniform = seededUniform(seed);
  return syntheticReport(
    Array.from({ length: intervals }, (_, i) => {
      const factor = load(i) * (1 + noise * (2 * uniform() - 1));
      return { latenciesMs: latencySpread(centerMs * factor), messagesPerSec: messagesPerSec / factor, ...extra };
    }),
    { startedAt },
  );
}

const metric = (comparison: Pick<Comparison, 'design' | 'metrics'>, name: string): DescribedMetric => describeMetric(comparison.metrics.find((m) => m.metric === name)!, comparison.design);

function memoryIo(cwd: string): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
    stderrIsTTY: false,
    cwd,
    onSignal: () => () => undefined,
  };
  return io;
}

const temps: Array<{ remove(): void }> = [];
afterEach(() => {
  for (const temp of temps.splice(0)) temp.remove();
});

function writeReports(...reports: Report[]): { dir: string; files: string[] } {
  const temp = makeTempDir('grpc-bench-compare-');
  temps.push(temp);
  const files = reports.map((report, i) => {
    const file = join(temp.dir, `r${i}.json`);
    writeFileSync(file, JSON.stringify(report));
    return file;
  });
  return { dir: temp.dir, files };
}

describe('compareReports: verdicts', () => {
  it('candidate 20 % slower on every interval, low noise → fail on P50 and P99, exit 99', async () => {
    const baseline = series({ intervals: 12, centerMs: 5, noise: 0.02, seed: 1 });
    const candidate = series({ intervals: 12, centerMs: 6, noise: 0.02, seed: 2, startedAt: LATER_START });

    const comparison = describeComparison(compareReports(baseline, candidate, { maxRegression: {} }));

    expect(comparison).toMatchObject({ verdict: 'fail', design: 'independent', pairedIntervals: 0 });
    // Every candidate interval is slower than every baseline one (first second left out as warm-up): U is its maximum.
    expect(comparison.baseline.intervalsUsed * comparison.candidate.intervalsUsed).toBe(11 * 11);
    expect(metric(comparison, 'p50').test!.mannWhitney).toMatchObject({ u: 11 * 11, effect: 1 });
    for (const name of ['p50', 'p99']) {
      const m = metric(comparison, name);
      expect(m.verdict).toBe('fail');
      expect(m.significant).toBe(true);
      expect(m.test!.ratio.estimate).toBeGreaterThan(1.15);
      expect(m.test!.ratio.low).toBeGreaterThan(1.1);
      expect(m.pValue!).toBeLessThan(0.001);
      expect(m.finding).toMatch(/^candidate is (1[789]|2[0-3])\.\d % slower at P(50|99) \(significant: p < 0\.001, 95 % CI of ratio/);
    }
    expect(comparison.headline).toMatch(/^regression: candidate is .* slower at P50/);
    expect(comparison.baseline).toMatchObject({ intervalsTotal: 12, intervalsUsed: 11, intervalMs: 1000 });

    const { dir, files } = writeReports(baseline, candidate);
    const io = memoryIo(dir);
    expect(await main(['compare', files[0]!, files[1]!], io)).toBe(99);
    expect(io.err).toMatch(/candidate is .* slower at P99 .* \[REGRESSION_DETECTED\]/);
    expect(io.out).toContain('Verdict: FAIL');
  });

  it('the same distribution on both sides → pass, exit 0', async () => {
    const baseline = series({ intervals: 12, centerMs: 5, noise: 0.05, seed: 3 });
    const candidate = series({ intervals: 12, centerMs: 5, noise: 0.05, seed: 4, startedAt: LATER_START });

    const comparison = describeComparison(compareReports(baseline, candidate, { maxRegression: {} }));

    expect(comparison.verdict).toBe('pass');
    expect(comparison.metrics.filter((m) => m.verdict !== 'info').every((m) => m.verdict === 'pass')).toBe(true);
    expect(comparison.headline).toMatch(/^pass: no metric is worse than its tolerance/);

    const { dir, files } = writeReports(baseline, candidate);
    const io = memoryIo(dir);
    expect(await main(['compare', files[0]!, files[1]!, '-O', 'json'], io)).toBe(0);
    expect((JSON.parse(io.out) as Comparison).verdict).toBe('pass');
  });

  it('notes a run that did not reach its target rate', () => {
    const baseline = series({ intervals: 8, centerMs: 5, noise: 0.05, seed: 1 });
    const candidate = series({ intervals: 8, centerMs: 5, noise: 0.05, seed: 2, startedAt: LATER_START });
    candidate.generator.targetRate = assessTargetRate({ scheduled: 10_000, sent: 6_000, sendingMs: 5000, sendsDeferred: 4_000, inFlightLimit: 4 }, false);

    const notes = describeComparison(compareReports(baseline, candidate, { maxRegression: {} })).notes.join('\n');

    expect(notes).toMatch(/candidate run sent 60 % of its scheduled requests \(limited by the target\)/);
    expect(notes).not.toMatch(/baseline run sent/);
  });

  it('20 % slower but only 3 intervals with huge noise → inconclusive, exit 0 unless --fail-on-inconclusive', async () => {
    const baseline = series({ intervals: 4, centerMs: 5, noise: 0.6, seed: 5 });
    const candidate = series({ intervals: 4, centerMs: 6, noise: 0.6, seed: 6, startedAt: LATER_START });

    const comparison = describeComparison(compareReports(baseline, candidate, { maxRegression: {} }));

    expect(comparison.candidate.intervalsUsed).toBe(3);
    expect(comparison.verdict).toBe('inconclusive');
    expect(comparison.metrics.some((m) => m.verdict === 'inconclusive')).toBe(true);
    expect(comparison.metrics.some((m) => m.verdict === 'fail')).toBe(false);
    expect(comparison.notes.join('\n')).toMatch(/only 3 usable intervals/);

    const { dir, files } = writeReports(baseline, candidate);
    const io = memoryIo(dir);
    expect(await main(['compare', files[0]!, files[1]!], io)).toBe(0);
    expect(io.err).toMatch(/^compare: inconclusive: .* \(not failing: exit 0; --fail-on-inconclusive makes it exit 99\)$/m);
    const strict = memoryIo(dir);
    expect(await main(['compare', files[0]!, files[1]!, '--fail-on-inconclusive'], strict)).toBe(99);
    expect(strict.err).toMatch(/inconclusive.*\[REGRESSION_DETECTED\]/);
  });

  it('a faster candidate passes, however significant', () => {
    const comparison = compareReports(series({ intervals: 12, centerMs: 6, noise: 0.02, seed: 1 }), series({ intervals: 12, centerMs: 5, noise: 0.02, seed: 2, startedAt: LATER_START }), { maxRegression: {} });

    expect(comparison.verdict).toBe('pass');
    expect(metric(comparison, 'p50').finding).toMatch(/^candidate is 1\d\.\d % faster at P50 \(significant/);
  });

  it('lower throughput beyond 5 % fails on messagesPerSec (higher is better)', () => {
    const comparison = compareReports(
      series({ intervals: 10, centerMs: 5, noise: 0.01, seed: 1, messagesPerSec: 1000 }),
      series({ intervals: 10, centerMs: 5, noise: 0.01, seed: 2, messagesPerSec: 900, startedAt: LATER_START }),
      { maxRegression: {} },
    );

    const throughput = metric(comparison, 'messagesPerSec');
    expect(throughput).toMatchObject({ verdict: 'fail', direction: 'higher-is-better', significant: true });
    expect(throughput.test!.ratio.high).toBeLessThan(1);
    expect(throughput.finding).toMatch(/^candidate has (9|10|11)\.\d % lower throughput/);
  });

  it('a tolerance wider than the change passes; metrics without a tolerance are shown, not judged', () => {
    const comparison = compareReports(series({ intervals: 12, centerMs: 5, noise: 0.02, seed: 1 }), series({ intervals: 12, centerMs: 6, noise: 0.02, seed: 2, startedAt: LATER_START }), {
      maxRegression: { p50: 0.3, p99: 0.3 },
    });

    expect(comparison.verdict).toBe('pass');
    expect(metric(comparison, 'p90').verdict).toBe('info');
    expect(metric(comparison, 'p90').significant).toBe(true);
    expect(metric(comparison, 'streamsFailed').verdict).toBe('info');
  });

  it('a significant rise in errors beyond 0.1 pp fails on errorRate', () => {
    const comparison = compareReports(
      series({ intervals: 10, centerMs: 5, noise: 0.02, seed: 1 }),
      series({ intervals: 10, centerMs: 5, noise: 0.02, seed: 2 }, { errors: 10 }),
      { maxRegression: {} },
    );

    const errors = metric(comparison, 'errorRate');
    expect(errors).toMatchObject({ verdict: 'fail', unit: '%', baseline: 0, significant: true });
    expect(errors.candidate).toBeCloseTo(5, 6);
    expect(errors.finding).toMatch(/^candidate's error rate is 5\.00 pp higher \(significant: p < 0\.001\)/);
  });

  it('compares target memory growth when both reports have it', () => {
    const b = syntheticReport([{ latenciesMs: [1] }], { targetGrowthBytesPerMin: 0 });
    const c = syntheticReport([{ latenciesMs: [1] }], { targetGrowthBytesPerMin: 2 * 1048576 });

    expect(metric(compareReports(b, c, { maxRegression: {}, warmupIntervals: 0 }), 'targetMemoryGrowth')).toMatchObject({
      verdict: 'info',
      absoluteChange: 2 * 1048576,
      finding: "the candidate target's memory grows 2.00 MiB/min faster",
    });
  });

  it('runs at the same time are paired by interval: machine load common to both cancels out', () => {
    // Load swings 1×–3× over the run, the same for both; the candidate is 15 % slower throughout.
    const load = (i: number): number => 1 + 2 * Math.abs(Math.sin(i / 2));
    const baseline = series({ intervals: 16, centerMs: 5, noise: 0.01, seed: 1, load });
    const simultaneous = series({ intervals: 16, centerMs: 5.75, noise: 0.01, seed: 2, load });
    const later = series({ intervals: 16, centerMs: 5.75, noise: 0.01, seed: 2, load, startedAt: LATER_START });

    const paired = compareReports(baseline, simultaneous, { maxRegression: {} });
    expect(paired).toMatchObject({ design: 'paired', pairedIntervals: 15, verdict: 'fail' });
    const p50 = metric(paired, 'p50');
    expect(p50).toMatchObject({ verdict: 'fail', significant: true });
    expect(p50.test).toMatchObject({ design: 'paired', statistic: 'medianPairRatio', baselineCount: 15 });
    expect(p50.test!.signedRank!.effect).toBe(1);
    expect(p50.test!.ratio.estimate).toBeCloseTo(1.15, 1);
    expect(p50.test!.ratio.low).toBeGreaterThan(1.1);

    const independent = describeComparison(compareReports(baseline, later, { maxRegression: {} }));
    expect(independent.design).toBe('independent');
    expect(compareReports(baseline, simultaneous, { maxRegression: {}, pairByTime: false }).design).toBe('independent');
    expect(metric(independent, 'p50').verdict).toBe('inconclusive');
    expect(independent.notes.join('\n')).toMatch(/did not overlap in time/);
  });

  it('paired runs of the same version pass', () => {
    const load = (i: number): number => 1 + Math.abs(Math.sin(i / 3));
    const comparison = compareReports(
      series({ intervals: 16, centerMs: 5, noise: 0.05, seed: 1, load }),
      series({ intervals: 16, centerMs: 5, noise: 0.05, seed: 2, load }),
      { maxRegression: {} },
    );

    expect(comparison).toMatchObject({ design: 'paired', verdict: 'pass' });
  });

  it('is deterministic: the same inputs give the same comparison', () => {
    const baseline = series({ intervals: 8, centerMs: 5, noise: 0.1, seed: 1 });
    const candidate = series({ intervals: 8, centerMs: 5.3, noise: 0.1, seed: 2 });

    expect(compareReports(baseline, candidate, { maxRegression: {} })).toEqual(compareReports(baseline, candidate, { maxRegression: {} }));
  });

  it('rejects tolerances for metrics it cannot judge', () => {
    const report = series({ intervals: 3, centerMs: 1, noise: 0, seed: 1 });
    expect(() => compareReports(report, report, { maxRegression: { latency: 0.1 } })).toThrow(/no tolerance can be set for "latency"/);
  });
});

describe('compareReports: interleaved rounds (the round as the unit)', () => {
  /** Round k of one side: 4 intervals at `centerMs`·load(k), ±noise per interval. */
  function rounds(count: number, centerMs: number, seed: number, load: (k: number) => number, noise = 0.03): Report[] {
    return Array.from({ length: count }, (_, k) => series({ intervals: 4, centerMs: centerMs * load(k), noise, seed: seed * 100 + k, messagesPerSec: 1000 / load(k) }));
  }
  const judge = (baseline: Report[], candidate: Report[]): Comparison =>
    compareReports(baseline[0]!, candidate[0]!, { maxRegression: { p50: 0.05, messagesPerSec: 0.05 }, warmupIntervals: 0, rounds: baseline.map((b, k) => ({ baseline: b, candidate: candidate[k]! })) });

  it('a candidate 10 % slower in every round fails, although the machine slowed 1×–2× from round to round', () => {
    const load = (k: number): number => [1, 2, 1.3, 1.7, 1.1][k]!;
    const comparison = judge(rounds(5, 5, 1, load), rounds(5, 5.5, 2, load));
    expect(comparison).toMatchObject({ design: 'rounds', rounds: 5, pairedIntervals: 0, verdict: 'fail' });
    const p50 = metric(comparison, 'p50');
    expect(p50).toMatchObject({ verdict: 'fail', significant: true });
    expect(p50.test).toMatchObject({ design: 'rounds', statistic: 'geometricMeanRoundRatio', baselineCount: 5, candidateCount: 5 });
    expect(p50.test!.roundTest).toMatchObject({ n: 5, degreesOfFreedom: 4 });
    expect(p50.test!.ratio.estimate).toBeCloseTo(1.1, 1);
    expect(p50.test!.ratio.low).toBeGreaterThan(1);
    expect(methodLine(comparison)).toMatch(/t-test on the per-round log ratios, 4 degrees of freedom/);
  });

  it('one bad round is not evidence: the candidate 30 % slower in a single round of five passes or is inconclusive, never fails', () => {
    const same = (): number => 1;
    const candidate = rounds(5, 5, 2, (k) => (k === 2 ? 1.3 : 1));
    const comparison = judge(rounds(5, 5, 1, same), candidate);
    expect(comparison.design).toBe('rounds');
    expect(metric(comparison, 'p50').significant).toBe(false);
    expect(comparison.verdict).not.toBe('fail');
    // The same intervals judged as pairs (each interval one sample) count that round four times over.
    const asPairs = metric(compareReports(rounds(5, 5, 1, same)[0]!, candidate[2]!, { maxRegression: {}, warmupIntervals: 0 }), 'p50');
    expect(asPairs.test?.design).toBe('paired');
  });

  it('the same version in every round passes; with fewer than 5 rounds a note says so', () => {
    const load = (k: number): number => 1 + k / 4;
    const comparison = describeComparison(judge(rounds(3, 5, 1, load, 0.05), rounds(3, 5, 2, load, 0.05)));
    expect(comparison).toMatchObject({ design: 'rounds', rounds: 3, verdict: 'pass' });
    expect(comparison.notes.join('\n')).toMatch(/only 3 rounds: the test has 2 degrees of freedom/);
  });

  it('one round falls back to the interval designs', () => {
    const [b] = rounds(1, 5, 1, () => 1);
    const [c] = rounds(1, 5, 2, () => 1);
    const comparison = compareReports(b!, c!, { maxRegression: {}, warmupIntervals: 0, rounds: [{ baseline: b!, candidate: c! }] });
    expect(comparison.design).not.toBe('rounds');
    expect(comparison.rounds).toBe(0);
  });
});

describe('roundRatioTest', () => {
  it('matches a t-test worked by hand: log ratios 0.1, 0.12, 0.08, 0.11, 0.09', () => {
    const baseline = [1, 1, 1, 1, 1];
    const candidate = [0.1, 0.12, 0.08, 0.11, 0.09].map(Math.exp);
    const result = roundRatioTest(baseline, candidate, 0.95)!;
    // mean 0.1, sd √(0.001/4) = 0.01581, se 0.00707, t = 14.142, df 4; t(0.975, 4) = 2.7764.
    expect(result.meanLogRatio).toBeCloseTo(0.1, 12);
    expect(result.sdLogRatio).toBeCloseTo(0.0158114, 6);
    expect(result.t).toBeCloseTo(14.1421, 3);
    expect(result.pValue).toBeGreaterThan(1e-4);
    expect(result.pValue).toBeLessThan(2e-4);
    expect(result.ratio.estimate).toBeCloseTo(Math.exp(0.1), 12);
    expect(result.ratio.low).toBeCloseTo(Math.exp(0.1 - 2.7764451 * 0.00707107), 6);
    expect(result.ratio.high).toBeCloseTo(Math.exp(0.1 + 2.7764451 * 0.00707107), 6);
  });

  it('t = 2.7764 with 4 degrees of freedom is p = 0.05', () => {
    // log ratios with mean m and sd s such that m/(s/√5) = 2.7764451.
    const offsets = [-2, -1, 0, 1, 2].map((x) => x * 0.01);
    const sd = Math.sqrt(offsets.reduce((sum, d) => sum + d * d, 0) / 4);
    const mean = (2.7764451 * sd) / Math.sqrt(5);
    const result = roundRatioTest([1, 1, 1, 1, 1], offsets.map((d) => Math.exp(mean + d)), 0.95)!;
    expect(result.pValue).toBeCloseTo(0.05, 6);
    expect(result.ratio.low).toBeCloseTo(1, 9);
  });

  it('leaves out rounds without a value, needs two, and is certain when every round agrees', () => {
    expect(roundRatioTest([1, 0], [1.1, 1.2], 0.95)).toBeUndefined();
    expect(roundRatioTest([2, 2, 2], [3, 3, 3], 0.95)).toMatchObject({ n: 3, pValue: 0, t: Infinity });
    expect(roundRatioTest([2, 2, 2], [2, 2, 2], 0.95)).toMatchObject({ pValue: 1, t: 0 });
    expect(() => roundRatioTest([1], [1, 2], 0.95)).toThrow(RangeError);
  });
});

describe('selectIntervals', () => {
  const interval = (durationMs: number) => syntheticReport([{ latenciesMs: [1], durationMs }]).intervals[0]!;

  it('drops the warm-up intervals and trailing intervals shorter than half the typical one', () => {
    const intervals = [interval(1000), interval(1000), interval(1000), interval(990), interval(400), interval(30)];

    const selected = selectIntervals(intervals, 1);

    expect(selected.typicalMs).toBe(995);
    expect(selected.intervals).toEqual(intervals.slice(1, 4));
  });

  it('by default drops the intervals covering the first second', () => {
    const intervals = Array.from({ length: 10 }, () => interval(250));
    expect(selectIntervals(intervals)).toMatchObject({ typicalMs: 250, warmupIntervals: 4, intervals: intervals.slice(4) });
    expect(selectIntervals([interval(1000), interval(1000)]).warmupIntervals).toBe(1);
    expect(selectIntervals(intervals, undefined, 500).warmupIntervals).toBe(2);
    expect(selectIntervals(intervals, undefined, 2000).warmupIntervals).toBe(0);
  });

  it('keeps nothing when everything is warm-up', () => {
    expect(selectIntervals([interval(1000)], 2).intervals).toEqual([]);
  });
});

describe('parseTolerances', () => {
  it('reads percentages of the baseline and percentage points for errorRate', () => {
    expect(parseTolerances('p99=10%, messagesPerSec=5%,errorRate=0.1pp,P50=2.5%')).toEqual({ p99: 0.1, messagesPerSec: 0.05, errorRate: 0.1, p50: 0.025 });
    expect(parseTolerances('errorRate=0.5%')).toEqual({ errorRate: 0.5 });
  });

  it.each([
    ['', /expected metric=percentage items/],
    ['p99', /"p99": expected metric=percentage/],
    ['latency=10%', /"latency=10%": unknown metric "latency"; expected one of p50, p90, p99, p999, mean, messagesPerSec, errorRate, or a flow's step\.<await>\.p50, step\.<await>\.p99, step\.<await>\.mean, step\.<await>\.timeoutRate, checks\.<check>\.rate$/],
    ['p99=10', /"p99=10": expected a percentage ≥ 0 such as 10%, got "10"/],
    ['p99=-5%', /"p99=-5%": expected a percentage/],
    ['p99=10pp', /"p99=10pp": expected a percentage/],
    ['errorRate=abc', /"errorRate=abc": expected percentage points such as 0.1pp/],
    ['p99=10%,p99=20%', /"p99=20%": p99 is given more than once/],
  ])('%j → USAGE error naming the item', (text, message) => {
    let error: unknown;
    try {
      parseTolerances(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BenchError);
    expect((error as BenchError).code).toBe('USAGE');
    expect((error as BenchError).message).toMatch(/^--max-regression: /);
    expect((error as BenchError).message).toMatch(message);
  });
});

describe('loadReportFile', () => {
  const valid = syntheticReport([{ latenciesMs: [1, 2, 3] }]);

  function loadText(text: string): BenchError {
    const temp = makeTempDir('grpc-bench-report-');
    temps.push(temp);
    writeFileSync(join(temp.dir, 'bad.json'), text);
    try {
      loadReportFile('bad.json', temp.dir);
    } catch (error) {
      return error as BenchError;
    }
    throw new Error('expected loadReportFile to throw');
  }

  it('reads back a report written as JSON', () => {
    const { dir, files } = writeReports(valid);
    expect(loadReportFile(files[0]!, dir)).toEqual(JSON.parse(readFileSync(files[0]!, 'utf8')));
  });

  it.each([
    ['not JSON', '{"schemaVersion": 1,', /^bad\.json: not valid JSON/],
    ['a list', '[]', /^bad\.json: not a grpc-bench report: expected a JSON object, got a list/],
    ['another tool', JSON.stringify({ schemaVersion: 1, tool: { name: 'ghz' } }), /^bad\.json: not a grpc-bench report \(tool\.name is "ghz"\)/],
    ['a newer schema', JSON.stringify({ ...valid, schemaVersion: 2 }), /^bad\.json: report schemaVersion 2 is not supported; expected 1/],
    ['a missing field', JSON.stringify({ ...valid, intervals: [{ ...valid.intervals[0], p99Ms: undefined }] }), /^bad\.json: not a complete grpc-bench report: intervals\.0\.p99Ms: expected a number \(ms\)/],
    ['a corrupt histogram', JSON.stringify({ ...valid, intervals: [{ ...valid.intervals[0], histogram: 'not-a-histogram' }] }), /^bad\.json: intervals\.0\.histogram: not an HdrHistogram/],
  ])('%s → REPORT_INVALID naming the file and the problem', (_name, text, message) => {
    const error = loadText(text);
    expect(error).toBeInstanceOf(BenchError);
    expect(error.code).toBe('REPORT_INVALID');
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(message);
  });

  it('a missing file → REPORT_INVALID, and the CLI exits 3', async () => {
    const temp = makeTempDir('grpc-bench-report-');
    temps.push(temp);
    expect(() => loadReportFile('nope.json', temp.dir)).toThrow(/^nope\.json: cannot read the report: no such file$/);
    const io = memoryIo(temp.dir);
    expect(await main(['compare', 'nope.json', 'nope.json'], io)).toBe(3);
    expect(io.err).toMatch(/\[REPORT_INVALID\]/);
  });
});

describe('comparison rendering', () => {
  const comparison = describeComparison(compareReports(series({ intervals: 12, centerMs: 5, noise: 0.02, seed: 1 }), series({ intervals: 12, centerMs: 6, noise: 0.02, seed: 2, startedAt: LATER_START }), { maxRegression: {} }));

  it('console: a table row per metric, the findings and the verdict line', () => {
    const text = renderComparisonConsole(comparison, { baseline: 'v1.json', candidate: 'v2.json' });

    expect(text).toMatch(/^ {2}baseline: {2}v1\.json \(synthetic, .*\): 11 of 12 intervals of 1000 ms used \(1 dropped as warm-up\)$/m);
    expect(text).toMatch(/^P99 +\d+\.\d{3} ms +\d+\.\d{3} ms +\+\d+\.\d % +\+10 % +1\.\d\d \(1\.\d\d–1\.\d\d\) +< 0\.001 +FAIL$/m);
    expect(text).toMatch(/^error rate .* \+0\.00 pp +\+0\.1 pp +— +1\.000 +PASS$/m);
    expect(text).toMatch(/^Verdict: FAIL — regression: candidate is/m);
  });

  it('markdown: one table row per metric, user strings escaped', () => {
    const text = renderComparisonMarkdown(comparison, { baseline: 'v1|<b>*x*</b>.json', candidate: 'v2.json' });

    expect(text).toContain('## grpc-bench compare: ❌ FAIL');
    expect(text).toContain('v1\\|\\<b\\>\\*x\\*\\</b\\>.json');
    const rows = text.split('\n').filter((line) => line.startsWith('| '));
    expect(rows).toHaveLength(1 + comparison.metrics.length);
    expect(rows.every((row) => row.split(/(?<!\\)\|/).length === 10)).toBe(true);
    expect(escapeMarkdown('a\nb [x](y) `z`')).toBe('a b \\[x\\](y) \\`z\\`');
  });
});
