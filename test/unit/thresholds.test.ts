import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateThresholds, firstLiveFailure, formatThresholdValue, liveFailureLine, meetsCondition, thresholdsFailedMessage } from '../../src/compare/evaluate-thresholds.js';
import { metricValue } from '../../src/compare/metric-value.js';
import { parseFlowThreshold, parseThreshold, ThresholdError, type ParsedThreshold } from '../../src/scenario/parse-threshold.js';
import type { FlowThreshold } from '../../src/scenario/scenario-schema.js';
import type { LiveFlowStatus } from '../../src/report/live-flow-status.js';
import { BenchError } from '../../src/errors/bench-error.js';
import type { MemoryGrowthReport, Report } from '../../src/report/report.js';
import type { LiveStatus } from '../../src/report/live-status.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import type { LatencySummaryMs } from '../../src/stats/summarize-latency.js';
import { syntheticReport as baseReport } from '../helpers/synthetic-report.js';

function latency(overrides: Partial<LatencySummaryMs> = {}): LatencySummaryMs {
  return { count: 0, min: 0, mean: 0, stdev: 0, p10: 0, p25: 0, p50: 0, p75: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, ...overrides };
}

function growth(growthBytesPerMin: number, fittedSamples = 10, fittedSpanMs = 30_000): MemoryGrowthReport {
  return { startBytes: 1e8, peakBytes: 1e8, endBytes: 1e8, growthBytesPerMin, r2: 0.9, samples: fittedSamples + 2, fittedSamples, fittedSpanMs };
}

/** A finished run with every figure the thresholds read set to a known value. */
function syntheticReport(): Report {
  const base = baseReport([{ latenciesMs: [1] }]);
  return {
    ...base,
    counts: { ...base.counts, streamsFailed: 2, messagesSent: 10_000, messagesReceived: 9_960, errors: 40 },
    throughput: { messagesPerSec: 996, sentPerSec: 1000 },
    latencyMs: latency({ count: 9_960, mean: 12.5, p50: 10, p90: 20, p95: 30, p99: 62.1, p999: 90, max: 120 }),
    memory: { client: growth(2_000_000), clientHeap: growth(0), target: { ...growth(6_000_000), source: 'embedded' } },
  };
}

function liveStatus(overrides: Partial<LiveStatus> = {}): LiveStatus {
  return {
    elapsedMs: 10_000,
    messagesSent: 1000,
    messagesReceived: 1000,
    errors: 0,
    streamsFailed: 0,
    activeStreams: 1,
    activeConnections: 1,
    messagesPerSec: 100,
    p99Ms: 1,
    latencyMs: latency({ count: 1000, p99: 60 }),
    ...overrides,
  };
}

function threshold(metric: string, condition: string, abort: Partial<Pick<ParsedThreshold, 'abortOnFail' | 'abortAfterMs'>> = {}): ParsedThreshold {
  return { ...parseThreshold(metric, condition), condition, abortOnFail: false, abortAfterMs: 5000, ...abort };
}

