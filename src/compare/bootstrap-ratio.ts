/**
 * Percentile bootstrap confidence intervals for a ratio candidate/baseline: of a statistic of
 * two independent samples, or the typical ratio of paired samples. Resampling uses a seeded
 * generator, so the same inputs and seed always give the same interval. With blockLength > 1
 * it is a circular block bootstrap: runs of consecutive values are drawn together, which keeps
 * the serial correlation of time-ordered samples.
 */
export interface RatioInterval {
  /** The ratio on the full samples. */
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

interface Settings {
  confidence: number;
  resamples: number;
  seed: number;
  blockLength: number;
}

function checkSettings(what: string, options: BootstrapOptions): Settings {
  const settings = {
    confidence: options.confidence ?? DEFAULT_CONFIDENCE,
    resamples: options.resamples ?? DEFAULT_RESAMPLES,
    seed: options.seed ?? DEFAULT_SEED,
    blockLength: options.blockLength ?? 1,
  };
  if (!(settings.confidence > 0 && settings.confidence < 1)) throw new RangeError(`${what}: confidence must be within (0, 1), got ${settings.confidence}`);
  if (!Number.isInteger(settings.resamples) || settings.resamples < 1) throw new RangeError(`${what}: resamples must be a whole number ≥ 1, got ${settings.resamples}`);
  if (!Number.isInteger(settings.blockLength) || settings.blockLength < 1) throw new RangeError(`${what}: blockLength must be a whole number ≥ 1, got ${settings.blockLength}`);
  return settings;
}

/** Circular blocks: `blockLength` consecutive indices from a random start, wrapping at the end. */
function drawIndices(into: Uint32Array, blockLength: number, draw: (n: number) => number): Uint32Array {
  const n = into.length;
  const block = Math.min(blockLength, n);
  for (let i = 0; i < n; ) {
    const start = draw(n);
    for (let j = 0; j < block && i < n; j++, i++) into[i] = (start + j) % n;
  }
  return into;
}

function pick(values: ArrayLike<number>, indices: Uint32Array, into: Float64Array): Float64Array {
  for (let i = 0; i < indices.length; i++) into[i] = values[indices[i]!]!;
  return into;
}

/** Order statistics at k and (B − 1 − k): no interpolation, so the interval of 1/ratio is exactly (1/high, 1/low). */
function percentileInterval(estimate: number, ratios: Float64Array, settings: Settings): RatioInterval {
  ratios.sort();
  const { confidence, resamples } = settings;
  const k = Math.min(Math.floor(((1 - confidence) / 2) * resamples), (resamples - 1) >> 1);
  return { estimate, low: ratios[k]!, high: ratios[resamples - 1 - k]!, confidence, resamples };
}

/** Independent samples: each is resampled on its own, at its own size. */
export function bootstrapRatio(
  baseline: ReadonlyArray<number>,
  candidate: ReadonlyArray<number>,
  statistic: SampleStatistic,
  options: BootstrapOptions = {},
): RatioInterval {
  const settings = checkSettings('bootstrapRatio', options);
  if (!baseline.length || !candidate.length) throw new RangeError(`bootstrapRatio: both samples need values (got ${baseline.length} and ${candidate.length})`);

  // Each sample draws from a stream chosen by its content, not its role, so swapping baseline
  // and candidate gives exactly the inverted ratios (and the inverted interval).
  const baselineFirst = compareSamples(baseline, candidate) <= 0;
  const drawBaseline = indexGenerator(settings.seed * 2 + (baselineFirst ? 0 : 1));
  const drawCandidate = indexGenerator(settings.seed * 2 + (baselineFirst ? 1 : 0));
  const baselineIndices = new Uint32Array(baseline.length);
  const candidateIndices = new Uint32Array(candidate.length);
  const baselineResample = new Float64Array(baseline.length);
  const candidateResample = new Float64Array(candidate.length);

  const ratios = new Float64Array(settings.resamples);
  for (let i = 0; i < settings.resamples; i++) {
    const b = statistic(pick(baseline, drawIndices(baselineIndices, settings.blockLength, drawBaseline), baselineResample));
    const c = statistic(pick(candidate, drawIndices(candidateIndices, settings.blockLength, drawCandidate), candidateResample));
    ratios[i] = ratio(c, b);
  }
  return percentileInterval(ratio(statistic(candidate), statistic(baseline)), ratios, settings);
}

/**
 * Paired samples (baseline[i] and candidate[i] measured in the same time slot): the interval of
 * the typical per-pair ratio, exp(median(ln(candidate[i] / baseline[i]))). Pairs are resampled
 * together. Values must be > 0.
 */
export function bootstrapPairedRatio(baseline: ReadonlyArray<number>, candidate: ReadonlyArray<number>, options: BootstrapOptions = {}): RatioInterval {
  const settings = checkSettings('bootstrapPairedRatio', options);
  if (!baseline.length || baseline.length !== candidate.length) {
    throw new RangeError(`bootstrapPairedRatio: needs pairs, samples of equal size ≥ 1 (got ${baseline.length} and ${candidate.length})`);
  }
  if (![...baseline, ...candidate].every((v) => v > 0 && Number.isFinite(v))) throw new RangeError('bootstrapPairedRatio: values must be finite and > 0');
  // Log ratios: swapping the samples negates each one, and the median with it, exactly.
  const logRatios = candidate.map((c, i) => Math.log(c / baseline[i]!));
  const draw = indexGenerator(settings.seed * 2);
  const indices = new Uint32Array(logRatios.length);
  const resample = new Float64Array(logRatios.length);

  const ratios = new Float64Array(settings.resamples);
  for (let i = 0; i < settings.resamples; i++) ratios[i] = Math.exp(median(pick(logRatios, drawIndices(indices, settings.blockLength, draw), resample)));
  return percentileInterval(Math.exp(median(logRatios)), ratios, settings);
}
