import { BenchError } from '../errors/bench-error.js';
import type { ConnectionSecurity } from '../driver/channel-credentials.js';
import { reflectBidiMethod } from '../driver/reflect-method.js';
import { unlessAborted } from '../driver/unless-aborted.js';
import type { WorkerCountChoice, WorkerProbe } from '../plan/choose-worker-count.js';
import { planScenario, type PlanOptions } from '../plan/plan-scenario.js';
import type { FlowSettings } from '../types/flow-settings.js';
import type { RunPlan } from '../plan/run-plan.js';
import type { TaskWithoutPort } from '../pool/run-workers.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import type { OrderServerHandle } from '../target/start-order-server.js';
import type { CallSettings, SplitSettings } from '../types/worker-protocol.js';
import type { CallKind, RequestData } from '../types/call-kind.js';
import { checkMethod, checkScenario } from './check-scenario.js';
import { splitByServedBy } from './split-by-served-by.js';
import { checkPeerLimits } from './check-peer-limits.js';
import { startLiveMetrics, type LiveMetrics } from './live-metrics.js';
import { probeTarget } from './probe-target.js';
import { probeWorkerCounts } from './probe-worker-counts.js';
import { runMeasuredLoad, type LoadCallbacks, type LoadStart, type RunOutcome } from './run-measured-load.js';

export type { LoadStart, RunOutcome };

/** What a caller may set and hear of a run; the load's own callbacks are LoadCallbacks'. */
export interface RunOptions extends LoadCallbacks {
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
  /** A canary side: with no split asked for, split the results by the response's served_by when it has one (see splitByServedBy). */
  splitByServedBy?: boolean;
  /** A front-end whose settings depend on the method's kind (ghz's calls/s rates): the scenario adjusted once the kind is known. */
  scenarioForKind?: (scenario: Scenario, kind: CallKind) => Scenario;
  /** Decisions the caller has made for the plan (the rounds of a comparison: their warm-up, the worker count). */
  plan?: Omit<PlanOptions, 'maxStreamsPerConnection'>;
}

/** Why the load did not start: what was going on when the signal came. */
function interruptedWhile(what: string): () => BenchError {
  return () => new BenchError('INTERRUPTED', `interrupted while ${what}; no load was sent and no report written`);
}

function splitSettings(plan: Pick<RunPlan, 'split'>): { split?: SplitSettings } {
  if (!plan.split) return {};
  const { by, routed } = plan.split;
  const source = by.startsWith('header:') ? { header: by.slice('header:'.length).toLowerCase() } : { field: by };
  return { split: { ...source, routedShare: routed?.share ?? 0, routedMetadata: routed?.metadata ?? {} } };
}

export { resolveProtoPath } from './check-scenario.js';

/** The flow as the workers run it: its thresholds stay with the run. */
function flowSettingsOf(scenario: Scenario): FlowSettings | undefined {
  if (scenario.flow === undefined) return undefined;
  const { thresholds: _thresholds, ...flow } = scenario.flow;
  return flow;
}

/**
 * The pipeline of one run: check the call and the target before any load, plan the run
 * (planScenario), run the workers, merge what they measured into one Report. Failed RPCs are data in the
 * report; only problems that prevent a valid report throw (as BenchError).
 */
