import jStat from 'jstat';

/** Mean and sample variance (n − 1) of `values[from, to)`. */
export function segmentMoments(values: ArrayLike<number>, from: number, to: number): { n: number; mean: number; variance: number } {
  const n = to - from;
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]!;
  const mean = n > 0 ? sum / n : NaN;
  let squares = 0;
  for (let i = from; i < to; i++) squares += (values[i]! - mean) ** 2;
  return { n, mean, variance: n > 1 ? squares / (n - 1) : 0 };
}

/**
 * Student's two-sided t-test (pooled variance, as Hunter and Apache Otava use) that
 * `values[a0, a1)` and `values[b0, b1)` share a mean. Pooling keeps the test's power when few
 * runs follow a change: the spread is learnt from both sides. Deterministic: the same segments
 * always give the same p-value. Two segments without spread are told apart by their means
 * alone (p 0 when they differ, 1 when not).
 */
export function studentTTest(values: ArrayLike<number>, a0: number, a1: number, b0: number, b1: number): { meanBefore: number; meanAfter: number; pValue: number } {
  const a = segmentMoments(values, a0, a1);
  const b = segmentMoments(values, b0, b1);
  const dof = a.n + b.n - 2;
  const pooled = dof > 0 ? ((a.n - 1) * a.variance + (b.n - 1) * b.variance) / dof : 0;
  const se = Math.sqrt(pooled * (1 / a.n + 1 / b.n));
  if (!(se > 0)) return { meanBefore: a.mean, meanAfter: b.mean, pValue: a.mean === b.mean ? 1 : 0 };
  const t = (b.mean - a.mean) / se;
  const pValue = Math.min(1, 2 * (1 - jStat.studentt.cdf(Math.abs(t), dof)));
  return { meanBefore: a.mean, meanAfter: b.mean, pValue };
}

/**
 * values[from, to) winsorized: clipped to the median ± 3 robust standard deviations (1.4826 × the
 * median absolute deviation), so that a run at 2–3 × the rest counts as an extreme run, not as
 * spread. Unchanged when the MAD is 0. On generated series with 5 % outliers this raised the
 * detection of a +20 % step from 53 % to 88 % for one more false alarm in a hundred (bench/history-eval.ts).
 */
export function winsorized(values: ArrayLike<number>, from: number, to: number): number[] {
  const segment = Array.prototype.slice.call(values, from, to) as number[];
  const sorted = [...segment].sort((a, b) => a - b);
  const mid = (list: number[]): number => (list.length % 2 ? list[(list.length - 1) / 2]! : (list[list.length / 2 - 1]! + list[list.length / 2]!) / 2);
  const median = mid(sorted);
  const mad = mid(sorted.map((v) => Math.abs(v - median)).sort((a, b) => a - b));
  if (!(mad > 0)) return segment;
  const reach = 3 * 1.4826 * mad;
  return segment.map((v) => Math.min(Math.max(v, median - reach), median + reach));
}
