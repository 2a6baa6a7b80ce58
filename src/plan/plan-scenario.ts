import { availableParallelism } from 'node:os';
import { runDurationMs } from '../scenario/scenario-load.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { buildSchedule } from './build-schedule.js';
import { planRun } from './plan-run.js';
import type { PlannedLoad, RunPlan } from './run-plan.js';
import { segmentShare } from './segment-share.js';

export interface PlanOptions {
  /** Worker threads when the scenario names no count; default: this machine's CPU count. */
  cpus?: number;
  /** The warm-up when the scenario has none, ms (the rounds of a comparison: see run-interleaved.ts). */
  defaultWarmupMs?: number;
  /** A worker count already chosen (by probes), instead of `load.workers`. */
  workers?: number;
  /** The server's SETTINGS_MAX_CONCURRENT_STREAMS: no connection carries more streams at once. */
  maxStreamsPerConnection?: number;
}

/** The scenario's load → the load that runs: the worker count, the schedules and this segment's share. */
function planLoad(scenario: Pick<Scenario, 'load' | 'segment'>, options: PlanOptions): PlannedLoad {
  const { load } = scenario;
  const stages = load.stages ?? [];
  const durationMs = runDurationMs(load);
  const slots = Math.max(load.streams, ...stages.map((s) => s.streams ?? 0));
  const chooseWorkers = load.workers === 'auto' && options.workers === undefined;
  const wanted = options.workers ?? (typeof load.workers === 'number' ? load.workers : (options.cpus ?? availableParallelism()));
  // A worker needs a connection, a stream, at least one message to send and one call to make.
  const workers = Math.min(wanted, load.connections, slots, load.messages ?? Infinity, load.calls ?? Infinity);
  const rateSchedule = buildSchedule(load.rate, stages.map((s) => ({ durationMs: s.durationMs, value: s.rate, ramp: s.ramp })), durationMs);
  const streamSchedule = stages.some((s) => s.streams !== undefined)
    ? buildSchedule(load.streams, stages.map((s) => ({ durationMs: s.durationMs, value: s.streams, ramp: s.ramp })), durationMs)
    : undefined;
  const warmupMs = load.warmupMs > 0 ? load.warmupMs : (options.defaultWarmupMs ?? 0);
  const whole: PlannedLoad = {
    streams: slots,
    connections: load.connections,
    workers,
    ...(chooseWorkers ? { chooseWorkers } : {}),
    ...(durationMs === undefined ? {} : { durationMs }),
    ...(load.messages === undefined ? {} : { messages: load.messages }),
    ...(load.calls === undefined ? {} : { calls: load.calls }),
    ...(load.skipCalls === undefined ? {} : { skipCalls: load.skipCalls }),
    ...(rateSchedule ? { rateSchedule } : {}),
    ...(streamSchedule ? { streamSchedule } : {}),
    warmupMs,
    ...(load.workerHeapMb === undefined ? {} : { workerHeapMb: load.workerHeapMb }),
  };
  return scenario.segment ? segmentShare(whole, scenario.segment.index, scenario.segment.count) : whole;
}

/**
 * Scenario → RunPlan: every decision about how the run goes, made once — the worker count
 * (machine default, or the one probes chose), the rate and stream schedules, this segment's
 * share, the warm-up boundary, and each worker's share. Pure: no clock, no I/O (the CPU
 * count is read only when `options.cpus` is not given).
 */
export function planScenario(scenario: Scenario, options: PlanOptions = {}): RunPlan {
  const load = { ...planLoad(scenario, options), ...(scenario.startAt === undefined ? {} : { startAtMs: scenario.startAt }) };
  const shares = planRun({ load }, options.maxStreamsPerConnection);
  return {
    name: scenario.name,
    call: scenario.call,
    ...(scenario.segment ? { segment: scenario.segment } : {}),
    target: scenario.target,
    transport: scenario.transport,
    loadBalancing: scenario.loadBalancing,
    insecure: scenario.insecure,
    maxReceiveMessageBytes: scenario.maxReceiveMessageSize,
    metadata: scenario.metadata,
    ...(scenario.tls ? { tls: scenario.tls } : {}),
    ...(scenario.split ? { split: scenario.split } : {}),
    load,
    stream: scenario.stream,
    monitor: scenario.monitor,
    thresholds: scenario.thresholds,
    ...(scenario.flow?.thresholds.length ? { flowThresholds: scenario.flow.thresholds } : {}),
    shares,
  };
}
