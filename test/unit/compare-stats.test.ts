import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootstrapPairedRatio, bootstrapRatio, mean, median } from '../../src/compare/bootstrap-ratio.js';
import { erfc, mannWhitneyU, twoSidedNormalP } from '../../src/compare/mann-whitney-u.js';
import { wilcoxonSignedRank } from '../../src/compare/wilcoxon-signed-rank.js';
import { seededUniform } from '../helpers/synthetic-report.js';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('erfc', () => {
  // Reference values: erfc from the C library (math.erfc), 16 significant digits.
  it.each([
    [0, 1],
    [0.3, 0.6713732405408726],
    [1, 0.15729920705028513],
    [2, 0.004677734981047265],
    [2.5, 0.0004069520174449589],
    [3, 2.2090496998585438e-5],
    [5, 1.5374597944280351e-12],
    [10, 2.088487583762545e-45],
    [-1, 1.842700792949715],
  ])('erfc(%s) = %s to 1e-12 relative', (x, expected) => {
    expect(Math.abs(erfc(x) - expected) / expected).toBeLessThan(1e-12);
  });

  it('gives the two-sided normal tail: P(|Z| ≥ 1.959964) = 0.05', () => {
    expect(twoSidedNormalP(1.959963984540054)).toBeCloseTo(0.05, 12);
    expect(twoSidedNormalP(-1.959963984540054)).toBeCloseTo(0.05, 12);
    expect(twoSidedNormalP(0)).toBe(1);
  });
});

describe('mannWhitneyU', () => {
  /*
   * Reference values worked by hand (U of the candidate = its rank sum − n2(n2+1)/2;
   * var = n1·n2/12 · (n + 1 − Σ(t³ − t)/(n(n − 1))); z = (U − n1·n2/2 ∓ ½)/√var; p = erfc(|z|/√2)).
   * They agree with scipy.stats.mannwhitneyu(candidate, baseline, method='asymptotic') to 1e-15.
   *
   * 1. baseline 1..5, candidate 6..10: ranks 6..10 sum to 40, U = 40 − 15 = 25 (every pair);
   *    var = 25·11/12 = 22.9167, z = (25 − 12.5 − 0.5)/4.7871 = 2.50672, p = 0.0121858.
   * 2. baseline [1,2,2,3,4], candidate [2,3,3,5,6,7]: pooled ranks 1→1, 2→3 (three ties),
   *    3→6 (three ties), 4→8, 5→9, 6→10, 7→11; candidate rank sum 3+6+6+9+10+11 = 45,
   *    U = 45 − 21 = 24; tie term 2·(27 − 3) = 48; var = 30/12·(12 − 48/110) = 28.9091;
   *    z = (24 − 15 − 0.5)/5.37672 = 1.58089, p = 0.113903.
   * 3. baseline [1.1,2.3,3.5,4.2,5.0,6.8,7.7], candidate [2.0,5.5,8.1,9.3,10.4]: the candidate's
   *    pooled ranks are 2, 7, 10, 11, 12, sum 42; U = 42 − 15 = 27; var = 35·13/12 = 37.9167;
   *    z = (27 − 17.5 − 0.5)/6.15765 = 1.46160, p = 0.143852.
   */
  it.each([
    ['separated samples', range(1, 5), range(6, 10), { u: 25, z: 2.5067182457620487, pValue: 0.012185780355344818, effect: 1 }],
    ['ties across samples', [1, 2, 2, 3, 4], [2, 3, 3, 5, 6, 7], { u: 24, z: 1.5808902038022714, pValue: 0.11390314458853065, effect: 0.6 }],
    ['unequal sizes', [1.1, 2.3, 3.5, 4.2, 5.0, 6.8, 7.7], [2.0, 5.5, 8.1, 9.3, 10.4], { u: 27, z: 1.4615962972940701, pValue: 0.14385186965485364, effect: 27 / 17.5 - 1 }],
  ])('%s', (_name, baseline, candidate, expected) => {
    const result = mannWhitneyU(baseline, candidate);

    expect(result.u).toBe(expected.u);
    expect(result.z).toBeCloseTo(expected.z, 12);
    expect(result.pValue).toBeCloseTo(expected.pValue, 12);
    expect(result.effect).toBeCloseTo(expected.effect, 12);
  });

  it('identical samples: U at its mean, z = 0, p = 1', () => {
    const values = range(1, 20).map((v) => v * 1.7);

    expect(mannWhitneyU(values, values)).toMatchObject({ u: 200, z: 0, pValue: 1, effect: 0 });
  });

  it('all values tied: no variance, p = 1', () => {
    expect(mannWhitneyU([3, 3, 3], [3, 3, 3], { timeOrdered: true })).toEqual({ u: 4.5, z: 0, pValue: 1, effect: 0, serialCorrelation: 0, varianceInflation: 1 });
  });

  it('two noisy samples, one shifted well beyond the noise: tiny p, candidate larger', () => {
    const noise = seededUniform(7);
    const baseline = Array.from({ length: 30 }, () => 10 + noise());
    const candidate = Array.from({ length: 30 }, () => 12 + noise());

    const result = mannWhitneyU(baseline, candidate);

    expect(result.pValue).toBeLessThan(1e-9);
    expect(result.z).toBeGreaterThan(6);
    expect(result.effect).toBe(1);
  });

  it('time-ordered samples: serial correlation of the ranks inflates the variance of U', () => {
    // Both series drift upwards. Pooled ranks: baseline 1, 2, 3, 4.5, 6.5, 8.5; candidate 4.5,
    // 6.5, 8.5, 10, 11, 12. Lag-1 sums (Σ cross / Σ squares) are 19.9375 / 40.375 for each series,
    // so ρ = 39.875 / 80.75 = 0.493808 and the inflation is (1 + ρ)/(1 − ρ) = 2.951070.
    // Plain: U = 31.5, var = 3·(13 − 18/132) = 38.5909, z = 13/6.21216 = 2.09267, p = 0.0363786
    // (scipy agrees). Inflated: z = 13/√(38.5909·2.951070) = 1.21818, p = 0.223156.
    const baseline = [1, 2, 3, 4, 5, 6];
    const candidate = [4, 5, 6, 7, 8, 9];

    const plain = mannWhitneyU(baseline, candidate);
    const ordered = mannWhitneyU(baseline, candidate, { timeOrdered: true });

    expect(plain).toMatchObject({ u: 31.5, serialCorrelation: 0, varianceInflation: 1 });
    expect(plain.pValue).toBeCloseTo(0.03637858037213119, 12);
    expect(ordered.u).toBe(31.5);
    expect(ordered.serialCorrelation).toBeCloseTo(0.4938080495356037, 12);
    expect(ordered.varianceInflation).toBeCloseTo(2.9510703363914366, 12);
    expect(ordered.z).toBeCloseTo(1.218178884323155, 12);
    expect(ordered.pValue).toBeCloseTo(0.2231560020225394, 12);
  });

  it('time-ordered samples without serial correlation: the plain test', () => {
    // Alternating series have negative lag-1 correlation, which is not used to shrink the variance.
    const baseline = [1, 9, 2, 10, 3, 11];
    const candidate = [5, 13, 6, 14, 7, 15];

    const ordered = mannWhitneyU(baseline, candidate, { timeOrdered: true });
    expect(ordered).toMatchObject({ serialCorrelation: 0, varianceInflation: 1 });
    expect(ordered.pValue).toBe(mannWhitneyU(baseline, candidate).pValue);
  });

  it('rejects empty or non-finite samples', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError);
    expect(() => mannWhitneyU([1, Number.NaN], [1])).toThrow(RangeError);
  });
});