describe('parseThreshold', () => {
  it.each([
    ['p99', '<50ms', '<', 50, 'ms'],
    ['p50', '<= 1.5ms', '<=', 1.5, 'ms'],
    ['p90', '<500us', '<', 0.5, 'ms'],
    ['p95', '<250µs', '<', 0.25, 'ms'],
    ['p999', '<2s', '<', 2000, 'ms'],
    ['max', '<0.5s', '<', 500, 'ms'],
    ['mean', '>=7', '>=', 7, 'ms'],
    ['errorRate', '<0.1%', '<', 0.1, '%'],
    ['errorRate', '<0.001', '<', 0.1, '%'],
    ['errorRate', '<=0.007', '<=', 0.7, '%'],
    ['errorRate', '==0', '==', 0, '%'],
    ['errors', '==0', '==', 0, 'count'],
    ['errors', '< 10', '<', 10, 'count'],
    ['streamsFailed', '<=3', '<=', 3, 'count'],
    ['messagesPerSec', '>9000', '>', 9000, 'msg/s'],
    ['messagesPerSec', '>9000msg/s', '>', 9000, 'msg/s'],
    ['messagesPerSec', '>=.5/s', '>=', 0.5, 'msg/s'],
    ['targetMemoryGrowth', '<5MB/min', '<', 5_000_000, 'bytes/min'],
    ['targetMemoryGrowth', '<100B/min', '<', 100, 'bytes/min'],
    ['targetMemoryGrowth', '<2KB/min', '<', 2000, 'bytes/min'],
    ['targetMemoryGrowth', '<2kB/min', '<', 2000, 'bytes/min'],
    ['targetMemoryGrowth', '<1GB/min', '<', 1e9, 'bytes/min'],
    ['clientMemoryGrowth', '<2KiB/min', '<', 2048, 'bytes/min'],
    ['clientMemoryGrowth', '<1.5MiB/min', '<', 1.5 * 1024 * 1024, 'bytes/min'],
    ['clientMemoryGrowth', '<1GiB/min', '<', 1024 ** 3, 'bytes/min'],
    ['clientMemoryGrowth', '<4096', '<', 4096, 'bytes/min'],
  ])('%s %s → %s %s %s', (metric, condition, operator, limit, unit) => {
    expect(parseThreshold(metric, condition)).toEqual({ metric, operator, limit, unit });
  });

  it.each([
    ['p99', 'fast', 'a latency'],
    ['p99', '50ms', 'an operator'],
    ['p99', '<50 sec', 'us, ms, s'],
    ['p99', '<-5ms', 'an operator'],
    ['p99', '=<50ms', 'an operator'],
    ['p99', '<50ms!', 'a latency'],
    ['p99', '', 'an operator'],
    ['errorRate', '<5', 'at most 1'],
    ['errorRate', '<101%', 'at most 100%'],
    ['errorRate', '<0.1 percent', 'a percentage'],
    ['errors', '<5ms', 'a count'],
    ['messagesPerSec', '>9k', 'a rate'],
    ['targetMemoryGrowth', '<5MB', 'per min'],
    ['targetMemoryGrowth', '<5Mb/min', 'per min'],
    ['p98', '<50ms', 'unknown metric'],
    ['toString', '<50ms', 'unknown metric'],
  ])('%s %j is refused: names the field, the value and what was expected', (metric, condition, expected) => {
    let caught: unknown;
    try {
      parseThreshold(metric, condition);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ThresholdError);
    expect(caught).toBeInstanceOf(BenchError);
    const error = caught as ThresholdError;
    expect(error.code).toBe('SCENARIO_INVALID');
    expect(error.message.startsWith(`thresholds.${metric}: `)).toBe(true);
    expect(error.message).toContain(expected);
    expect(error.message).toContain(metric === 'p98' || metric === 'toString' ? JSON.stringify(metric) : JSON.stringify(condition));
  });
});

