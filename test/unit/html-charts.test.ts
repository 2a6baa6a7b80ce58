import { describe, expect, it } from 'vitest';
import type { Report, ReportInterval } from '../../src/report/report.js';
import { jsonForScript } from '../../src/reporters/html/charts/chart-spec.js';
import { activitySpec, errorsSpec, intervalSeries, intervalTimes, latencySpec, runEndSec, throughputSpec } from '../../src/reporters/html/charts/run-charts.js';
import { bytes, metricFigure } from '../../src/reporters/format-units.js';
import { syntheticReport } from '../helpers/synthetic-report.js';
import { memorySpec } from '../../src/reporters/html/charts/memory-chart.js';
import { memoryVerdict } from '../../src/reporters/memory-verdict.js';
import type { MemoryGrowth } from '../../src/stats/memory-growth.js';

const interval = (tMs: number, durationMs: number, messagesPerSec: number): ReportInterval => ({
  tMs, durationMs, messagesSent: 0, messagesReceived: 0, messagesFailed: 0, errors: 0, streamsOpened: 0, streamsCompleted: 0, streamsFailed: 0,
  messagesPerSec, p50Ms: 0, p99Ms: 0, activeStreams: 0, activeConnections: 0, sendsDeferred: 0, maxEventLoopUtilization: 0, histogram: '',
});

