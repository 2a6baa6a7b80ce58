/**
 * The best single split of `values[from, to)` by the E-divisive means statistic (Matteson and
 * James, 2014, with α = 1): for each split τ the energy distance between the two sides,
 * scaled by m·n/(m+n), where m and n are the sides' sizes (each at least `minSize` ≥ 2). The
 * sums of distances are updated as τ moves, so one scan costs O(k²) for k values and needs no
 * k × k matrix. Returns undefined when no split leaves both sides `minSize` values.
 */
export function eDivisiveSplit(values: ArrayLike<number>, from: number, to: number, minSize: number): { index: number; q: number } | undefined {
  if (minSize < 2) throw new RangeError(`minSize must be at least 2, got ${minSize}`);
  if (to - from < 2 * minSize) return undefined;
  // Within-side sums of |x_i − x_j| over pairs i < j: all values start on the right side.
  let left = 0;
  let right = 0;
  for (let i = from; i < to; i++) for (let j = i + 1; j < to; j++) right += Math.abs(values[i]! - values[j]!);
  const total = right;
  let best: { index: number; q: number } | undefined;
  for (let tau = from + 1; tau < to - 1; tau++) {
    // values[tau − 1] moves from the right side to the left.
    const moved = values[tau - 1]!;
    for (let i = from; i < tau - 1; i++) left += Math.abs(moved - values[i]!);
    for (let j = tau; j < to; j++) right -= Math.abs(moved - values[j]!);
    const m = tau - from;
    const n = to - tau;
    if (m < minSize || n < minSize) continue;
    const between = total - left - right;
    const energy = (2 * between) / (m * n) - (2 * left) / (m * (m - 1)) - (2 * right) / (n * (n - 1));
    const q = ((m * n) / (m + n)) * energy;
    // Ties keep the earliest split, so the answer does not depend on floating-point luck in the order.
    if (best === undefined || q > best.q) best = { index: tau, q };
  }
  return best;
}