describe('wilcoxonSignedRank', () => {
  /*
   * Reference values worked by hand (zeros dropped; ranks of |d| with ties averaged;
   * var = n(n+1)(2n+1)/24 − Σ(t³ − t)/48; z = (W+ − n(n+1)/4 ∓ ½)/√var), agreeing with
   * scipy.stats.wilcoxon(d, correction=True, method='approx') to 1e-15.
   *
   * 1. d = [1.5, −0.5, 2, 3, −1, 2.5, 4, 0, 1, 3.5]: the 0 is dropped, n = 9; |d| ranks: 0.5→1,
   *    1 and 1→2.5, 1.5→4, 2→5, 2.5→6, 3→7, 3.5→8, 4→9; W− = 1 + 2.5 = 3.5, W+ = 45 − 3.5 = 41.5;
   *    var = 71.25 − 6/48 = 71.125; z = (41.5 − 22.5 − 0.5)/8.43356 = 2.19362, p = 0.0282630;
   *    effect = 2·41.5/45 − 1 = 0.84444.
   * 2. d = 0.1..0.8 (all positive, n = 8): W+ = 36, var = 51, z = 17.5/7.14143 = 2.45049, p = 0.0142662.
   */
  it.each([
    ['a zero and ties', [1.5, -0.5, 2, 3, -1, 2.5, 4, 0, 1, 3.5], { w: 41.5, n: 9, z: 2.193615916896383, pValue: 0.028263033165028872, effect: 0.8444444444444446 }],
    ['all positive', [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], { w: 36, n: 8, z: 2.450490147049017, pValue: 0.014266186701446932, effect: 1 }],
  ])('%s', (_name, differences, expected) => {
    const result = wilcoxonSignedRank(differences);

    expect(result.w).toBe(expected.w);
    expect(result.n).toBe(expected.n);
    expect(result.z).toBeCloseTo(expected.z, 12);
    expect(result.pValue).toBeCloseTo(expected.pValue, 12);
    expect(result.effect).toBeCloseTo(expected.effect, 12);
  });

  it('no non-zero difference: p = 1', () => {
    expect(wilcoxonSignedRank([0, 0, 0])).toEqual({ w: 0, n: 0, z: 0, pValue: 1, effect: 0, serialCorrelation: 0, varianceInflation: 1 });
  });

  it('time-ordered differences that drift together are worth less', () => {
    const drifting = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, -0.1, -0.05, 0.7, 0.8, 0.9, 1];
    const ordered = wilcoxonSignedRank(drifting, { timeOrdered: true });

    expect(ordered.varianceInflation).toBeGreaterThan(1.5);
    expect(ordered.pValue).toBeGreaterThan(wilcoxonSignedRank(drifting).pValue);
  });

  it('negating every difference mirrors the result', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { maxLength: 30 }), fc.boolean(), (d, timeOrdered) => {
        const forward = wilcoxonSignedRank(d, { timeOrdered });
        const backward = wilcoxonSignedRank(d.map((x) => -x), { timeOrdered });
        expect(backward.pValue).toBe(forward.pValue);
        expect(backward.z).toBe(forward.z === 0 ? 0 : -forward.z);
        expect(backward.w).toBe((forward.n * (forward.n + 1)) / 2 - forward.w);
      }),
    );
  });
});

