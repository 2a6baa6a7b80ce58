import { performance } from 'node:perf_hooks';
import { BenchError } from '../errors/bench-error.js';
import { evaluateThresholds, firstLiveFailure, thresholdLabel, type LiveFailure } from '../compare/evaluate-thresholds.js';
import type { PeerSettings } from '../driver/peer-settings.js';
import { unlessAborted } from '../driver/unless-aborted.js';
import type { WorkerCountChoice } from '../plan/choose-worker-count.js';
import type { RunPlan } from '../plan/run-plan.js';
import { runWorkers, type TaskWithoutPort } from '../pool/run-workers.js';
import type { ReusableWorkerPool } from '../pool/worker-pool.js';
import { buildReport } from '../report/build-report.js';
import { LiveStatusTracker, type LiveStatus } from '../report/live-status.js';
import type { Report } from '../report/report.js';
import { resultFromSnapshots } from '../report/result-from-snapshots.js';
import type { OrderServerHandle } from '../target/start-order-server.js';
import type { IntervalSnapshot, WorkerResult } from '../types/worker-protocol.js';
import type { LiveMetrics } from './live-metrics.js';
import { LoadSpanTracker } from './load-span.js';
import { rssSeries, startMemoryMonitors } from './start-memory-monitors.js';

/** What a report of the load needs besides the workers' figures, known when the measured load starts. */
export interface LoadStart {
  plan: RunPlan;
  /** As the report names it. */
  target: string;
  protoPath: string;
  startedAt: Date;
  snapshotIntervalMs: number;
  workerIds: number[];
  workerChoice?: WorkerCountChoice;
}

export interface RunOutcome {
  report: Report;
  /** Why the run is partial, as an error code: INTERRUPTED or WORKER_CRASHED. */
  partialCode?: 'INTERRUPTED' | 'WORKER_CRASHED';
}

export interface MeasuredLoad {
  plan: RunPlan;
  /** One per share of the plan, in worker order. */
  tasks: TaskWithoutPort[];
  /** How the report names the target and the proto. */
  target: string;
  protoPath: string;
  workerChoice?: WorkerCountChoice;
  peer?: PeerSettings;
  /** The embedded service, whose memory is sampled as the target's. */
  embedded?: OrderServerHandle;
  liveMetrics?: LiveMetrics;
}

export interface LoadCallbacks {
  /**
   * Aborting stops sending; the run drains and returns a partial report. Before the load starts
   * (connection probe, server reflection, worker-count probes) it ends the run at once with
   * BenchError INTERRUPTED and no report.
   */
  signal?: AbortSignal;
  /**
   * Aborting after `signal` stops waiting for the drain: every worker's figures are taken from
   * the interval snapshots it sent so far (as for a crashed worker) and the report is built at once.
   */
  forceSignal?: AbortSignal;
  /** Called once the measured load is about to start, with what a report of it needs (see RunJournal). */
  onLoadStart?: (start: LoadStart) => void;
  /** Called with every interval snapshot of the measured load, as it arrives. */
  onSnapshot?: (snapshot: IntervalSnapshot) => void;
  /** Called once, when an abortOnFail threshold fails on the live figures and the run starts to stop. */
  onThresholdAbort?: (failure: LiveFailure) => void;
  /** Called after every worker snapshot (about once per second per worker). */
  onProgress?: (status: LiveStatus) => void;
  /** Worker threads to run on and keep afterwards (the rounds of a comparison); absent: fresh threads. */
  workerPool?: ReusableWorkerPool;
}

/** `work`'s value, or undefined as soon as `force` aborts. */
function untilForced<T>(work: Promise<T>, force: AbortSignal | undefined): Promise<T | undefined> {
  return unlessAborted(work, force, () => new Error('forced')).catch((error: unknown) => {
    if (force?.aborted) return undefined;
    throw error;
  });
}

/**
 * The measured load of a planned run: the workers, the memory monitors and the live figures,
 * then one Report from what they measured, judged by the plan's thresholds. `forced` says the
 * drain was not waited for (the caller then does not wait for the embedded service either).
 */
