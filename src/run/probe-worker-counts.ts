import { BenchError } from '../errors/bench-error.js';
import { PROBE_MS, PROBE_WARMUP_MS, chooseWorkerCount, probeOrder, workerCountCandidates, type WorkerCountChoice, type WorkerProbe } from '../plan/choose-worker-count.js';
import { runWorkers, type TaskWithoutPort } from '../pool/run-workers.js';
import type { Scenario } from '../scenario/scenario-schema.js';

/**
 * The scenario a probe runs: the same call, streams, connections, transport and stream
 * settings, closed model, for PROBE_MS. Schedules and the message budget are left out: a probe
 * measures what each worker count can deliver, not the run's plan.
 */
export function probeScenario(scenario: Scenario, workers: number): Scenario {
  const { rateSchedule: _rate, streamSchedule: _streams, messages: _messages, ...load } = scenario.load;
  return { ...scenario, thresholds: [], load: { ...load, workers, durationMs: PROBE_MS, warmupMs: PROBE_WARMUP_MS } };
}

/** The highest rate of an open-model schedule, msg/s; undefined for the closed model. */
function peakRate(scenario: Scenario): number | undefined {
  const schedule = scenario.load.rateSchedule;
  if (!schedule) return undefined;
  return Math.max(schedule.initial, ...schedule.stages.map((stage) => stage.value));
}

async function runProbe(
  scenario: Scenario,
  workers: number,
  buildTasks: (scenario: Scenario) => TaskWithoutPort[],
  signal: AbortSignal | undefined,
): Promise<WorkerProbe> {
  const run = runWorkers(buildTasks(probeScenario(scenario, workers)), () => {}, scenario.load.workerHeapMb === undefined ? {} : { workerHeapMb: scenario.load.workerHeapMb });
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
 * (see choose-worker-count.ts). `scenario.load.workers` is the most workers allowed. With a
 * single possible count nothing is probed. An abort ends the probing early: the choice is then
 * made from the probes that finished (the cap if none did). (runScenario does not wait for
 * that: an abort while probing ends the run with INTERRUPTED.)
 */
export async function probeWorkerCounts(
  scenario: Scenario,
  buildTasks: (scenario: Scenario) => TaskWithoutPort[],
  options: { signal?: AbortSignal; onProbe?: (probe: WorkerProbe) => void } = {},
): Promise<WorkerCountChoice> {
  const cap = scenario.load.workers;
  if (cap === 1) return { workers: 1, reason: 'only one worker is possible (connections, streams or messages allow no more)', probes: [] };
  const probes: WorkerProbe[] = [];
  const order = probeOrder(workerCountCandidates(cap));
  for (const workers of order) {
    if (options.signal?.aborted) break;
    const probe = await runProbe(scenario, workers, buildTasks, options.signal);
    // A probe cut short measured nothing comparable.
    if (options.signal?.aborted) break;
    probes.push(probe);
    options.onProbe?.(probe);
  }
  if (!probes.length) return { workers: cap, reason: 'interrupted before any probe finished', probes };
  const choice = chooseWorkerCount(probes, peakRate(scenario));
  if (probes.length < order.length) choice.reason += `; probing was interrupted after ${probes.length} of ${order.length} probes`;
  return choice;
}