export async function runScenario(asGiven: Scenario, options: RunOptions = {}): Promise<RunOutcome> {
  let scenario = asGiven;
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
    let descriptorSet: string | undefined = checked.descriptorSet;
    let reflectedData: RequestData | undefined;
    let responseFields = checked.method?.responseFields ?? [];
    let kind = checked.method?.kind;
    if (!checked.data) {
      // No proto and a real target: the target describes the method itself.
      const reflected = await unlessAborted(
        reflectBidiMethod({ target, security, call, timeoutMs: connectTimeoutMs, metadata: scenario.reflectionMetadata }),
        options.signal,
        interruptedWhile(`asking target ${target} for ${call} by server reflection`),
      );
      reflectedData = checkMethod(scenario, reflected.method);
      descriptorSet = reflected.descriptorSet;
      responseFields = reflected.method.responseFields;
      kind = reflected.method.kind;
    }
    if (kind !== undefined && options.scenarioForKind) scenario = options.scenarioForKind(scenario, kind);
    if (options.splitByServedBy) scenario = splitByServedBy(scenario, responseFields);
    const requestData = checked.data ?? reflectedData!;
    if (scenario.monitor.metricsPort !== undefined) {
      liveMetrics = await startLiveMetrics(scenario.name, scenario.monitor.metricsPort, scenario.flow).catch((error: Error) => {
        throw new BenchError('SERVER_START_FAILED', `live metrics: ${error.message}`);
      });
      options.onMetricsUrl?.(liveMetrics.url);
    }
    const planOptions: PlanOptions = { ...options.plan, ...(peer?.maxConcurrentStreams === undefined ? {} : { maxStreamsPerConnection: peer.maxConcurrentStreams }) };
    // The method's kind is known only now (the proto, or server reflection once connected).
    const withKind = (planned: RunPlan): RunPlan => (kind === undefined ? planned : { ...planned, callKind: kind });
    let plan = withKind(planScenario(scenario, planOptions));
    const callSettings: CallSettings = {
      ...security,
      target,
      transport: plan.transport,
      ...(protoPath === undefined ? {} : { protoPath }),
      ...(descriptorSet === undefined ? {} : { descriptorSet }),
      importPaths,
      call,
      metadata: plan.metadata,
      data: requestData,
      ...(kind === undefined ? {} : { kind }),
      maxReceiveMessageBytes: plan.maxReceiveMessageBytes,
      ...(scenario.authority === undefined ? {} : { authority: scenario.authority }),
      ...(scenario.keepalive === undefined ? {} : { keepaliveMs: scenario.keepalive }),
      loadBalancing: scenario.loadBalancing,
      ...(scenario.maxSendMessageSize === undefined ? {} : { maxSendMessageBytes: scenario.maxSendMessageSize }),
      ...(scenario.compression === undefined ? {} : { compression: scenario.compression }),
      ...splitSettings(plan),
    };
    const flowSettings = flowSettingsOf(scenario);
    const tasksOf = (planned: RunPlan): TaskWithoutPort[] => planned.shares.map((share) => ({
      call: callSettings,
      stream: planned.stream,
      ...(flowSettings ? { flow: flowSettings } : {}),
      share,
      snapshotIntervalMs,
      drainTimeoutMs: options.drainTimeoutMs ?? 5000,
      connectTimeoutMs,
    }));
    let workerChoice: WorkerCountChoice | undefined;
    if (plan.load.chooseWorkers) {
      workerChoice = await unlessAborted(
        probeWorkerCounts(plan, tasksOf, { ...(options.signal ? { signal: options.signal } : {}), ...(options.onWorkerProbe ? { onProbe: options.onWorkerProbe } : {}) }),
        options.signal,
        interruptedWhile('probing worker counts (load.workers: auto)'),
      );
      plan = withKind(planScenario(scenario, { ...planOptions, workers: workerChoice.workers }));
    }
    const outcome = await runMeasuredLoad({
      plan,
      tasks: tasksOf(plan),
      target: scenario.target === 'embedded' ? `embedded (${target})` : target,
      protoPath: protoPath ?? 'server reflection',
      ...(workerChoice ? { workerChoice } : {}),
      ...(peer ? { peer } : {}),
      ...(embedded ? { embedded } : {}),
      ...(liveMetrics ? { liveMetrics } : {}),
    }, options);
    forced = outcome.forced;
    return outcome.partialCode ? { report: outcome.report, partialCode: outcome.partialCode } : { report: outcome.report };
  } finally {
    await liveMetrics?.close();
    if (embedded && forced) embedded.forceShutdown();
    else if (embedded) await embedded.shutdown(1000);
  }
}