export async function runMeasuredLoad(load: MeasuredLoad, callbacks: LoadCallbacks): Promise<RunOutcome & { forced: boolean }> {
  const { plan, tasks } = load;
  const snapshotIntervalMs = tasks[0]!.snapshotIntervalMs;
  // --start-at: the workers hold their load until then, so the report's clock starts there.
  const startedAt = new Date(Math.max(Date.now(), plan.load.startAtMs ?? 0));
  callbacks.onLoadStart?.({
    plan,
    target: load.target,
    protoPath: load.protoPath,
    startedAt,
    snapshotIntervalMs,
    workerIds: tasks.map((t) => t.share.workerId),
    ...(load.workerChoice ? { workerChoice: load.workerChoice } : {}),
  });
  const memory = startMemoryMonitors(plan.monitor, load.embedded);
  const cpuAtStart = process.cpuUsage();
  const wallAtStartMs = performance.now();
  let snapshots: IntervalSnapshot[] = [];
  const live = new LiveStatusTracker();
  // Memory growth is fitted only while the load ran: start-up and shutdown would tilt it.
  const loadSpanTracker = new LoadSpanTracker(plan.load.warmupMs);
  let abortedBy: LiveFailure | undefined;
  const flowThresholds = plan.flowThresholds ?? [];
  const { workerHeapMb } = plan.load;
  const workers = runWorkers(tasks, (snapshot) => {
    loadSpanTracker.noteSnapshot(snapshot);
    snapshots.push(snapshot);
    callbacks.onSnapshot?.(snapshot);
    const status = live.add(snapshot);
    load.liveMetrics?.update(status);
    callbacks.onProgress?.(status);
    // abortOnFail: a failing live figure stops the run the way SIGINT does (workers drain).
    if (abortedBy) return;
    abortedBy = firstLiveFailure(status, plan.thresholds, flowThresholds);
    if (!abortedBy) return;
    callbacks.onThresholdAbort?.(abortedBy);
    workers.stop();
  }, {
    ...(workerHeapMb === undefined ? {} : { workerHeapMb }),
    ...(callbacks.workerPool ? { sharedPool: callbacks.workerPool.acquire(tasks.length, { workerHeapMb }) } : {}),
  });
  let interrupted = false;
  const onAbort = (): void => {
    interrupted = true;
    workers.stop();
  };
  if (callbacks.signal?.aborted) onAbort();
  callbacks.signal?.addEventListener('abort', onAbort, { once: true });
  const outcomes = await untilForced(workers.results, callbacks.forceSignal);
  callbacks.signal?.removeEventListener('abort', onAbort);
  // Forced: the workers are still draining; take what each had reported.
  const forced = !outcomes;
  if (forced) snapshots = snapshots.slice();
  const cpu = process.cpuUsage(cpuAtStart);
  await memory.stop();

  const results: WorkerResult[] = [];
  const workerErrors: string[] = [];
  if (!outcomes) for (const task of tasks) results.push(resultFromSnapshots(task.share.workerId, snapshots));
  for (const outcome of outcomes ?? []) {
    if (outcome.ok) results.push(outcome.result);
    else {
      workerErrors.push(`worker ${outcome.workerId} crashed: ${outcome.message}`);
      // Nothing is lost: keep what the worker reported before it died.
      results.push(resultFromSnapshots(outcome.workerId, snapshots));
    }
  }
  const fatal = results.find((r) => r.fatal)?.fatal;
  if (fatal) throw new BenchError(fatal.code, fatal.message);

  const partialCode = workerErrors.length ? 'WORKER_CRASHED' : interrupted ? 'INTERRUPTED' : undefined;
  const partialReason = workerErrors.length
    ? workerErrors.join('; ')
    : forced
      ? 'interrupted twice: the drain was not waited for; figures up to each worker\'s last interval snapshot'
      : interrupted
        ? 'interrupted before the planned end'
        : abortedBy
          ? `threshold ${thresholdLabel(abortedBy)} failed during the run (abortOnFail)`
          : undefined;
  const loadSpan = loadSpanTracker.span(results);
  // --start-at: the report says when the load really began (the first worker's start), so that
  // merge lines the segments up on what happened, not on what was asked for.
  const began = results.flatMap((r) => (r.loadStartedAtEpochMs === undefined ? [] : [r.loadStartedAtEpochMs]));
  const report = buildReport({
    plan,
    target: load.target,
    protoPath: load.protoPath,
    startedAt: plan.load.startAtMs !== undefined && began.length ? new Date(Math.round(Math.min(...began))) : startedAt,
    results,
    snapshots,
    ...(partialReason === undefined ? {} : { partialReason }),
    workerErrors,
    processCpuUs: cpu.user + cpu.system,
    processWallMs: performance.now() - wallAtStartMs,
    clientRss: rssSeries(memory.client, loadSpan, plan.load.warmupMs),
    monitor: plan.monitor,
    ...(load.workerChoice ? { workerChoice: load.workerChoice } : {}),
    ...(load.peer ? { peer: load.peer } : {}),
    ...(memory.target ? { targetMemory: { source: memory.target.source, ...rssSeries(memory.target.sampler, loadSpan, plan.load.warmupMs) } } : {}),
  });
  const judged = plan.thresholds.length || flowThresholds.length ? { ...report, thresholds: evaluateThresholds(report, plan.thresholds, abortedBy, flowThresholds) } : report;
  return { report: judged, ...(partialCode ? { partialCode } : {}), forced };
}
