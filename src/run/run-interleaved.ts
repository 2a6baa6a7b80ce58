import { BenchError } from '../errors/bench-error.js';
import type { Report } from '../report/report.js';
import { mergeReports } from '../report/merge-reports.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { planScenario, type PlanOptions } from '../plan/plan-scenario.js';
import type { PlannedLoad } from '../plan/run-plan.js';
import { runScenario, type RunOptions } from './run-scenario.js';
import { ReusableWorkerPool } from '../pool/worker-pool.js';

export interface InterleavedOutcome {
  /**
   * Every round's baseline runs merged (sequentially), with where each round lies (`rounds`):
   * compareReports judges them round by round (see judged-rounds.ts).
   */
  baseline: Report;
  candidate: Report;
  /** Round by round, in the order run: baseline then candidate. */
  rounds: Array<{ baseline: Report; candidate: Report }>;
  /** Set when the run was interrupted: the rounds so far are kept. */
  interrupted: boolean;
}

/**
 * Each round opens new connections; its worker threads and the targets were warmed by the
 * rounds before it (or the warm-up round). 250 ms of it are left out unless the scenario has a
 * warm-up: the plan's warm-up when the scenario has none (PlanOptions.defaultWarmupMs).
 */
export const ROUND_WARMUP_MS = 250;


/** Interval lengths a round may use, longest first; each divides a warm-up of whole 100 ms steps into whole intervals. */
const ROUND_INTERVALS_MS = [1000, 500, 250, 200, 100];
/** Full intervals wanted from each round's measured time: fewer, and no number of rounds reaches a significant verdict quickly. */
const MIN_INTERVALS_PER_ROUND = 4;

/**
 * The interval length of each round: 1 s, or shorter when a round's measured time (duration
 * less warm-up) would give fewer than 4 full intervals — rounds of `-z 2s` with the 250 ms round warm-up
 * would otherwise give the judge one interval each.
 */
export function roundIntervalMs(load: Pick<PlannedLoad, 'durationMs' | 'warmupMs'>): number {
  const { durationMs, warmupMs } = load;
  if (durationMs === undefined) return ROUND_INTERVALS_MS[0]!;
  const measuredMs = durationMs - warmupMs;
  return ROUND_INTERVALS_MS.find((ms) => measuredMs / ms >= MIN_INTERVALS_PER_ROUND) ?? ROUND_INTERVALS_MS.at(-1)!;
}

/**
 * Runs A B A B …: the same load against the baseline and the candidate target in alternation,
 * so that drift of a shared machine (other jobs, thermal state) hits both sides alike.
 */
export async function runInterleaved(
  scenario: Scenario,
  options: RunOptions & {
    /** Called after each side of each round; `round` 0 is the warm-up round. */
    onRoundDone?: (side: 'baseline' | 'candidate', report: Report, round: number) => void;
    /** Run one round first that is not judged nor reported (default true): see below. */
    warmupRound?: boolean;
  } = {},
): Promise<InterleavedOutcome> {
  const plan = scenario.compare!;
  // Both sides of every round run on the same worker threads (see ReusableWorkerPool).
  const workerPool = options.workerPool ?? new ReusableWorkerPool();
  let planOptions: PlanOptions = { ...options.plan, defaultWarmupMs: ROUND_WARMUP_MS };
  const snapshotIntervalMs = options.snapshotIntervalMs ?? roundIntervalMs(planScenario(scenario, planOptions).load);
  const rounds: InterleavedOutcome['rounds'] = [];
  let interrupted = false;
  // Round 0 compiles the hot path on the new threads and wakes both targets; the first
  // baseline would otherwise run colder than everything after it and bias round 1.
  const firstRound = options.warmupRound === false ? 1 : 0;
  // workers: auto is probed once, on the first baseline run; both sides then keep that count,
  // so they differ only in the target.
  try {
    for (let round = firstRound; round <= plan.rounds && !interrupted; round++) {
      const pair: Partial<{ baseline: Report; candidate: Report }> = {};
      for (const side of ['baseline', 'candidate'] as const) {
        const sideScenario: Scenario = {
          ...scenario,
          name: `${scenario.name}-${side}`,
          target: plan[side],
          metadata: { ...scenario.metadata, ...plan[`${side}Metadata`] },
        };
        let outcome;
        try {
          outcome = await runScenario(sideScenario, { ...options, workerPool, snapshotIntervalMs, plan: planOptions, splitByServedBy: true });
        } catch (error) {
          // Interrupted before this side's load started: the rounds so far are still judged.
          if (!(error instanceof BenchError && error.code === 'INTERRUPTED')) throw error;
          interrupted = true;
          break;
        }
        planOptions = { ...planOptions, workers: outcome.report.settings.workers };
        pair[side] = outcome.report;
        options.onRoundDone?.(side, outcome.report, round);
        if (outcome.partialCode || options.signal?.aborted) {
          interrupted = true;
          break;
        }
      }
      if (round > 0 && pair.baseline && pair.candidate) rounds.push({ baseline: pair.baseline, candidate: pair.candidate });
    }
  } finally {
    if (!options.workerPool) await workerPool.destroy();
  }
  if (!rounds.length) {
    throw new BenchError('INTERRUPTED', 'compare: interrupted before one full round (baseline and candidate) was run; nothing to judge');
  }
  return {
    baseline: mergeReports(rounds.map((r) => r.baseline), 'sequential'),
    candidate: mergeReports(rounds.map((r) => r.candidate), 'sequential'),
    rounds,
    interrupted,
  };
}
