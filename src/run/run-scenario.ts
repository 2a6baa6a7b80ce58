import { performance } from 'node:perf_hooks';
import { BenchError } from '../errors/bench-error.js';
import { planRun } from '../plan/plan-run.js';
import { runWorkers, type TaskWithoutPort } from '../pool/run-workers.js';
import type { ReusableWorkerPool } from '../pool/worker-pool.js';
import type { IntervalSnapshot, SplitSettings, WorkerResult } from '../types/worker-protocol.js';
import { buildReport } from '../report/build-report.js';
import type { Report } from '../report/report.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import type { OrderServerHandle } from '../target/start-order-server.js';
import { checkMethod, checkScenario } from './check-scenario.js';
import type { ConnectionSecurity } from '../driver/channel-credentials.js';
import { reflectBidiMethod } from '../driver/reflect-method.js';
import { LiveStatusTracker, type LiveStatus } from '../report/live-status.js';
import { startLiveMetrics, type LiveMetrics } from './live-metrics.js';
import { evaluateThresholds, firstLiveFailure, thresholdLabel } from '../compare/evaluate-thresholds.js';
import type { ParsedThreshold } from '../scenario/parse-threshold.js';
import { probeTarget } from './probe-target.js';
import { unlessAborted } from '../driver/unless-aborted.js';
import { checkPeerLimits } from './check-peer-limits.js';
import { resultFromSnapshots } from '../report/result-from-snapshots.js';
import { LoadSpanTracker } from './load-span.js';
import { rssSeries, startMemoryMonitors } from './start-memory-monitors.js';
import { probeWorkerCounts } from './probe-worker-counts.js';
import type { WorkerCountChoice, WorkerProbe } from '../plan/choose-worker-count.js';

export interface RunOptions {
  /** Called after every worker snapshot (about once per second per worker). */
  onProgress?: (status: LiveStatus) => void;
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
  /** Interval length, ms; default 1000. */
  snapshotIntervalMs?: number;
  /** How long in-flight requests may take after sending stops, ms; default 5000. */
  drainTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Called once the embedded service is up (tests read its counters). */
  onEmbeddedServer?: (server: OrderServerHandle) => void;
  /** Called once the live metrics endpoint (monitor.metricsPort) is serving, with its URL. */
  onMetricsUrl?: (url: string) => void;
  /** `load.workers: auto`: called after each probe run, before the measured run starts. */
  onWorkerProbe?: (probe: WorkerProbe) => void;
  /** Worker threads to run on and keep afterwards (the rounds of a comparison); absent: fresh threads. */
  workerPool?: ReusableWorkerPool;
}

/** What buildReport needs besides the workers' figures, known when the measured load starts. */
export interface LoadStart {
  scenario: Scenario;
  /** As the report names it. */
  target: string;
  protoPath: string;
  startedAt: Date;
  snapshotIntervalMs: number;
  workerIds: number[];
  workerChoice?: WorkerCountChoice;
}

/** Why the load did not start: what was going on when the signal came. */
function interruptedWhile(what: string): () => BenchError {
  return () => new BenchError('INTERRUPTED', `interrupted while ${what}; no load was sent and no report written`);
}

export interface RunOutcome {
  report: Report;
  /** Why the run is partial, as an error code: INTERRUPTED or WORKER_CRASHED. */
  partialCode?: 'INTERRUPTED' | 'WORKER_CRASHED';
}

function splitSettings(scenario: Scenario): { split?: SplitSettings } {
  if (!scenario.split) return {};
  const { by, routed } = scenario.split;
  const source = by.startsWith('header:') ? { header: by.slice('header:'.length).toLowerCase() } : { field: by };
  return { split: { ...source, routedShare: routed?.share ?? 0, routedMetadata: routed?.metadata ?? {} } };
}

export { resolveProtoPath } from './check-scenario.js';

/** `work`'s value, or undefined as soon as `force` aborts. */
function untilForced<T>(work: Promise<T>, force: AbortSignal | undefined): Promise<T | undefined> {
  return unlessAborted(work, force, () => new Error('forced')).catch((error: unknown) => {
    if (force?.aborted) return undefined;
    throw error;
  });
}

/**
 * The pipeline of one run: check the call and the target before any load, plan the shares,
 * run the workers, merge what they measured into one Report. Failed RPCs are data in the
 * report; only problems that prevent a valid report throw (as BenchError).
 */
