import type { Report, ReportInterval } from '../report/report.js';
import type { Reporter } from './reporter.js';

type Field = [key: string, value: number | boolean, kind: 'integer' | 'float' | 'boolean'];

/**
 * Tag keys and values escape comma, equals sign, space and backslash. Line protocol has no
 * escape for line breaks, so they become spaces.
 */
const tag = (text: string): string => text.replace(/[\r\n]+/g, ' ').replace(/[\\,= ]/g, (c) => `\\${c}`);

/** Integers carry the `i` suffix; floats are plain; non-finite values cannot be written, so they are left out. */
function fieldSet(fields: Field[]): string {
  return fields
    .filter(([, value]) => typeof value === 'boolean' || Number.isFinite(value))
    .map(([key, value, kind]) => `${key}=${kind === 'integer' ? `${Math.round(value as number)}i` : String(value)}`)
    .join(',');
}

function intervalFields(i: ReportInterval): Field[] {
  return [
    ['duration_ms', i.durationMs, 'integer'],
    ['messages_sent', i.messagesSent, 'integer'],
    ['messages_received', i.messagesReceived, 'integer'],
    ['messages_failed', i.messagesFailed, 'integer'],
    ['errors', i.errors, 'integer'],
    ['streams_opened', i.streamsOpened, 'integer'],
    ['streams_completed', i.streamsCompleted, 'integer'],
    ['streams_failed', i.streamsFailed, 'integer'],
    ['messages_per_sec', i.messagesPerSec, 'float'],
    ['p50_ms', i.p50Ms, 'float'],
    ['p99_ms', i.p99Ms, 'float'],
    ['active_streams', i.activeStreams, 'integer'],
    ['active_connections', i.activeConnections, 'integer'],
    ['sends_deferred', i.sendsDeferred, 'integer'],
    ['max_event_loop_utilization', i.maxEventLoopUtilization, 'float'],
  ];
}

/** Calls: their count, rate and whole-call latency (none for a report from before calls were counted). */
function callFields(report: Report): Field[] {
  const calls = report.calls;
  if (!calls) return [];
  return [
    ['calls', calls.count, 'integer'],
    ['calls_per_sec', calls.perSec, 'float'],
    ['call_mean_ms', calls.latencyMs.mean, 'float'],
    ['call_p50_ms', calls.latencyMs.p50, 'float'],
    ['call_p99_ms', calls.latencyMs.p99, 'float'],
    ['call_max_ms', calls.latencyMs.max, 'float'],
  ];
}

function summaryFields(report: Report): Field[] {
  const { counts, latencyMs } = report;
  return [
    ['duration_ms', report.durationMs, 'integer'],
    ['messages_sent', counts.messagesSent, 'integer'],
    ['messages_received', counts.messagesReceived, 'integer'],
    ['messages_failed', counts.messagesFailed, 'integer'],
    ['in_flight_at_stop', counts.inFlightAtStop, 'integer'],
    ['errors', counts.errors, 'integer'],
    ['streams_opened', counts.streamsOpened, 'integer'],
    ['streams_completed', counts.streamsCompleted, 'integer'],
    ['streams_failed', counts.streamsFailed, 'integer'],
    ['streams_cancelled', counts.streamsCancelled, 'integer'],
    ['sends_deferred', counts.sendsDeferred, 'integer'],
    ['connections_opened', report.connections.opened, 'integer'],
    ['messages_per_sec', report.throughput.messagesPerSec, 'float'],
    ['sent_per_sec', report.throughput.sentPerSec, 'float'],
    ['mean_ms', latencyMs.mean, 'float'],
    ['p50_ms', latencyMs.p50, 'float'],
    ['p90_ms', latencyMs.p90, 'float'],
    ['p95_ms', latencyMs.p95, 'float'],
    ['p99_ms', latencyMs.p99, 'float'],
    ['p999_ms', latencyMs.p999, 'float'],
    ['max_ms', latencyMs.max, 'float'],
    ['partial', report.partial, 'boolean'],
    ...callFields(report),
  ];
}

/** Nanoseconds since the epoch, exact (beyond Number's integer range): startedAt + offsetMs. */
function timestampNs(startedAt: string, offsetMs: number): string {
  return (BigInt(Date.parse(startedAt)) * 1_000_000n + BigInt(Math.round(offsetMs * 1000)) * 1000n).toString();
}

/** A flow: one `grpc_bench_flow_step` line per await step and one `grpc_bench_flow_check` line per check, tagged by name. */
function flowLines(flow: NonNullable<Report['flow']>, tags: string, at: string): string[] {
  const steps = Object.entries(flow.awaits).map(([step, a]) => {
    const fields: Field[] = [
      ['matched', a.matched, 'integer'],
      ['timeouts', a.timeouts, 'integer'],
      ['intermediate', a.intermediate, 'integer'],
      ...(a.latencyMs.count ? ([['p50_ms', a.latencyMs.p50, 'float'], ['p99_ms', a.latencyMs.p99, 'float'], ['max_ms', a.latencyMs.max, 'float']] as Field[]) : []),
    ];
    return `grpc_bench_flow_step${tags},step=${tag(step)} ${fieldSet(fields)} ${at}`;
  });
  const checks = Object.entries(flow.checks).map(([check, c]) => `grpc_bench_flow_check${tags},check=${tag(check)} ${fieldSet([['passes', c.passes, 'integer'], ['fails', c.fails, 'integer']])} ${at}`);
  return [...steps, ...checks];
}

/**
 * InfluxDB line protocol: one `grpc_bench` line per interval, stamped at the interval's end,
 * then one `grpc_bench_summary` line with the totals, stamped at the end of the load (and a flow's step and check lines).
 */
export function renderInflux(report: Report): string {
  const tags = ([['call', report.call], ['run', report.name]] as const)
    .filter(([, value]) => value !== '')
    .map(([key, value]) => `,${key}=${tag(value)}`)
    .join('');
  const lines = report.intervals.map((i) => `grpc_bench${tags} ${fieldSet(intervalFields(i))} ${timestampNs(report.startedAt, i.tMs)}`);
  lines.push(`grpc_bench_summary${tags} ${fieldSet(summaryFields(report))} ${timestampNs(report.startedAt, report.durationMs)}`);
  if (report.flow) lines.push(...flowLines(report.flow, tags, timestampNs(report.startedAt, report.durationMs)));
  return `${lines.join('\n')}\n`;
}

export const influxReporter: Reporter = { name: 'influx', extension: 'lp', render: renderInflux };
