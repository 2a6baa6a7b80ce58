/**
 * Generated run histories for the change-point detector: a seeded generator (the same seed
 * always gives the same series) of a metric's mean per run with relative noise, steps and outliers.
 */

/** Uniform numbers in [0, 1) from a seed (mulberry32): repeatable noise. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal numbers from a uniform source (Box–Muller). */
export function normalFrom(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

export interface SeriesShape {
  runs: number;
  /** The mean before any step. */
  base: number;
  /** Standard deviation of a run's value, as a fraction of its mean (0.05 = 5 %): log-normal noise. */
  noise: number;
  /** Relative steps of the mean: at run `at` the mean is multiplied by (1 + by). */
  steps: ReadonlyArray<{ at: number; by: number }>;
  /** Share of runs replaced by an outlier at 1.5–3 × the mean. */
  outliers: number;
}

/** One generated series: a value per run, positive. */
export function generateSeries(shape: SeriesShape, seed: number): number[] {
  const uniform = seededRandom(seed);
  const normal = normalFrom(uniform);
  const values: number[] = [];
  let mean = shape.base;
  // Log-normal noise with the asked coefficient of variation and mean: run-to-run noise of latency and
  // throughput is multiplicative and skewed (one night at 2× the usual, none at 0).
  const sigma = Math.sqrt(Math.log(1 + shape.noise * shape.noise));
  for (let run = 0; run < shape.runs; run++) {
    for (const step of shape.steps) if (step.at === run) mean *= 1 + step.by;
    const outlier = uniform() < shape.outliers;
    values.push(outlier ? mean * (1.5 + 1.5 * uniform()) : mean * Math.exp(sigma * normal() - (sigma * sigma) / 2));
  }
  return values;
}
