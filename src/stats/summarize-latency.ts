import { forEachRecordedValue, type LatencyHistogram } from './latency-histogram.js';

/** Latency figures in milliseconds (3 decimals = microsecond resolution). */
export interface LatencySummaryMs {
  count: number;
  min: number;
  mean: number;
  stdev: number;
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

const usToMs = (us: number): number => Math.round(us) / 1000;

export const SUMMARY_PERCENTILES: ReadonlyArray<[keyof LatencySummaryMs, number]> = [
  ['p10', 10],
  ['p25', 25],
  ['p50', 50],
  ['p75', 75],
  ['p90', 90],
  ['p95', 95],
  ['p99', 99],
  ['p999', 99.9],
];

/** Percentiles come straight from the histogram (getValueAtPercentile, not the rounding `summary`). */
export function summarizeLatency(histogram: LatencyHistogram): LatencySummaryMs {
  const count = histogram.totalCount;
  const summary: LatencySummaryMs = {
    count,
    min: count ? usToMs(histogram.minNonZeroValue) : 0,
    mean: count ? Math.round(histogram.mean) / 1000 : 0,
    stdev: count ? Math.round(histogram.stdDeviation) / 1000 : 0,
    p10: 0, p25: 0, p50: 0, p75: 0, p90: 0, p95: 0, p99: 0, p999: 0,
    max: count ? usToMs(histogram.maxValue) : 0,
  };
  if (count) for (const [key, percentile] of SUMMARY_PERCENTILES) summary[key] = usToMs(histogram.getValueAtPercentile(percentile));
  return summary;
}

export interface HistogramBucket {
  /** Upper bound of the bucket, ms. */
  upToMs: number;
  count: number;
}

/**
 * A ghz-style response-time histogram: `bucketCount` equal-width buckets from min to max.
 * Counts come from the HDR histogram's recorded values, so they add up to its total.
 */
export function bucketize(histogram: LatencyHistogram, bucketCount = 10): HistogramBucket[] {
  const count = histogram.totalCount;
  if (!count) return [];
  const minUs = histogram.minNonZeroValue;
  const maxUs = histogram.maxValue;
  const widthUs = Math.max((maxUs - minUs) / bucketCount, 1);
  const buckets: HistogramBucket[] = [];
  for (let i = 0; i < bucketCount; i++) buckets.push({ upToMs: usToMs(minUs + widthUs * (i + 1)), count: 0 });
  buckets[bucketCount - 1]!.upToMs = usToMs(maxUs);
  forEachRecordedValue(histogram, (valueUs, valueCount) => {
    const index = Math.min(Math.floor((valueUs - minUs) / widthUs), bucketCount - 1);
    buckets[Math.max(index, 0)]!.count += valueCount;
  });
  return buckets;
}
