import { decodeHistogram } from '../../../stats/latency-histogram.js';

export interface LogBucket {
  /** Upper bound, ms. */
  upToMs: number;
  count: number;
}

interface RecordedValues {
  reset(): void;
  hasNext(): boolean;
  next(): { valueIteratedTo: number; countAtValueIteratedTo: number };
}

/**
 * A latency histogram for a log axis: `perDecade` buckets per factor of ten, from the encoded
 * HDR histogram (µs). Only buckets between the first and last non-empty one are returned; the
 * counts add up to the histogram's total.
 */
export function logLatencyBuckets(encoded: string, perDecade = 10): LogBucket[] {
  const histogram = decodeHistogram(encoded);
  const byIndex = new Map<number, number>();
  const iterator = (histogram as unknown as { recordedValuesIterator: RecordedValues }).recordedValuesIterator;
  iterator.reset();
  while (iterator.hasNext()) {
    const step = iterator.next();
    const index = Math.ceil(Math.log10(Math.max(step.valueIteratedTo, 1)) * perDecade - 1e-9);
    byIndex.set(index, (byIndex.get(index) ?? 0) + step.countAtValueIteratedTo);
  }
  histogram.destroy();
  if (!byIndex.size) return [];
  const indexes = [...byIndex.keys()];
  const buckets: LogBucket[] = [];
  for (let i = Math.min(...indexes); i <= Math.max(...indexes); i++) {
    buckets.push({ upToMs: Number((10 ** (i / perDecade) / 1000).toPrecision(4)), count: byIndex.get(i) ?? 0 });
  }
  return buckets;
}
