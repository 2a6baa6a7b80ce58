import { BenchError } from '../errors/bench-error.js';
import { PROBE_WARMUP_MS, chooseWorkerCount, probeOrder, workerCountCandidates, type WorkerCountChoice, type WorkerProbe } from '../plan/choose-worker-count.js';
import { runWorkers, type TaskWithoutPort } from '../pool/run-workers.js';
import type { RunPlan } from '../plan/run-plan.js';
import { peakRate, probePlan } from '../plan/probe-plan.js';

async function runProbe(
  plan: RunPlan,
  workers: number,
  tasksOf: (plan: RunPlan) => TaskWithoutPort[],
  signal: AbortSignal | undefined,
): Promise<WorkerProbe> {
  const run = runWorkers(tasksOf(probePlan(plan, workers)), () => {}, plan.load.workerHeapMb === undefined ? {} : { workerHeapMb: plan.load.workerHeapMb });
  const stop = (): void => run.stop();
  signal?.addEventListener('abort', stop, { once: true });
  const outcomes = await run.results;
  signal?.removeEventListener('abort', stop);
  let received = 0;
  let sendingMs = 0;
  let utilization = 0;
  for (const outcome of outcomes) {
    if (!outcome.ok) {
      throw new BenchError('WORKER_CRASHED', `load.workers auto: a worker crashed while probing ${workers} worker(s) (${outcome.message}); no report — set load.workers to a number`);
    }
    if (outcome.result.fatal) throw new BenchError(outcome.result.fatal.code, outcome.result.fatal.message);
    received += outcome.result.counters.messagesReceived;
    sendingMs = Math.max(sendingMs, outcome.result.sendingMs);
    utilization += outcome.result.generator.eventLoopUtilization / outcomes.length;
  }
  const measuredMs = sendingMs - PROBE_WARMUP_MS;
  return {
    workers,
    messagesPerSec: measuredMs > 0 ? Math.round((received * 1000) / measuredMs) : 0,
    workerUtilization: Math.round(utilization * 1000) / 1000,
  };
}

/**
 * Runs the probes of `load.workers: auto` against the real target and picks the count
 * (see choose-worker-count.ts). `plan.load.workers` is the most workers allowed. With a
 * single possible count nothing is probed. An abort ends the probing early: the choice is then
 * made from the probes that finished (the cap if none did). (runScenario does not wait for
 * that: an abort while probing ends the run with INTERRUPTED.)
 */
export async function probeWorkerCounts(
  plan: RunPlan,
  tasksOf: (plan: RunPlan) => TaskWithoutPort[],
  options: { signal?: AbortSignal; onProbe?: (probe: WorkerProbe) => void } = {},
): Promise<WorkerCountChoice> {
  const cap = plan.load.workers;
  if (cap === 1) return { workers: 1, reason: 'only one worker is possible (connections, streams or messages allow no more)', probes: [] };
  const probes: WorkerProbe[] = [];
  const order = probeOrder(workerCountCandidates(cap));
  for (const workers of order) {
    if (options.signal?.aborted) break;
    const probe = await runProbe(plan, workers, tasksOf, options.signal);
    // A probe cut short measured nothing comparable.
    if (options.signal?.aborted) break;
    probes.push(probe);
    options.onProbe?.(probe);
  }
  if (!probes.length) return { workers: cap, reason: 'interrupted before any probe finished', probes };
  const choice = chooseWorkerCount(probes, peakRate(plan));
  if (probes.length < order.length) choice.reason += `; probing was interrupted after ${probes.length} of ${order.length} probes`;
  return choice;
}