export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunOutcome> {
  const snapshotIntervalMs = options.snapshotIntervalMs ?? 1000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const checked = checkScenario(scenario);
  const { protoPath, importPaths, call } = checked;

  let embedded: OrderServerHandle | undefined;
  let target = scenario.target;
  let insecure = scenario.insecure;
  if (scenario.target === 'embedded') {
    try {
      // Loaded only when needed: the service (reflection, health, metrics) costs start-up time.
      const { startOrderServer } = await import('../target/start-order-server.js');
      embedded = await startOrderServer({ port: 0 });
    } catch (error) {
      throw new BenchError('SERVER_START_FAILED', `embedded order service: ${(error as Error).message}`);
    }
    options.onEmbeddedServer?.(embedded);
    target = embedded.address;
    insecure = true;
  }

  let liveMetrics: LiveMetrics | undefined;
  let forced = false;
  try {
    const security: ConnectionSecurity = insecure || !checked.tls ? { insecure } : { insecure, tls: checked.tls };
    await unlessAborted(probeTarget(target, security, connectTimeoutMs), options.signal, interruptedWhile(`connecting to target ${target}`));
    const peer = await unlessAborted(checkPeerLimits(scenario, target, call, security, connectTimeoutMs), options.signal, interruptedWhile(`reading the settings of target ${target}`));
    let descriptorSet: string | undefined;
    let reflectedData: Record<string, unknown> | undefined;
    if (!checked.data) {
      // No proto and a real target: the target describes the method itself.
      const reflected = await unlessAborted(
        reflectBidiMethod({ target, security, call, timeoutMs: connectTimeoutMs }),
        options.signal,
        interruptedWhile(`asking target ${target} for ${call} by server reflection`),
      );
      reflectedData = checkMethod(scenario, reflected.method);
      descriptorSet = reflected.descriptorSet;
    }
    const requestData = checked.data ?? reflectedData!;
    if (scenario.monitor.metricsPort !== undefined) {
      liveMetrics = await startLiveMetrics(scenario.name, scenario.monitor.metricsPort).catch((error: Error) => {
        throw new BenchError('SERVER_START_FAILED', `live metrics: ${error.message}`);
      });
      options.onMetricsUrl?.(liveMetrics.url);
    }
    const maxStreams = peer?.maxConcurrentStreams;
    const buildTasks = (planned: Scenario): TaskWithoutPort[] => planRun(planned).map((plannedShare) => ({
      call: {
        ...security,
        target,
        transport: scenario.transport,
        ...(protoPath === undefined ? {} : { protoPath }),
        ...(descriptorSet === undefined ? {} : { descriptorSet }),
        importPaths,
        call,
        metadata: scenario.metadata,
        data: requestData,
        maxReceiveMessageBytes: scenario.maxReceiveMessageSize,
        ...splitSettings(scenario),
      },
      stream: scenario.stream,
      share: maxStreams === undefined ? plannedShare : { ...plannedShare, maxStreamsPerConnection: maxStreams },
      snapshotIntervalMs,
      drainTimeoutMs: options.drainTimeoutMs ?? 5000,
      connectTimeoutMs,
    }));
    let workerChoice: WorkerCountChoice | undefined;
    if (scenario.load.chooseWorkers) {
      workerChoice = await unlessAborted(
        probeWorkerCounts(scenario, buildTasks, { ...(options.signal ? { signal: options.signal } : {}), ...(options.onWorkerProbe ? { onProbe: options.onWorkerProbe } : {}) }),
        options.signal,
        interruptedWhile('probing worker counts (load.workers: auto)'),
      );
      scenario = { ...scenario, load: { ...scenario.load, workers: workerChoice.workers } };
    }
    const tasks = buildTasks(scenario);
    const startedAt = new Date();
    const reportTarget = scenario.target === 'embedded' ? `embedded (${target})` : target;
    const reportProto = protoPath ?? 'server reflection';
    options.onLoadStart?.({
      scenario,
      target: reportTarget,
      protoPath: reportProto,
      startedAt,
      snapshotIntervalMs,
      workerIds: tasks.map((t) => t.share.workerId),
      ...(workerChoice ? { workerChoice } : {}),
    });
    const memory = startMemoryMonitors(scenario, embedded);
    const cpuAtStart = process.cpuUsage();
    const wallAtStartMs = performance.now();
    let snapshots: IntervalSnapshot[] = [];
    const live = new LiveStatusTracker();
    // Memory growth is fitted only while the load ran: start-up and shutdown would tilt it.
    const loadSpanTracker = new LoadSpanTracker(scenario.load.warmupMs);
    let abortedBy: ParsedThreshold | undefined;
    const workers = runWorkers(tasks, (snapshot) => {
      loadSpanTracker.noteSnapshot(snapshot);
      snapshots.push(snapshot);
      options.onSnapshot?.(snapshot);
      const status = live.add(snapshot);
      liveMetrics?.update(status);
      options.onProgress?.(status);
      // abortOnFail: a failing live figure stops the run the way SIGINT does (workers drain).
      abortedBy ??= firstLiveFailure(status, scenario.thresholds);
      if (abortedBy) workers.stop();
    }, {
      ...(scenario.load.workerHeapMb === undefined ? {} : { workerHeapMb: scenario.load.workerHeapMb }),
      ...(options.workerPool ? { sharedPool: options.workerPool.acquire(tasks.length, { workerHeapMb: scenario.load.workerHeapMb }) } : {}),
    });
    let interrupted = false;
    const onAbort = (): void => {
      interrupted = true;
      workers.stop();
    };
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const outcomes = await untilForced(workers.results, options.forceSignal);
    options.signal?.removeEventListener('abort', onAbort);
    if (!outcomes) {
      // Forced: the workers are still draining; take what each had reported.
      forced = true;
      snapshots = snapshots.slice();
    }
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
    const report = buildReport({
      scenario,
      target: reportTarget,
      protoPath: reportProto,
      startedAt,
      results,
      snapshots,
      snapshotIntervalMs,
      ...(partialReason === undefined ? {} : { partialReason }),
      workerErrors,
      processCpuUs: cpu.user + cpu.system,
      processWallMs: performance.now() - wallAtStartMs,
      clientRss: rssSeries(memory.client, loadSpan),
      ...(workerChoice ? { workerChoice } : {}),
      ...(peer ? { peer } : {}),
      ...(memory.target ? { targetMemory: { source: memory.target.source, ...rssSeries(memory.target.sampler, loadSpan) } } : {}),
    });
    if (scenario.thresholds.length) {
      // As written, so that `grpc-bench merge` can judge the merged segments again.
      report.settings.thresholds = scenario.thresholds.map(({ metric, condition, abortOnFail }) => ({ metric, condition, abortOnFail }));
      report.thresholds = evaluateThresholds(report, scenario.thresholds, abortedBy);
    }
    return partialCode ? { report, partialCode } : { report };
  } finally {
    await liveMetrics?.close();
    if (embedded && forced) embedded.forceShutdown();
    else if (embedded) await embedded.shutdown(1000);
  }
}
