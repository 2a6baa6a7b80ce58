import { BenchError } from '../errors/bench-error.js';
import type { Report } from '../report/report.js';
import { mergeReports } from '../report/merge-reports.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { runScenario, type RunOptions } from './run-scenario.js';

export interface InterleavedOutcome {
  /** Every round's baseline runs merged (sequentially): the side's per-interval samples from all rounds. */
  baseline: Report;
  candidate: Report;
  /**
   * The same, but only each round's full intervals (its short drain interval at the end left out):
   * the samples the statistical judge should see. Counts are unchanged.
   */
  judgeBaseline: Report;
  judgeCandidate: Report;
  /** Round by round, in the order run: baseline then candidate. */
  rounds: Array<{ baseline: Report; candidate: Report }>;
  /** Set when the run was interrupted: the rounds so far are kept. */
  interrupted: boolean;
}

/** Drops the intervals shorter than half the median interval (the drain at the end of a round). */
function fullIntervalsOnly(report: Report): Report {
  const lengths = report.intervals.map((i) => i.durationMs).sort((a, b) => a - b);
  const typicalMs = lengths[Math.floor(lengths.length / 2)] ?? 0;
  return { ...report, intervals: report.intervals.filter((i) => i.durationMs >= typicalMs / 2) };
}

/**
 * The reports the judge sees: each side's full intervals, laid on one common timeline where
 * round k of the baseline and round k of the candidate occupy the same slot. The judge pairs
 * intervals by time, so interval j of round k is paired with its counterpart run moments later
 * on the other side: drift between rounds cancels out.
 */
function judgeReports(rounds: InterleavedOutcome['rounds']): Pick<InterleavedOutcome, 'judgeBaseline' | 'judgeCandidate'> {
  const slotMs = Math.max(...rounds.flatMap((r) => [r.baseline, r.candidate].map((report) => Math.max(report.durationMs, report.intervals.at(-1)?.tMs ?? 0)))) + 1000;
  const side = (pick: 'baseline' | 'candidate'): Report => {
    const reports = rounds.map((r) => fullIntervalsOnly(r[pick]));
    const merged = mergeReports(reports, 'sequential');
    return {
      ...merged,
      startedAt: rounds[0]!.baseline.startedAt,
      intervals: reports.flatMap((report, k) => report.intervals.map((interval) => ({ ...interval, tMs: k * slotMs + interval.tMs }))),
    };
  };
  return { judgeBaseline: side('baseline'), judgeCandidate: side('candidate') };
}

/**
 * Runs A B A B …: the same load against the baseline and the candidate target in alternation,
 * so that drift of a shared machine (other jobs, thermal state) hits both sides alike.
 */
export async function runInterleaved(
  scenario: Scenario,
  options: RunOptions & { onRoundDone?: (side: 'baseline' | 'candidate', report: Report) => void } = {},
): Promise<InterleavedOutcome> {
  const plan = scenario.compare!;
  const rounds: InterleavedOutcome['rounds'] = [];
  let interrupted = false;
  for (let round = 0; round < plan.rounds && !interrupted; round++) {
    const pair: Partial<{ baseline: Report; candidate: Report }> = {};
    for (const side of ['baseline', 'candidate'] as const) {
      const sideScenario: Scenario = { ...scenario, name: `${scenario.name}-${side}`, target: plan[side] };
      const outcome = await runScenario(sideScenario, options);
      pair[side] = outcome.report;
      options.onRoundDone?.(side, outcome.report);
      if (outcome.partialCode || options.signal?.aborted) {
        interrupted = true;
        break;
      }
    }
    if (pair.baseline && pair.candidate) rounds.push({ baseline: pair.baseline, candidate: pair.candidate });
  }
  if (!rounds.length) {
    throw new BenchError('INTERRUPTED', 'compare: interrupted before one full round (baseline and candidate) was run; nothing to judge');
  }
  return {
    baseline: mergeReports(rounds.map((r) => r.baseline), 'sequential'),
    candidate: mergeReports(rounds.map((r) => r.candidate), 'sequential'),
    ...judgeReports(rounds),
    rounds,
    interrupted,
  };
}
