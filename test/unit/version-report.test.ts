import { describe, expect, it } from 'vitest';
import { versionInterval, versionReport } from '../../src/report/version-report.js';
import { createLatencyHistogram, decodeHistogram, encodeHistogram, recordLatencyUs } from '../../src/stats/latency-histogram.js';

function latencies(...ms: number[]) {
  const histogram = createLatencyHistogram();
  for (const value of ms) recordLatencyUs(histogram, value * 1000);
  return histogram;
}

describe('versionInterval', () => {
  it('adds the parts’ responses, merges their latencies and rates them over the whole, unrounded interval', () => {
    const parts = [
      { messagesReceived: 2, histogram: encodeHistogram(latencies(1, 2)) },
      { messagesReceived: 3, histogram: encodeHistogram(latencies(3, 4, 100)) },
    ];

    const interval = versionInterval(2000.4, 499.6, parts);

    expect(interval).toMatchObject({ tMs: 2000, durationMs: 500, messagesReceived: 5, messagesPerSec: 10.01 });
    // HDR buckets: within 0.1 % of the recorded values.
    expect(interval.p50Ms).toBeCloseTo(3, 2);
    expect(interval.p99Ms).toBeCloseTo(100, 0);
    expect(decodeHistogram(interval.histogram).totalCount).toBe(5);
  });

  it('reports no rate for an interval without time and no latencies without parts', () => {
    expect(versionInterval(0, 0, [])).toMatchObject({ messagesReceived: 0, messagesPerSec: 0, p50Ms: 0, p99Ms: 0 });
  });
});

describe('versionReport', () => {
  it('gives the version’s share of every response, to 4 places', () => {
    const report = versionReport(latencies(5, 6, 7), 3, 9, []);

    expect(report).toMatchObject({ messagesReceived: 3, share: 0.3333, intervals: [] });
    expect(report.latencyMs.count).toBe(3);
    expect(versionReport(latencies(), 0, 0, []).share).toBe(0);
  });
});
