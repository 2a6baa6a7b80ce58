/**
 * Two-sided Mann-Whitney U test (Wilcoxon rank-sum) with tie correction and the normal
 * approximation with continuity correction. Signs are from the candidate's side: `u` and `z`
 * grow when candidate values tend to be larger than baseline values.
 */
export interface MannWhitneyResult {
  /** U of the candidate: pairs (baseline b, candidate c) with c > b, ties counting ½. 0..n1·n2. */
  u: number;
  /** Standardised U, tie- and continuity-corrected; 0 when |U − n1·n2/2| ≤ ½ or all values tie. */
  z: number;
  /** Two-sided p-value, 0..1. */
  pValue: number;
  /** Rank-biserial correlation 2·U/(n1·n2) − 1, in −1..1: +1 when every candidate value is larger. */
  effect: number;
  /** Lag-1 autocorrelation of the ranks within each sample, pooled and clipped to 0..0.9; 0 unless timeOrdered. */
  serialCorrelation: number;
  /** Factor applied to the variance of U: (1 + ρ)/(1 − ρ) for serial correlation ρ; 1 unless timeOrdered. */
  varianceInflation: number;
}

export interface MannWhitneyOptions {
  /**
   * The samples are series in time order (consecutive intervals of a run). Neighbouring
   * values then tend to move together (machine load drifts), so they carry less information
   * than independent draws: the variance of U is inflated by (1 + ρ)/(1 − ρ), the AR(1) factor.
   */
  timeOrdered?: boolean;
}

const MAX_SERIAL_CORRELATION = 0.9;

const SQRT_PI = Math.sqrt(Math.PI);

/** erfc(x) for x ≥ 0 with ~1e-14 relative accuracy: a positive-term series below 2.5, a continued fraction above. */
function erfcNonNegative(x: number): number {
  if (x < 2.5) {
    // erf(x) = 2/√π · e^(−x²) · Σ (2x²)^n · x / (1·3·5···(2n+1)); every term is positive.
    const twoXSquared = 2 * x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200 && term > sum * 1e-17; n++) {
      term *= twoXSquared / (2 * n + 1);
      sum += term;
    }
    return 1 - (2 / SQRT_PI) * Math.exp(-x * x) * sum;
  }
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …)))), evaluated from the tail.
  let fraction = x;
  for (let k = 120; k >= 1; k--) fraction = x + k / 2 / fraction;
  return Math.exp(-x * x) / SQRT_PI / fraction;
}

/** The complementary error function. */
export function erfc(x: number): number {
  return x >= 0 ? erfcNonNegative(x) : 2 - erfcNonNegative(-x);
}

/** P(|Z| ≥ |z|) for a standard normal Z. Accurate for tiny tails (erfc, not 1 − Φ). */
export function twoSidedNormalP(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

/** Ranks 1..n of the values, tied values sharing the mean of their ranks; plus Σ(t³ − t) over tie groups. */
export function rankValues(values: ReadonlyArray<number>): { ranks: Float64Array; tieTerm: number } {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(values.length);
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    const sharedRank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) ranks[order[i]!] = sharedRank;
    const t = end - start;
    tieTerm += t * t * t - t;
    start = end;
  }
  return { ranks, tieTerm };
}

/** Σ and Σ² parts of the lag-1 autocorrelation of one series: Σ(x_t − m)(x_t+1 − m) and Σ(x_t − m)². */
function lag1Parts(series: ArrayLike<number>): { cross: number; squares: number } {
  const n = series.length;
  if (n < 3) return { cross: 0, squares: 0 };
  let m = 0;
  for (let t = 0; t < n; t++) m += series[t]!;
  m /= n;
  let cross = 0;
  let squares = 0;
  for (let t = 0; t < n; t++) {
    squares += (series[t]! - m) ** 2;
    if (t + 1 < n) cross += (series[t]! - m) * (series[t + 1]! - m);
  }
  return { cross, squares };
}

/**
 * Lag-1 autocorrelation of time-ordered series, each about its own mean, pooled; negative
 * values count as 0 (they are not used to shrink a variance) and at most 0.9.
 */
export function serialCorrelation(...series: ArrayLike<number>[]): number {
  let cross = 0;
  let squares = 0;
  for (const one of series) {
    const parts = lag1Parts(one);
    cross += parts.cross;
    squares += parts.squares;
  }
  if (!(squares > 0)) return 0;
  return Math.min(MAX_SERIAL_CORRELATION, Math.max(0, cross / squares));
}

/** Needs at least one value on each side; values must be finite. */
export function mannWhitneyU(baseline: ReadonlyArray<number>, candidate: ReadonlyArray<number>, options: MannWhitneyOptions = {}): MannWhitneyResult {
  const n1 = baseline.length;
  const n2 = candidate.length;
  if (n1 === 0 || n2 === 0) throw new RangeError(`mannWhitneyU: both samples need values (got ${n1} and ${n2})`);
  if (![...baseline, ...candidate].every(Number.isFinite)) throw new RangeError('mannWhitneyU: values must be finite numbers');

  const { ranks, tieTerm } = rankValues([...baseline, ...candidate]);
  let candidateRankSum = 0;
  for (let i = n1; i < n1 + n2; i++) candidateRankSum += ranks[i]!;
  const u = candidateRankSum - (n2 * (n2 + 1)) / 2;

  const n = n1 + n2;
  const pairs = n1 * n2;
  const mean = pairs / 2;
  const rho = options.timeOrdered ? serialCorrelation(ranks.subarray(0, n1), ranks.subarray(n1)) : 0;
  const varianceInflation = (1 + rho) / (1 - rho);
  const variance = (pairs / 12) * (n + 1 - tieTerm / (n * (n - 1))) * varianceInflation;
  const deviation = u - mean;
  const z = variance > 0 && Math.abs(deviation) > 0.5 ? (deviation - 0.5 * Math.sign(deviation)) / Math.sqrt(variance) : 0;
  return { u, z, pValue: twoSidedNormalP(z), effect: (2 * u) / pairs - 1, serialCorrelation: rho, varianceInflation };
}