/** n values, uniform within ±10 % of `center`: the population median is `center`, the mean too. */
function uniformAround(center: number, n: number, noise: () => number): number[] {
  return Array.from({ length: n }, () => center * (0.9 + 0.2 * noise()));
}

describe('bootstrapRatio', () => {
  it('the 95 % interval of the median ratio covers the true ratio (1.2) for most synthetic data sets', () => {
    let covered = 0;
    for (let dataSet = 1; dataSet <= 40; dataSet++) {
      const noise = seededUniform(dataSet);
      const interval = bootstrapRatio(uniformAround(10, 40, noise), uniformAround(12, 40, noise), median, { seed: dataSet });
      if (interval.low <= 1.2 && 1.2 <= interval.high) covered++;
    }
    // Nominal 95 % of 40 is 38; the percentile bootstrap of a median runs a little short.
    expect(covered).toBeGreaterThanOrEqual(34);
  });

  it('the interval of the mean ratio contains the true ratio and excludes 1', () => {
    const noise = seededUniform(3);
    const interval = bootstrapRatio(uniformAround(1000, 30, noise), uniformAround(900, 30, noise), mean);

    expect(interval.low).toBeLessThan(0.9);
    expect(interval.high).toBeGreaterThan(0.9);
    expect(interval.high).toBeLessThan(1);
    expect(interval.estimate).toBeCloseTo(0.9, 1);
    expect(interval).toMatchObject({ confidence: 0.95, resamples: 2000 });
  });

  it('is deterministic for a seed, and the seed matters', () => {
    const noise = seededUniform(11);
    const baseline = uniformAround(5, 12, noise);
    const candidate = uniformAround(5.5, 12, noise);

    const first = bootstrapRatio(baseline, candidate, median, { seed: 42 });
    expect(bootstrapRatio(baseline, candidate, median, { seed: 42 })).toEqual(first);
    expect(bootstrapRatio(baseline, candidate, median, { seed: 43 })).not.toEqual(first);
  });

  it('block bootstrap: blocks as long as the samples only rotate them, so the median never changes', () => {
    const noise = seededUniform(9);
    const baseline = uniformAround(5, 10, noise);
    const candidate = uniformAround(6, 10, noise);

    const interval = bootstrapRatio(baseline, candidate, median, { blockLength: 10 });
    expect(interval.low).toBe(interval.estimate);
    expect(interval.high).toBe(interval.estimate);
  });

  it('block bootstrap: a drifting series gives a wider interval than plain resampling', () => {
    const noise = seededUniform(13);
    const drifting = (center: number): number[] => Array.from({ length: 24 }, (_, i) => center * (1 + 0.3 * Math.sin(i / 4)) * (0.98 + 0.04 * noise()));
    const baseline = drifting(5);
    const candidate = drifting(5);

    const plain = bootstrapRatio(baseline, candidate, median);
    const blocks = bootstrapRatio(baseline, candidate, median, { blockLength: 6 });
    expect(blocks.high - blocks.low).toBeGreaterThan(plain.high - plain.low);
  });

  it('paired: the typical per-pair ratio; a constant ratio gives a zero-width interval', () => {
    const baseline = [1, 2, 4, 8, 16];
    const interval = bootstrapPairedRatio(baseline, baseline.map((v) => v * 1.25));

    expect(interval.estimate).toBeCloseTo(1.25, 12);
    expect(interval.low).toBeCloseTo(1.25, 12);
    expect(interval.high).toBeCloseTo(1.25, 12);
  });

  it('paired: load shared by both samples cancels, where independent resampling cannot tell', () => {
    const noise = seededUniform(17);
    const load = Array.from({ length: 20 }, (_, i) => 1 + 2 * Math.abs(Math.sin(i / 3)));
    const baseline = load.map((l) => 10 * l * (0.98 + 0.04 * noise()));
    const candidate = load.map((l) => 11.5 * l * (0.98 + 0.04 * noise()));

    const paired = bootstrapPairedRatio(baseline, candidate);
    const independent = bootstrapRatio(baseline, candidate, median);
    expect(paired.low).toBeGreaterThan(1.1);
    expect(paired.high).toBeLessThan(1.2);
    expect(independent.low).toBeLessThan(1);
  });

  it('paired: rejects unequal sizes and values ≤ 0', () => {
    expect(() => bootstrapPairedRatio([1, 2], [1])).toThrow(RangeError);
    expect(() => bootstrapPairedRatio([1, 0], [1, 1])).toThrow(RangeError);
  });

  it('a wider confidence gives a wider interval', () => {
    const noise = seededUniform(5);
    const baseline = uniformAround(5, 15, noise);
    const candidate = uniformAround(5, 15, noise);

    const narrow = bootstrapRatio(baseline, candidate, median, { confidence: 0.8 });
    const wide = bootstrapRatio(baseline, candidate, median, { confidence: 0.99 });
    expect(wide.low).toBeLessThanOrEqual(narrow.low);
    expect(wide.high).toBeGreaterThanOrEqual(narrow.high);
  });
});

