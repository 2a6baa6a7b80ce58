/**
 * Percentile bootstrap confidence interval for statistic(candidate) / statistic(baseline).
 * Each sample is resampled independently (with replacement, its own size) from a seeded
 * generator, so the same inputs and seed always give the same interval. With blockLength > 1
 * it is a circular block bootstrap: runs of consecutive values are drawn together, which keeps
 * the serial correlation of time-ordered samples.
 */
export interface RatioInterval {
  /** statistic(candidate) / statistic(baseline) on the full samples. */
  estimate: number;
  low: number;
  high: number;
  /** e.g. 0.95. */
  confidence: number;
  resamples: number;
}

export interface BootstrapOptions {
  /** Two-sided coverage, 0..1 exclusive; default 0.95. */
  confidence?: number;
  /** Default 2000. */
  resamples?: number;
  /** Any integer; default 1. */
  seed?: number;
  /** Consecutive values drawn together (capped at each sample's size); default 1, plain resampling. */
  blockLength?: number;
}

/** Must not modify `values`. */
export type SampleStatistic = (values: ArrayLike<number>) => number;

export const median: SampleStatistic = (values) => {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export const mean: SampleStatistic = (values) => {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
};

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_CONFIDENCE = 0.95;
export const DEFAULT_SEED = 1;

/** 0/0 counts as no change (1); x/0 as unbounded. */
function ratio(candidate: number, baseline: number): number {
  if (baseline === 0) return candidate === 0 ? 1 : Infinity;
  return candidate / baseline;
}

/** Integer hash (a multiply-xorshift mix), used to spread seeds. */
function mix32(value: number): number {
  let h = value | 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Marsaglia xorshift32: uniform integers in [0, n). */
function indexGenerator(seed: number): (n: number) => number {
  let state = mix32(seed) || 0x6d2b79f5;
  return (n) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return Math.floor((state / 4294967296) * n);
  };
}

function compareSamples(a: ReadonlyArray<number>, b: ReadonlyArray<number>): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

export function bootstrapRatio(
  baseline: ReadonlyArray<number>,
  candidate: ReadonlyArray<number>,
  statistic: SampleStatistic,
  options: BootstrapOptions = {},
): RatioInterval {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  const blockLength = options.blockLength ?? 1;
  if (!baseline.length || !candidate.length) throw new RangeError(`bootstrapRatio: both samples need values (got ${baseline.length} and ${candidate.length})`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`bootstrapRatio: confidence must be within (0, 1), got ${confidence}`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`bootstrapRatio: resamples must be a whole number ≥ 1, got ${resamples}`);
  if (!Number.isInteger(blockLength) || blockLength < 1) throw new RangeError(`bootstrapRatio: blockLength must be a whole number ≥ 1, got ${blockLength}`);

  // Each sample draws from a stream chosen by its content, not its role, so swapping baseline
  // and candidate gives exactly the inverted ratios (and the inverted interval).
  const baselineFirst = compareSamples(baseline, candidate) <= 0;
  const drawBaseline = indexGenerator(seed * 2 + (baselineFirst ? 0 : 1));
  const drawCandidate = indexGenerator(seed * 2 + (baselineFirst ? 1 : 0));
  const baselineResample = new Float64Array(baseline.length);
  const candidateResample = new Float64Array(candidate.length);
  const resample = (values: ReadonlyArray<number>, into: Float64Array, draw: (n: number) => number): Float64Array => {
    const n = values.length;
    const block = Math.min(blockLength, n);
    for (let i = 0; i < n; ) {
      const start = draw(n);
      for (let j = 0; j < block && i < n; j++, i++) into[i] = values[(start + j) % n]!;
    }
    return into;
  };

  const ratios = new Float64Array(resamples);
  for (let i = 0; i < resamples; i++) {
    const b = statistic(resample(baseline, baselineResample, drawBaseline));
    const c = statistic(resample(candidate, candidateResample, drawCandidate));
    ratios[i] = ratio(c, b);
  }
  ratios.sort();
  // Order statistics at k and (B − 1 − k): no interpolation, so the interval of 1/ratio is exactly (1/high, 1/low).
  const k = Math.min(Math.floor(((1 - confidence) / 2) * resamples), (resamples - 1) >> 1);
  return {
    estimate: ratio(statistic(candidate), statistic(baseline)),
    low: ratios[k]!,
    high: ratios[resamples - 1 - k]!,
    confidence,
    resamples,
  };
}
