import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HIGHEST_US,
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  mergeHistograms,
  recordLatencyUs,
  type LatencyHistogram,
} from '../../src/stats/latency-histogram.js';

/** Percentiles in tenths of a percent, so the exact rank can be computed in integers. */
const PERCENTILES_X10 = [500, 900, 990, 999];

function histogramOf(values: number[]): LatencyHistogram {
  const histogram = createLatencyHistogram();
  for (const value of values) recordLatencyUs(histogram, value);
  return histogram;
}

/** HDR's definition: the value at rank ceil(p/100 · n) of the sorted values (rank ≥ 1). */
function exactPercentile(sorted: number[], percentileX10: number): number {
  const rank = Math.max(1, Math.ceil((percentileX10 * sorted.length) / 1000));
  return sorted[rank - 1]!;
}

/** Deals the values into `pieceCount` histograms as `pieceOf` says (some pieces may stay empty). */
function encodedPieces(values: number[], pieceOf: number[], pieceCount: number): string[] {
  const pieces: number[][] = Array.from({ length: pieceCount }, () => []);
  values.forEach((value, i) => pieces[pieceOf[i]! % pieceCount]!.push(value));
  return pieces.map((piece) => encodeHistogram(histogramOf(piece)));
}

/** Latencies in µs: mostly small, some spread over the whole range, some exact duplicates. */
const latencyUs = fc.oneof(
  fc.integer({ min: 1, max: 5_000 }),
  fc.integer({ min: 1, max: 2_000_000 }),
  fc.integer({ min: 1, max: HIGHEST_US }),
  fc.constantFrom(1, 2047, 2048, 2049, 1_000_000, HIGHEST_US),
);

/** Random values and a random split of them into 1 to 6 pieces. */
const splitValues = fc.record({
  values: fc.array(latencyUs, { minLength: 1, maxLength: 400 }),
  pieceOf: fc.array(fc.nat(), { minLength: 400, maxLength: 400 }),
  pieceCount: fc.integer({ min: 1, max: 6 }),
});

describe('latency histogram', () => {
  it('merging encoded pieces loses nothing: the same percentiles, count, min and max as one histogram of every value', () => {
    fc.assert(
      fc.property(splitValues, ({ values, pieceOf, pieceCount }) => {
        const merged = mergeHistograms(encodedPieces(values, pieceOf, pieceCount));
        const single = histogramOf(values);
        // The single histogram through the same interchange format: bucket for bucket identical.
        const singleRoundTrip = decodeHistogram(encodeHistogram(single));

        expect(merged.totalCount).toBe(values.length);
        expect(merged.totalCount).toBe(single.totalCount);
        for (const p of [50, 90, 99, 99.9, 100]) {
          expect(merged.getValueAtPercentile(p)).toBe(single.getValueAtPercentile(p));
        }
        expect(merged.minNonZeroValue).toBe(singleRoundTrip.minNonZeroValue);
        expect(merged.maxValue).toBe(singleRoundTrip.maxValue);
        expect(merged.mean).toBe(singleRoundTrip.mean);

        // Against the raw values the extremes are exact up to the bucket width (≤ 0.1 %).
        const min = Math.min(...values);
        const max = Math.max(...values);
        expect(merged.minNonZeroValue).toBeLessThanOrEqual(min);
        expect(min - merged.minNonZeroValue).toBeLessThanOrEqual(min / 1000);
        expect(merged.maxValue).toBeGreaterThanOrEqual(max);
        expect(merged.maxValue - max).toBeLessThanOrEqual(max / 1000);
      }),
      { numRuns: 100 },
    );
  });

  it('every percentile is within 0.1 % of the exact percentile of the raw values', () => {
    fc.assert(
      fc.property(splitValues, ({ values, pieceOf, pieceCount }) => {
        const merged = mergeHistograms(encodedPieces(values, pieceOf, pieceCount));
        const sorted = [...values].sort((a, b) => a - b);
        for (const percentileX10 of PERCENTILES_X10) {
          const exact = exactPercentile(sorted, percentileX10);
          const measured = merged.getValueAtPercentile(percentileX10 / 10);
          expect(Math.abs(measured - exact) / exact, `p${percentileX10 / 10}: ${measured} vs exact ${exact}`).toBeLessThanOrEqual(0.001);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('below 2048 µs every value has its own bucket: percentiles are exact', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 2047 }), { minLength: 1, maxLength: 300 }), (values) => {
        const histogram = decodeHistogram(encodeHistogram(histogramOf(values)));
        const sorted = [...values].sort((a, b) => a - b);
        for (const percentileX10 of PERCENTILES_X10) {
          expect(histogram.getValueAtPercentile(percentileX10 / 10)).toBe(exactPercentile(sorted, percentileX10));
        }
      }),
    );
  });

  it('clamps values outside the range instead of losing them', () => {
    const histogram = histogramOf([0, 0.2, HIGHEST_US * 2]);
    expect(histogram.totalCount).toBe(3);
    expect(histogram.getValueAtPercentile(50)).toBe(1);
    expect(decodeHistogram(encodeHistogram(histogram)).totalCount).toBe(3);
  });

  it('merging nothing gives an empty histogram', () => {
    expect(mergeHistograms([]).totalCount).toBe(0);
  });
});
