import jStat from 'jstat';
import type { RatioInterval } from './bootstrap-ratio.js';

/**
 * Interleaved rounds judged with the round as the unit: one log ratio candidate/baseline per
 * round, and a one-sample t-test of their mean against 0 with rounds − 1 degrees of freedom.
 *
 * Why not the intervals: within a round the intervals of one side share that round's machine
 * state, so they are not independent samples; counting each as one (even with a correction for
 * serial correlation) overstates the evidence and raised false alarms on a busy machine. Rounds
 * run moments apart are close to independent, and a log ratio per round is close to normal, so
 * the t-test's error rate holds even with 5 rounds, where a rank test cannot reach p < 0.05.
 */
export interface RoundRatioTest {
  /** Rounds with a value > 0 on both sides: the test's sample size. */
  n: number;
  degreesOfFreedom: number;
  /** Per round, ln(candidate / baseline), in round order. */
  logRatios: number[];
  meanLogRatio: number;
  /** Sample standard deviation of the log ratios. */
  sdLogRatio: number;
  /** Student's t of the mean log ratio; > 0 when the candidate tends to be larger. */
  t: number;
  pValue: number;
  /** exp(mean log ratio) — the geometric mean of the round ratios — with its t interval (resamples 0: no bootstrap). */
  ratio: RatioInterval;
}

/** Below this many rounds no test is made: one log ratio says nothing about its own spread. */
export const MIN_ROUNDS_FOR_TEST = 2;

/**
 * `baseline[k]`, `candidate[k]`: the metric in round k. Rounds where either value is not > 0
 * (no responses) are left out. Undefined below MIN_ROUNDS_FOR_TEST usable rounds.
 */
export function roundRatioTest(baseline: ReadonlyArray<number>, candidate: ReadonlyArray<number>, confidence: number): RoundRatioTest | undefined {
  if (baseline.length !== candidate.length) throw new RangeError(`roundRatioTest: ${baseline.length} baseline rounds but ${candidate.length} candidate rounds`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`roundRatioTest: confidence must be within (0, 1), got ${confidence}`);
  const logRatios: number[] = [];
  for (let k = 0; k < baseline.length; k++) {
    const [b, c] = [baseline[k]!, candidate[k]!];
    if (b > 0 && c > 0 && Number.isFinite(b) && Number.isFinite(c)) logRatios.push(Math.log(c / b));
  }
  const n = logRatios.length;
  if (n < MIN_ROUNDS_FOR_TEST) return undefined;
  const meanLogRatio = logRatios.reduce((sum, d) => sum + d, 0) / n;
  const sdLogRatio = Math.sqrt(logRatios.reduce((sum, d) => sum + (d - meanLogRatio) ** 2, 0) / (n - 1));
  const degreesOfFreedom = n - 1;
  const standardError = sdLogRatio / Math.sqrt(n);
  let t: number;
  let pValue: number;
  if (standardError > 0) {
    t = meanLogRatio / standardError;
    pValue = Math.min(1, 2 * jStat.studentt.cdf(-Math.abs(t), degreesOfFreedom));
  } else {
    // Every round gave the same ratio: certain if it is not 1, no evidence of a change if it is.
    t = meanLogRatio === 0 ? 0 : Math.sign(meanLogRatio) * Infinity;
    pValue = meanLogRatio === 0 ? 1 : 0;
  }
  const halfWidth = jStat.studentt.inv(1 - (1 - confidence) / 2, degreesOfFreedom) * standardError;
  return {
    n,
    degreesOfFreedom,
    logRatios,
    meanLogRatio,
    sdLogRatio,
    t,
    pValue,
    ratio: { estimate: Math.exp(meanLogRatio), low: Math.exp(meanLogRatio - halfWidth), high: Math.exp(meanLogRatio + halfWidth), confidence, resamples: 0 },
  };
}
