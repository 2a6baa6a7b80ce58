import { twoSidedNormalP } from './mann-whitney-u.js';

/** Two-sided pooled two-proportion z-test: p of errors/sent differing between two runs; 1 when either sent nothing or the pooled rate is 0 or 1. */
export function twoProportionP(errorsA: number, sentA: number, errorsB: number, sentB: number): number {
  if (sentA === 0 || sentB === 0) return 1;
  const pooled = (errorsA + errorsB) / (sentA + sentB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / sentA + 1 / sentB));
  if (!(se > 0)) return 1;
  return twoSidedNormalP((errorsB / sentB - errorsA / sentA) / se);
}