describe('thresholds in the scenario schema', () => {
  it('end up parsed on the scenario, strings and objects alike', () => {
    const scenario = loadScenario({
      overrides: { thresholds: { p99: '<50ms', errorRate: { condition: '<0.1%', abortOnFail: true }, messagesPerSec: { condition: '>9000', abortOnFail: true, abortAfter: '2s' } } },
    });
    expect(scenario.thresholds).toEqual([
      { metric: 'p99', condition: '<50ms', operator: '<', limit: 50, unit: 'ms', abortOnFail: false, abortAfterMs: 5000 },
      { metric: 'errorRate', condition: '<0.1%', operator: '<', limit: 0.1, unit: '%', abortOnFail: true, abortAfterMs: 5000 },
      { metric: 'messagesPerSec', condition: '>9000', operator: '>', limit: 9000, unit: 'msg/s', abortOnFail: true, abortAfterMs: 2000 },
    ]);
    expect(loadScenario().thresholds).toEqual([]);
  });

  it('reports every bad threshold together with the other problems of the scenario', () => {
    let caught: unknown;
    try {
      loadScenario({ overrides: { load: { streams: 0 }, thresholds: { p99: 'fast', errors: 5, p98: '<1ms', max: { condition: '<1s', abortAfter: 'soon' } } } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BenchError);
    const message = (caught as BenchError).message;
    expect((caught as BenchError).code).toBe('SCENARIO_INVALID');
    expect(message).toContain('load.streams: must be ≥ 1');
    expect(message).toContain('thresholds.p99: expected an operator');
    expect(message).toContain('got "fast"');
    expect(message).toContain('thresholds.errors: expected a condition string');
    expect(message).toContain('thresholds.p98: unknown metric');
    expect(message).toContain('thresholds.max.abortAfter');
    expect(message).not.toContain('\n');
  });

  it('refuses targetMemoryGrowth when nothing watches the target', () => {
    expect(() => loadScenario({ overrides: { target: '127.0.0.1:1', thresholds: { targetMemoryGrowth: '<5MB/min' } } })).toThrow(/thresholds\.targetMemoryGrowth: needs the target's memory/);
    expect(loadScenario({ overrides: { target: '127.0.0.1:1', load: { duration: '30s' }, monitor: { pid: 1 }, thresholds: { targetMemoryGrowth: '<5MB/min' } } }).thresholds).toHaveLength(1);
  });

  it('refuses a memory-growth threshold on a run too short to fit a trend', () => {
    const scenario = (load: Record<string, unknown>) => loadScenario({ overrides: { target: 'embedded', load, thresholds: { clientMemoryGrowth: '<5MB/min' } } });
    expect(() => scenario({ duration: '40s', warmup: '15s' })).toThrow(
      /thresholds\.clientMemoryGrowth: needs 30s or more of load after the warm-up to fit a memory trend; this run has 25s \(raise load.duration\)/,
    );
    // The default duration is 10 s.
    expect(() => scenario({})).toThrow(/thresholds\.clientMemoryGrowth: .* this run has 10s/);
    expect(() => scenario({ stages: [{ duration: '10s', rate: 10 }, { duration: '10s', rate: 20 }] })).toThrow(/this run has 20s/);
    expect(scenario({ duration: '45s', warmup: '15s' }).thresholds).toHaveLength(1);
    // Bounded by a message count, the run's length is unknown beforehand: judged at the end.
    expect(scenario({ messages: 1000 }).thresholds).toHaveLength(1);
  });
});

describe('evaluateThresholds', () => {
  const report = syntheticReport();

  it.each([
    ['p50', '<11ms', 10, true],
    ['p90', '<20ms', 20, false],
    ['p95', '<=30ms', 30, true],
    ['p99', '<50ms', 62.1, false],
    ['p99', '<0.1s', 62.1, true],
    ['p999', '<90000us', 90, false],
    ['max', '>100ms', 120, true],
    ['mean', '==12.5ms', 12.5, true],
    ['errorRate', '<0.1%', 0.4, false],
    ['errorRate', '<0.005', 0.4, true],
    ['errors', '<=40', 40, true],
    ['errors', '==0', 40, false],
    ['messagesPerSec', '>9000', 996, false],
    ['messagesPerSec', '>=996', 996, true],
    ['streamsFailed', '<3', 2, true],
    ['clientMemoryGrowth', '<1MiB/min', 2_000_000, false],
    ['clientMemoryGrowth', '<5MB/min', 2_000_000, true],
    ['targetMemoryGrowth', '<5MB/min', 6_000_000, false],
  ])('%s %s: actual %s → pass %s', (metric, condition, actual, pass) => {
    const t = threshold(metric, condition);
    const verdict = evaluateThresholds(report, [t]);
    expect(verdict.results).toEqual([{ metric, condition, actual, limit: t.limit, unit: t.unit, pass, abortOnFail: false }]);
    expect(verdict.passed).toBe(pass);
    expect(verdict.abortedBy).toBeUndefined();
  });

  it('passes only when every threshold passes, and lists the failed ones', () => {
    const verdict = evaluateThresholds(report, [threshold('p99', '<50ms'), threshold('p50', '<11ms'), threshold('errorRate', '<0.1%')]);
    expect(verdict.passed).toBe(false);
    expect(verdict.results.map((r) => r.pass)).toEqual([false, true, false]);
    expect(thresholdsFailedMessage(verdict)).toBe('thresholds failed: p99 62.1 ms (<50ms), errorRate 0.4 % (<0.1%)');
  });

  it('fails a metric the run has no data for', () => {
    const empty: Report = { ...report, latencyMs: latency(), memory: { client: growth(0, 0), clientHeap: growth(0) }, counts: { ...report.counts, messagesSent: 0 } };
    const verdict = evaluateThresholds(empty, [threshold('p99', '<50ms'), threshold('errorRate', '<1%'), threshold('targetMemoryGrowth', '<1MB/min'), threshold('clientMemoryGrowth', '<1MB/min')]);
    expect(verdict.results.every((r) => !r.pass && Number.isNaN(r.actual))).toBe(true);
    expect(verdict.results.map((r) => r.noData)).toEqual(['no responses', 'nothing was sent', "the target's memory was not watched", 'no trend from 0 samples while the load ran (10 or more needed: run longer)']);
    expect(formatThresholdValue(NaN, 'ms')).toBe('no data');
    expect(thresholdsFailedMessage(verdict)).toContain('errorRate no data: nothing was sent (<1%)');
  });

  it('does not judge a memory slope fitted on too few samples or too short a load', () => {
    const short: Report = { ...report, memory: { ...report.memory, client: growth(50_000_000, 40, 12_000) } };
    const verdict = evaluateThresholds(short, [threshold('clientMemoryGrowth', '<1GB/min'), threshold('p99', '<1s')]);
    expect(verdict.results[0]).toMatchObject({ pass: false, actual: NaN, noData: 'no trend from 12s of load sampled (30s or more needed: start-up growth dominates)' });
    expect(verdict.results[1]).not.toHaveProperty('noData');
    expect(thresholdsFailedMessage(verdict)).toBe(
      'thresholds failed: clientMemoryGrowth no data: no trend from 12s of load sampled (30s or more needed: start-up growth dominates) (<1GB/min)',
    );
    const enough: Report = { ...report, memory: { ...report.memory, client: growth(50_000_000, 10, 30_000) } };
    expect(evaluateThresholds(enough, [threshold('clientMemoryGrowth', '<1GB/min')]).passed).toBe(true);
  });

  it('never passes a run that an abortOnFail threshold stopped', () => {
    const t = threshold('p99', '<0.1s', { abortOnFail: true });
    const verdict = evaluateThresholds(report, [t], t);
    expect(verdict).toMatchObject({ passed: false, abortedBy: 'p99 <0.1s' });
    expect(thresholdsFailedMessage(verdict)).toBe('thresholds failed: the run was aborted by p99 <0.1s');
  });

  it('formats values with their unit', () => {
    expect(formatThresholdValue(62.1, 'ms')).toBe('62.1 ms');
    expect(formatThresholdValue(0.00123, '%')).toBe('0.00123 %');
    expect(formatThresholdValue(996.456, 'msg/s')).toBe('996.46 msg/s');
    expect(formatThresholdValue(5_234_000, 'bytes/min')).toBe('5.23 MB/min');
    expect(formatThresholdValue(512, 'bytes/min')).toBe('512 B/min');
    expect(formatThresholdValue(3, 'count')).toBe('3');
  });

  it('`<x` passes exactly when actual < x, for every latency and count', () => {
    const value = fc.integer({ min: 0, max: 10_000_000 }).map((n) => n / 1000);
    fc.assert(
      fc.property(value, value, (limit, actual) => {
        const latencyReport: Report = { ...report, latencyMs: latency({ count: 1, p99: actual }), counts: { ...report.counts, errors: actual } };
        const [p99] = evaluateThresholds(latencyReport, [threshold('p99', `<${limit}ms`)]).results;
        const [errors] = evaluateThresholds(latencyReport, [threshold('errors', `<${limit}`)]).results;
        expect(p99!.pass).toBe(actual < limit);
        expect(errors!.pass).toBe(actual < limit);
        expect(meetsCondition(actual, '<', limit)).toBe(actual < limit);
      }),
    );
  });
});

describe('live figures (abortOnFail)', () => {
  const abortP99 = threshold('p99', '<5ms', { abortOnFail: true, abortAfterMs: 1000 });

  it('are judged only for abortOnFail thresholds, only after abortAfter, only with data', () => {
    expect(firstLiveFailure(liveStatus(), [abortP99])).toEqual({ metric: 'p99', condition: '<5ms', actual: 60, unit: 'ms', elapsedMs: 10_000 });
    expect(firstLiveFailure(liveStatus({ elapsedMs: 999 }), [abortP99])).toBeUndefined();
    expect(firstLiveFailure(liveStatus({ latencyMs: latency() }), [abortP99])).toBeUndefined();
    expect(firstLiveFailure(liveStatus(), [{ ...abortP99, abortOnFail: false }])).toBeUndefined();
    expect(firstLiveFailure(liveStatus({ latencyMs: latency({ count: 5, p99: 4 }) }), [abortP99])).toBeUndefined();
  });

  it('read cumulative totals: error rate, rate since the start, failed streams; memory growth only at the end', () => {
    const live = { live: liveStatus({ errors: 5, messagesSent: 1000, messagesReceived: 2000, elapsedMs: 4000, streamsFailed: 3 }) };
    expect(metricValue('errorRate', live)).toBe(0.5);
    expect(metricValue('errors', live)).toBe(5);
    expect(metricValue('messagesPerSec', live)).toBe(500);
    expect(metricValue('streamsFailed', live)).toBe(3);
    expect(metricValue('p99', live)).toBe(60);
    expect(metricValue('targetMemoryGrowth', live)).toBeUndefined();
    const errorRate = threshold('errorRate', '<0.1%', { abortOnFail: true, abortAfterMs: 0 });
    expect(firstLiveFailure(live.live, [abortP99, errorRate])).toMatchObject({ metric: 'p99' });
    expect(firstLiveFailure(live.live, [errorRate])).toEqual({ metric: 'errorRate', condition: '<0.1%', actual: 0.5, unit: '%', elapsedMs: 4000 });
  });

  it('judge flow thresholds on the flow’s running totals, after the run’s own, once due and with data', () => {
    const flowThreshold = (metric: string, condition: string, abortAfterMs = 1000): FlowThreshold => ({ ...parseFlowThreshold(metric, condition), condition, abortOnFail: true, abortAfterMs });
    const rate = flowThreshold('checks.confirmed.rate', '>=99%');
    const p99 = flowThreshold('step.decided.p99', '<20ms');
    const timeouts = flowThreshold('step.decided.timeouts', '==0', 20_000);
    const flow: LiveFlowStatus = {
      runsStarted: 10,
      runsCompleted: 8,
      runsTimedOut: 2,
      unsolicited: 0,
      awaits: { decided: { matched: 8, timeouts: 2, p99Ms: 30, latencyMs: latency({ count: 8, p99: 25 }) } },
      checks: { confirmed: { passes: 6, fails: 2, rate: 0.75 } },
    };
    expect(firstLiveFailure(liveStatus({ flow }), [], [rate])).toEqual({ metric: 'checks.confirmed.rate', condition: '>=99%', actual: 75, unit: '%', elapsedMs: 10_000 });
    expect(firstLiveFailure(liveStatus({ flow }), [], [{ ...rate, abortOnFail: false }, p99])).toEqual({ metric: 'step.decided.p99', condition: '<20ms', actual: 25, unit: 'ms', elapsedMs: 10_000 });
    expect(firstLiveFailure(liveStatus({ flow }), [], [timeouts]), 'not before abortAfter').toBeUndefined();
    expect(firstLiveFailure(liveStatus({ flow, elapsedMs: 20_000 }), [], [timeouts])).toEqual({ metric: 'step.decided.timeouts', condition: '==0', actual: 2, unit: 'count', elapsedMs: 20_000 });
    expect(firstLiveFailure(liveStatus({ flow }), [abortP99], [rate]), 'the run’s own first').toMatchObject({ metric: 'p99' });
    expect(firstLiveFailure(liveStatus(), [], [rate, p99]), 'no flow figures yet').toBeUndefined();
    const unjudged: LiveFlowStatus = { ...flow, awaits: { decided: { matched: 0, timeouts: 0, p99Ms: 0, latencyMs: latency() } }, checks: { confirmed: { passes: 0, fails: 0 } } };
    expect(firstLiveFailure(liveStatus({ flow: unjudged }), [], [rate, p99]), 'no data').toBeUndefined();
    expect(firstLiveFailure(liveStatus({ flow: { ...flow, checks: { confirmed: { passes: 8, fails: 0, rate: 1 } } } }), [], [rate])).toBeUndefined();
  });

  it('are told when they stop the run, with the figure that failed', () => {
    expect(liveFailureLine({ metric: 'checks.confirmed.rate', condition: '>99%', actual: 74.148, unit: '%', elapsedMs: 3012 })).toBe(
      'threshold checks.confirmed.rate >99% failed live (74.148 % after 3.0 s): stopping, draining in-flight requests, then writing the partial report (abortOnFail)',
    );
  });
});
