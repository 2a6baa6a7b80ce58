import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateSeries } from '../../../bench/history-series.js';
import { DEFAULT_CHANGE_POINT_OPTIONS, detectChangePoints } from '../../../src/history/detect-change-points.js';
import { eDivisiveSplit } from '../../../src/history/e-divisive-split.js';
import { studentTTest, winsorized } from '../../../src/history/student-t-test.js';

/**
 * Properties over noisy series are run from a fixed seed: noise can, rarely (about 1 series in
 * 30,000 here), hold a real-looking shift that the detector rightly reports, and a test must not flake.
 */
const NOISY = { seed: 20_261_207, numRuns: 200 };

const positive = fc.double({ min: 0.1, max: 1e6, noNaN: true, noDefaultInfinity: true });

/** The E-divisive statistic straight from its definition (all pairs), to check the incremental scan against. */
function naiveQ(x: number[], tau: number): number {
  const a = x.slice(0, tau);
  const b = x.slice(tau);
  const m = a.length;
  const n = b.length;
  let between = 0;
  for (const p of a) for (const q of b) between += Math.abs(p - q);
  let left = 0;
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) left += Math.abs(a[i]! - a[j]!);
  let right = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) right += Math.abs(b[i]! - b[j]!);
  return ((m * n) / (m + n)) * ((2 * between) / (m * n) - (2 * left) / (m * (m - 1)) - (2 * right) / (n * (n - 1)));
}

describe('E-divisive split', () => {
  it('finds the split with the largest statistic, as computed from the definition', () => {
    fc.assert(
      fc.property(fc.array(positive, { minLength: 6, maxLength: 40 }), (x) => {
        const best = eDivisiveSplit(x, 0, x.length, 3)!;
        const qs = Array.from({ length: x.length - 5 }, (_, i) => naiveQ(x, i + 3));
        const max = Math.max(...qs);
        expect(best.q).toBeCloseTo(max, 6);
        expect(naiveQ(x, best.index)).toBeCloseTo(max, 6);
      }),
    );
  });

  it('has no split when the segment cannot leave both sides their minimum', () => {
    expect(eDivisiveSplit([1, 2, 3, 4, 5], 0, 5, 3)).toBeUndefined();
  });
});

describe("Student's t-test", () => {
  it('gives p 1 for two equal constant segments and 0 for two different ones', () => {
    expect(studentTTest([2, 2, 2, 2], 0, 2, 2, 4).pValue).toBe(1);
    expect(studentTTest([2, 2, 3, 3], 0, 2, 2, 4).pValue).toBe(0);
  });

  it('agrees with a known value (R: t.test(c(1,2,3,4,5), c(3,4,5,6,7)) pooled, gives p = 0.0805: t = 2 on 8 degrees of freedom)', () => {
    expect(studentTTest([1, 2, 3, 4, 5, 3, 4, 5, 6, 7], 0, 5, 5, 10).pValue).toBeCloseTo(0.0805, 4);
  });
});