describe('swapping baseline and candidate mirrors the result', () => {
  const sample = fc.array(fc.double({ min: 0.1, max: 1000, noNaN: true }), { minLength: 1, maxLength: 25 });

  it('Mann-Whitney: same p, z and effect negated, U → n1·n2 − U', () => {
    fc.assert(
      fc.property(sample, sample, fc.boolean(), (a, b, timeOrdered) => {
        const forward = mannWhitneyU(a, b, { timeOrdered });
        const backward = mannWhitneyU(b, a, { timeOrdered });
        expect(backward.varianceInflation).toBe(forward.varianceInflation);
        expect(backward.pValue).toBe(forward.pValue);
        expect(backward.z).toBe(forward.z === 0 ? 0 : -forward.z);
        expect(backward.u).toBe(a.length * b.length - forward.u);
        expect(backward.effect).toBeCloseTo(-forward.effect, 12);
      }),
    );
  });

  it('bootstrap: the ratio interval inverts', () => {
    fc.assert(
      fc.property(sample, sample, fc.integer(), fc.constantFrom(median, mean), fc.integer({ min: 1, max: 5 }), (a, b, seed, statistic, blockLength) => {
        fc.pre(a.length !== b.length || a.some((v, i) => v !== b[i]));
        const forward = bootstrapRatio(a, b, statistic, { seed, resamples: 199, blockLength });
        const backward = bootstrapRatio(b, a, statistic, { seed, resamples: 199, blockLength });
        const close = (x: number, y: number): boolean => Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
        expect(close(backward.estimate, 1 / forward.estimate)).toBe(true);
        expect(close(backward.low, 1 / forward.high)).toBe(true);
        expect(close(backward.high, 1 / forward.low)).toBe(true);
      }),
    );
  });

  it('paired bootstrap: the ratio interval inverts', () => {
    const pairs = fc.array(fc.tuple(fc.double({ min: 0.1, max: 1000, noNaN: true }), fc.double({ min: 0.1, max: 1000, noNaN: true })), { minLength: 1, maxLength: 25 });
    fc.assert(
      fc.property(pairs, fc.integer(), fc.integer({ min: 1, max: 5 }), (both, seed, blockLength) => {
        const a = both.map(([x]) => x);
        const b = both.map(([, y]) => y);
        const forward = bootstrapPairedRatio(a, b, { seed, resamples: 199, blockLength });
        const backward = bootstrapPairedRatio(b, a, { seed, resamples: 199, blockLength });
        const close = (x: number, y: number): boolean => Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
        expect(close(backward.estimate, 1 / forward.estimate)).toBe(true);
        expect(close(backward.low, 1 / forward.high)).toBe(true);
        expect(close(backward.high, 1 / forward.low)).toBe(true);
      }),
    );
  });
});
