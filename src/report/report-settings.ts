import type { WorkerCountChoice } from '../plan/choose-worker-count.js';
import type { MonitorPlan, ReportPlan } from '../plan/run-plan.js';
import { flowThresholdMetric } from '../scenario/parse-threshold.js';
import { redactMetadata } from '../redact/redact-metadata.js';
import { redactUrl } from '../redact/redact-url.js';
import type { Schedule } from '../types/schedule.js';
import type { ReportSchedule, ReportSettings } from './report.js';

/** An open-ended last stage (Infinity ms, which JSON cannot hold) is kept without a duration. */
function reportSchedule(schedule: Schedule): ReportSchedule {
  return {
    initial: schedule.initial,
    stages: schedule.stages.map(({ durationMs, value, ramp }) => (Number.isFinite(durationMs) ? { durationMs, value, ramp } : { value, ramp })),
  };
}

function monitorSettings(monitor: MonitorPlan): NonNullable<ReportSettings['monitor']> {
  return {
    ...(monitor.pid === undefined ? {} : { pid: monitor.pid }),
    ...(monitor.metricsUrl === undefined ? {} : { metricsUrl: redactUrl(monitor.metricsUrl) }),
    intervalMs: monitor.intervalMs,
    ...(monitor.metricsPort === undefined ? {} : { metricsPort: monitor.metricsPort }),
  };
}

/** Every setting of the plan that shaped the run, secrets redacted: the report's `settings`. */
export function reportSettings(plan: ReportPlan, protoPath: string, workerChoice?: WorkerCountChoice, monitor?: MonitorPlan): ReportSettings {
  const { split } = plan;
  // As written, the flow's (`step.…`, `checks.…`) after the others as they are judged, so that
  // `grpc-bench merge` can judge the merged segments again.
  const writtenThresholds = [
    ...plan.thresholds.map(({ metric, condition, abortOnFail }) => ({ metric, condition, abortOnFail })),
    ...(plan.flowThresholds ?? []).map((threshold) => ({ metric: flowThresholdMetric(threshold), condition: threshold.condition, abortOnFail: threshold.abortOnFail })),
  ];
  return {
    streams: plan.load.streams,
    connections: plan.load.connections,
    workers: plan.load.workers,
    ...(workerChoice ? { workerChoice } : {}),
    ...(plan.load.durationMs === undefined ? {} : { durationMs: plan.load.durationMs }),
    ...(plan.load.messages === undefined ? {} : { messages: plan.load.messages }),
    ...(plan.load.calls === undefined ? {} : { calls: plan.load.calls }),
    stream: { ...plan.stream },
    insecure: plan.insecure,
    transport: plan.transport,
    loadBalancing: plan.loadBalancing,
    maxReceiveMessageBytes: plan.maxReceiveMessageBytes,
    metadata: redactMetadata(plan.metadata),
    proto: protoPath,
    ...(plan.tls && !plan.insecure ? { tls: { ...plan.tls } } : {}),
    ...(writtenThresholds.length ? { thresholds: writtenThresholds } : {}),
    ...(plan.load.rateSchedule ? { rateSchedule: reportSchedule(plan.load.rateSchedule) } : {}),
    ...(plan.load.streamSchedule ? { streamSchedule: reportSchedule(plan.load.streamSchedule) } : {}),
    ...(split ? { split: { by: split.by, ...(split.routed ? { routed: { share: split.routed.share, metadata: redactMetadata(split.routed.metadata) } } : {}) } } : {}),
    ...(monitor ? { monitor: monitorSettings(monitor) } : {}),
  };
}
