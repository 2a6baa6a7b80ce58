import { rankValues, serialCorrelation, twoSidedNormalP } from './mann-whitney-u.js';

/**
 * Two-sided Wilcoxon signed-rank test on paired differences (zero differences dropped, tie
 * correction, normal approximation with continuity correction). Positive differences mean the
 * candidate is larger; `w` and `z` grow with them.
 */
export interface SignedRankResult {
  /** W+: the sum of the ranks of |d| over the positive differences. */
  w: number;
  /** Non-zero differences: the pairs the test used. */
  n: number;
  /** Standardised W+; 0 when |W+ − n(n+1)/4| ≤ ½ or no difference is non-zero. */
  z: number;
  pValue: number;
  /** Matched-pairs rank-biserial correlation (W+ − W−)/(W+ + W−), in −1..1: +1 when every difference is positive. */
  effect: number;
  /** Lag-1 autocorrelation of the differences' signs in time order (0..0.9); 0 unless timeOrdered. */
  serialCorrelation: number;
  /** Factor applied to the variance of W+: (1 + ρ)/(1 − ρ); 1 unless timeOrdered. */
  varianceInflation: number;
}

export interface SignedRankOptions {
  /**
   * The differences are a series in time order: inflate the variance of W+ by (1 + ρ)/(1 − ρ),
   * ρ being the lag-1 autocorrelation of their signs. Under "no difference" the signs are what
   * W+ counts; runs of equal signs (one side slowed down for a while) make it less informative.
   * Signs, not values: a real difference whose size drifts with the load keeps its sign, and is
   * not mistaken for such runs.
   */
  timeOrdered?: boolean;
}

export function wilcoxonSignedRank(differences: ReadonlyArray<number>, options: SignedRankOptions = {}): SignedRankResult {
  if (!differences.every(Number.isFinite)) throw new RangeError('wilcoxonSignedRank: differences must be finite numbers');
  const nonZero = differences.filter((d) => d !== 0);
  const n = nonZero.length;
  if (n === 0) return { w: 0, n: 0, z: 0, pValue: 1, effect: 0, serialCorrelation: 0, varianceInflation: 1 };

  const { ranks, tieTerm } = rankValues(nonZero.map(Math.abs));
  let w = 0;
  for (let i = 0; i < n; i++) if (nonZero[i]! > 0) w += ranks[i]!;

  const rho = options.timeOrdered ? serialCorrelation(nonZero.map(Math.sign)) : 0;
  const varianceInflation = (1 + rho) / (1 - rho);
  const total = (n * (n + 1)) / 2;
  const mean = total / 2;
  const variance = ((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48) * varianceInflation;
  const deviation = w - mean;
  const z = variance > 0 && Math.abs(deviation) > 0.5 ? (deviation - 0.5 * Math.sign(deviation)) / Math.sqrt(variance) : 0;
  return { w, n, z, pValue: twoSidedNormalP(z), effect: (2 * w) / total - 1, serialCorrelation: rho, varianceInflation };
}
