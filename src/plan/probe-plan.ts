import { PROBE_MS, PROBE_WARMUP_MS } from './choose-worker-count.js';
import { planRun } from './plan-run.js';
import type { RunPlan } from './run-plan.js';

/**
 * The plan a probe of `load.workers: auto` runs: the same call, streams, connections, transport
 * and stream settings on `workers` threads, closed model, for PROBE_MS. Schedules, the message
 * and call budgets and thresholds are left out: a probe measures what each worker count can deliver, not
 * the run's plan. Pure.
 */
export function probePlan(plan: RunPlan, workers: number): RunPlan {
  const { rateSchedule: _rate, streamSchedule: _streams, messages: _messages, calls: _calls, chooseWorkers: _choose, ...load } = plan.load;
  const probeLoad = { ...load, workers, durationMs: PROBE_MS, warmupMs: PROBE_WARMUP_MS };
  const shares = planRun({ load: probeLoad }, plan.shares[0]?.maxStreamsPerConnection);
  return { ...plan, thresholds: [], load: probeLoad, shares };
}

/** The highest rate of an open-model schedule, msg/s; undefined for the closed model. */
export function peakRate(plan: Pick<RunPlan, 'load'>): number | undefined {
  const schedule = plan.load.rateSchedule;
  if (!schedule) return undefined;
  return Math.max(schedule.initial, ...schedule.stages.map((stage) => stage.value));
}