describe('chart data for the HTML pages', () => {
  it('leaves a gap (null) between rounds instead of a line across them', () => {
    const report = {
      intervals: [interval(1000, 1000, 10), interval(2000, 1000, 12), interval(11_000, 1000, 11), interval(12_000, 1000, 13)],
      rounds: [
        { startedAt: '', firstInterval: 0, intervalCount: 2, offsetMs: 0, durationMs: 2000, warmupMs: 0 },
        { startedAt: '', firstInterval: 2, intervalCount: 2, offsetMs: 10_000, durationMs: 2000, warmupMs: 0 },
      ],
    } as unknown as Report;
    expect(intervalTimes(report).x).toEqual([1, 2, 6, 11, 12]);
    const series = intervalSeries(report, (i) => i.messagesPerSec, { label: 'rate', color: '#000', unit: 'msg/s' });
    expect(series.y).toEqual([10, 12, null, 11, 13]);
  });

  it('ends the time axis at the last, shorter interval’s real end', () => {
    const report = { intervals: [interval(1000, 1000, 10), interval(1400, 400, 10)] } as unknown as Report;
    expect(runEndSec(report)).toBe(1.4);
    expect(intervalSeries(report, (i) => i.messagesPerSec, { label: 'rate', color: '#000', unit: 'msg/s' }).y).toEqual([10, 10]);
  });

  it('draws no rate for the closing drain interval, in which nothing was sent (no cliff), but draws a short one that sent', () => {
    const drain = { ...interval(1018, 18, 444.44), messagesReceived: 8 };
    const report = { intervals: [{ ...interval(1000, 1000, 10), messagesSent: 10 }, drain] } as unknown as Report;
    expect(throughputSpec(report).series[0]!.y).toEqual([10, null]);
    expect(throughputSpec(report).series[1]!.y).toEqual([10, null]);
    expect(throughputSpec(report).xMax).toBe(1.018);
    const stillSending = { intervals: [report.intervals[0], { ...drain, messagesSent: 8 }] } as unknown as Report;
    expect(throughputSpec(stillSending).series[0]!.y).toEqual([10, 444.44]);
  });

  it('builds the time charts from the intervals alone (as the live dashboard has them), as from the whole report', () => {
    const report = syntheticReport([{ latenciesMs: [1, 2, 3] }, { latenciesMs: [4, 5, 6] }, { latenciesMs: [] }]);
    const run = { intervals: report.intervals.map(({ tMs, durationMs, messagesSent, messagesPerSec, errors, activeStreams, activeConnections, histogram, statusCodes, heapUsedBytes }) => ({ tMs, durationMs, messagesSent, messagesPerSec, errors, activeStreams, activeConnections, histogram, statusCodes, heapUsedBytes })) };
    for (const spec of [throughputSpec, latencySpec, errorsSpec, activitySpec]) expect(spec(run)).toEqual(spec(report));
    // An interval with no responses has no percentile (a gap, not 0).
    expect(latencySpec(run).series.map((s) => s.y[2])).toEqual([null, null, null, null]);
  });

  it('keeps hostile labels inert inside a JSON script element', () => {
    const json = jsonForScript([{ label: '</script><img src=x onerror=alert(1)>' }]);
    expect(json).not.toMatch(/[<>]/);
    expect(JSON.parse(json)).toEqual([{ label: '</script><img src=x onerror=alert(1)>' }]);
  });

  it('writes threshold figures in their own units', () => {
    expect(metricFigure(432998034.3688523, 'bytes/min')).toBe('413 MiB/min');
    expect(metricFigure(1.5, 'ms')).toBe('1.500 ms');
    expect(metricFigure(1234.5, 'msg/s')).toBe('1,234.50 msg/s');
    expect(metricFigure(2.5, '%')).toBe('2.5 %');
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1536)).toBe('1.50 KiB');
  });

  describe('memory over time', () => {
    const MIB = 1048576;
    const growth = (growthBytesPerMin: number, r2: number, fittedSamples = 40, fittedSpanMs = 39_000): MemoryGrowth => ({
      startBytes: 0, peakBytes: 0, endBytes: 0, growthBytesPerMin, r2, samples: fittedSamples, fittedSamples, fittedSpanMs,
    });
    // Target +60 MiB/min (1 MiB/s) from 100 MiB, client RSS flat at 50 MiB, heaps +0.5 MiB/s from 10 MiB.
    const intervals = [1000, 2000, 3000].map((tMs) => ({
      ...interval(tMs, 1000, 10),
      targetMemoryBytes: (100 + (tMs / 1000 - 1)) * MIB,
      clientRssBytes: 50 * MIB,
      heapUsedBytes: (10 + 0.5 * (tMs / 1000 - 1)) * MIB,
    }));
    const report = {
      intervals,
      memory: { target: { source: 'pid 7', ...growth(60 * MIB, 0.97) }, client: growth(0, 0), clientHeap: growth(30 * MIB, 0.99, 4, 3000) },
    } as unknown as Report;

    it('draws target, client RSS and worker heaps in MiB, the target first, each with its fitted slope through its mean', () => {
      const spec = memorySpec(report)!;
      expect(spec.series.map((s) => s.label)).toEqual([
        'Target memory', 'Target memory fitted slope', 'Client RSS', 'Client RSS fitted slope', 'Client worker heaps', 'Client worker heaps fitted slope (too short to judge)',
      ]);
      expect(spec.series[0]!.y).toEqual([100, 101, 102]);
      // Slope 1 MiB/s through the mean (2 s, 101 MiB): the readings lie on it.
      expect(spec.series[1]!.y).toEqual([100, 101, 102]);
      expect(spec.series[1]!.dash).toBeDefined();
      expect(spec.series[3]!.y).toEqual([50, 50, 50]);
      expect(spec.series[5]!.y).toEqual([10, 10.5, 11]);
      expect(spec.series[0]!.x).toEqual([1, 2, 3]);
    });

    it('draws only the series an old report has, and no chart without two readings', () => {
      const old = { ...report, memory: { ...report.memory, target: undefined }, intervals: intervals.map(({ targetMemoryBytes: _t, clientRssBytes: _c, ...rest }) => rest) } as unknown as Report;
      expect(memorySpec(old)!.series.map((s) => s.label)).toEqual(['Client worker heaps', 'Client worker heaps fitted slope (too short to judge)']);
      const none = { ...old, intervals: old.intervals.map(({ heapUsedBytes: _h, ...rest }) => rest) } as unknown as Report;
      expect(memorySpec(none)).toBeUndefined();
    });

    it('calls a steady rise a possible leak and says why there is no trend otherwise', () => {
      expect(memoryVerdict('Target memory', growth(433_000_000, 0.97))).toBe('Target memory grows 412.94 MiB/min (r² 0.97): possible leak.');
      expect(memoryVerdict('Client RSS', growth(2 * MIB, 0.1))).toBe('Client RSS: no trend — 2.00 MiB/min (r² 0.10), not a steady rise.');
      expect(memoryVerdict('Client worker heaps', growth(30 * MIB, 0.99, 4, 3000))).toBe(
        'Client worker heaps: no trend judged — 4 samples while the load ran (10 or more needed: run longer).',
      );
    });
  });
});