describe('detectChangePoints', () => {
  it('is deterministic: the same series always gives the same change points', () => {
    fc.assert(
      fc.property(fc.array(positive, { minLength: 0, maxLength: 80 }), (x) => {
        expect(detectChangePoints(x)).toEqual(detectChangePoints([...x]));
      }),
    );
  });

  it('finds no change point in a constant series', () => {
    fc.assert(
      fc.property(positive, fc.integer({ min: 0, max: 200 }), (value, length) => {
        expect(detectChangePoints(Array.from({ length }, () => value))).toEqual([]);
      }),
    );
  });

  it('finds a large step at its index, with the means either side and the relative change', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 60 }), fc.integer({ min: 5, max: 60 }), positive, fc.double({ min: 0.2, max: 3, noNaN: true }), fc.integer(), (before, after, base, step, seed) => {
        // 2 % noise, a step of 20 % or more: far beyond what noise explains.
        const noise = generateSeries({ runs: before + after, base: 1, noise: 0.02, steps: [], outliers: 0 }, seed);
        const x = noise.map((n, i) => base * n * (i < before ? 1 : 1 + step));
        const found = detectChangePoints(x);
        expect(found.map((c) => c.index)).toEqual([before]);
        expect(found[0]!.relativeChange).toBeGreaterThan(step * 0.8);
        expect(found[0]!.pValue).toBeLessThanOrEqual(DEFAULT_CHANGE_POINT_OPTIONS.maxPValue);
      }),
      NOISY,
    );
  });

  it('does not depend on the unit: scaling every value finds the same change points', () => {
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (seed, scale) => {
        const x = generateSeries({ runs: 60, base: 10, noise: 0.1, steps: [{ at: 30, by: 0.3 }], outliers: 0.02 }, seed);
        const indexes = (values: number[]): number[] => detectChangePoints(values).map((c) => c.index);
        expect(indexes(x.map((v) => v * scale))).toEqual(indexes(x));
      }),
      NOISY,
    );
  });

  it('ignores a step smaller than the minimum magnitude, however significant', () => {
    const x = [...Array.from({ length: 20 }, () => 100), ...Array.from({ length: 20 }, () => 103)];
    expect(detectChangePoints(x)).toEqual([]);
    expect(detectChangePoints(x, { ...DEFAULT_CHANGE_POINT_OPTIONS, minMagnitude: 0.02 }).map((c) => c.index)).toEqual([20]);
  });

  it('finds two steps, up then down, each at its index', () => {
    const x = generateSeries({ runs: 60, base: 5, noise: 0.03, steps: [{ at: 20, by: 0.3 }, { at: 40, by: -0.25 }], outliers: 0 }, 7);
    expect(detectChangePoints(x).map((c) => c.index)).toEqual([20, 40]);
  });

  it('every change point it gives passes the test between its neighbours', () => {
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 0.02, max: 0.3, noNaN: true }), (seed, noise) => {
        const x = generateSeries({ runs: 50, base: 1, noise, steps: [{ at: 25, by: 0.2 }], outliers: 0.05 }, seed);
        for (const c of detectChangePoints(x)) {
          expect(c.pValue).toBeLessThanOrEqual(DEFAULT_CHANGE_POINT_OPTIONS.maxPValue);
          expect(Math.abs(c.relativeChange!)).toBeGreaterThanOrEqual(DEFAULT_CHANGE_POINT_OPTIONS.minMagnitude);
        }
      }),
      NOISY,
    );
  });
});

describe('detectChangePoints, a case found by a property run', () => {
  it('never leaves a segment shorter than minSegment, though the whole series and a window split one run apart', () => {
    const before = 52;
    const noise = generateSeries({ runs: before + 32, base: 1, noise: 0.02, steps: [], outliers: 0 }, -1591492656);
    const x = noise.map((n, i) => n * (i < before ? 1 : 1.8155007696650497));
    expect(detectChangePoints(x).map((c) => c.index)).toEqual([before]);
  });
});

describe('detectChangePoints on logarithms (latency, throughput)', () => {
  // messages/s of 10 one-second runs against serve v1, then 5 against a v2 with --latency 1ms, on a busy shared machine.
  const RATE = [17052.1, 34968.5, 6053.67, 42445.78, 40986.73, 39004.14, 16137.28, 7589.18, 21442.9, 16096.69, 383.3, 520.35, 592.11, 2308.81, 2318.04];

  it('finds a step between a noisy fast segment and a quiet slow one, which the raw values hide', () => {
    expect(detectChangePoints(RATE)).toEqual([]);
    const [change] = detectChangePoints(RATE, { ...DEFAULT_CHANGE_POINT_OPTIONS, logScale: true });
    expect(change!.index).toBe(10);
    // Means and the relative change stay in msg/s.
    expect(change!.meanBefore).toBeCloseTo(24177.7, 0);
    expect(change!.meanAfter).toBeCloseTo(1224.52, 1);
  });

  it('falls back to the raw values when one is not positive', () => {
    const withZero = [...RATE.slice(0, 14), 0];
    expect(() => detectChangePoints(withZero, { ...DEFAULT_CHANGE_POINT_OPTIONS, logScale: true })).not.toThrow();
    expect(detectChangePoints(withZero, { ...DEFAULT_CHANGE_POINT_OPTIONS, logScale: true })).toEqual(detectChangePoints(withZero));
  });
});

describe('outliers', () => {
  it('a night at 3× the rest neither hides a step nor becomes one', () => {
    const x = generateSeries({ runs: 30, base: 1, noise: 0.05, steps: [{ at: 20, by: 0.2 }], outliers: 0 }, 31);
    x[5] = 3;
    x[24] = 3.6;
    expect(detectChangePoints(x, { ...DEFAULT_CHANGE_POINT_OPTIONS, logScale: true }).map((c) => c.index)).toEqual([20]);
  });

  it('winsorizing clips to the median ± 3 robust standard deviations and leaves a spread-free segment alone', () => {
    expect(winsorized([1, 1.1, 0.9, 1, 10], 0, 5)).toEqual([1, 1.1, 0.9, 1, 1 + 3 * 1.4826 * 0.1]);
    expect(winsorized([2, 2, 2, 9], 0, 4)).toEqual([2, 2, 2, 9]);
  });
});
