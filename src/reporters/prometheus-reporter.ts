import type { Report } from '../report/report.js';
import type { Reporter } from './reporter.js';

type Labels = Array<[string, string]>;

interface Metric {
  /** Without the `grpc_bench_` prefix; units in the name, counters end in `_total`. */
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  samples: Array<{ labels?: Labels; value: number }>;
}

/** Exposition format 0.0.4: label values escape backslash, double quote and line feed. */
const labelValue = (text: string): string => text.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));

/** HELP text escapes backslash and line feed. */
const helpText = (text: string): string => text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));

/** Go float syntax, which Prometheus parses: NaN, +Inf, -Inf, else the shortest round-trip decimal. */
function sampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

const QUANTILES: ReadonlyArray<[string, keyof Report['latencyMs']]> = [
  ['0.5', 'p50'], ['0.9', 'p90'], ['0.95', 'p95'], ['0.99', 'p99'], ['0.999', 'p999'],
];

/** A flow's steps and checks, labelled by step and check name (docs/flows.md). */
function flowMetrics(flow: NonNullable<Report['flow']>): Metric[] {
  const awaits = Object.entries(flow.awaits);
  return [
    {
      name: 'flow_runs_total',
      type: 'counter',
      help: 'Flow runs by how they ended (started counts every one).',
      samples: [
        { labels: [['outcome', 'started']], value: flow.runsStarted },
        { labels: [['outcome', 'completed']], value: flow.runsCompleted },
        { labels: [['outcome', 'timed_out']], value: flow.runsTimedOut },
        { labels: [['outcome', 'unfinished']], value: flow.runsUnfinished },
      ],
    },
    { name: 'flow_step_matches_total', type: 'counter', help: 'Matches of each await step.', samples: awaits.map(([step, a]) => ({ labels: [['step', step]], value: a.matched })) },
    { name: 'flow_step_timeouts_total', type: 'counter', help: 'Flow runs ended as DEADLINE_EXCEEDED at each await step.', samples: awaits.map(([step, a]) => ({ labels: [['step', step]], value: a.timeouts })) },
    {
      name: 'flow_step_latency_seconds',
      type: 'gauge',
      help: 'Await step latency quantiles, from the flow run\'s latest send to the match.',
      samples: awaits.flatMap(([step, a]) => QUANTILES.map(([quantile, key]) => ({ labels: [['step', step], ['quantile', quantile]] as Labels, value: Math.round(a.latencyMs[key] * 1000) / 1e6 }))),
    },
    {
      name: 'flow_checks_total',
      type: 'counter',
      help: 'Check judgements by check and result.',
      samples: Object.entries(flow.checks).flatMap(([check, c]) => [
        { labels: [['check', check], ['result', 'pass']] as Labels, value: c.passes },
        { labels: [['check', check], ['result', 'fail']] as Labels, value: c.fails },
      ]),
    },
    { name: 'flow_unsolicited_total', type: 'counter', help: 'Responses of no flow run (or matching unsolicited), by status.', samples: Object.entries(flow.unsolicited).map(([status, n]) => ({ labels: [['status', status]], value: n })) },
  ];
}

function metrics(report: Report): Metric[] {
  const { counts } = report;
  const one = (value: number): Metric['samples'] => [{ value }];
  return [
    { name: 'messages_sent_total', type: 'counter', help: 'Request messages sent.', samples: one(counts.messagesSent) },
    { name: 'messages_received_total', type: 'counter', help: 'Responses received.', samples: one(counts.messagesReceived) },
    { name: 'messages_failed_total', type: 'counter', help: 'Requests whose stream ended before their response came.', samples: one(counts.messagesFailed) },
    { name: 'errors_total', type: 'counter', help: 'Error events: failed streams, unanswered requests, unmatched responses.', samples: one(counts.errors) },
    {
      name: 'streams_total',
      type: 'counter',
      help: 'Streams by how they ended.',
      samples: [
        { labels: [['outcome', 'completed']], value: counts.streamsCompleted },
        { labels: [['outcome', 'failed']], value: counts.streamsFailed },
        { labels: [['outcome', 'cancelled']], value: counts.streamsCancelled },
      ],
    },
    {
      name: 'status_total',
      type: 'counter',
      help: 'Stream (call) outcomes by gRPC status name.',
      samples: Object.entries(report.statusCodes).map(([code, n]) => ({ labels: [['code', code]], value: n })),
    },
    { name: 'throughput_messages_per_second', type: 'gauge', help: 'Responses received per second of load time.', samples: one(report.throughput.messagesPerSec) },
    {
      name: 'latency_seconds',
      type: 'gauge',
      help: 'Response latency quantiles over the whole run.',
      samples: QUANTILES.map(([quantile, key]) => ({ labels: [['quantile', quantile]], value: Math.round(report.latencyMs[key] * 1000) / 1e6 })),
    },
    ...(report.calls
      ? [
          { name: 'calls_total', type: 'counter', help: 'Calls (RPCs) that ended with a status, OK or not.', samples: one(report.calls.count) } satisfies Metric,
          {
            name: 'call_latency_seconds',
            type: 'gauge',
            help: 'Whole-call latency quantiles over the whole run, from each call\'s start to its status.',
            samples: QUANTILES.map(([quantile, key]) => ({ labels: [['quantile', quantile]], value: Math.round(report.calls!.latencyMs[key] * 1000) / 1e6 })),
          } satisfies Metric,
        ]
      : []),
    ...(report.flow ? flowMetrics(report.flow) : []),
    { name: 'duration_seconds', type: 'gauge', help: 'Load time after the warm-up, to the last stream ended (drain included).', samples: one(report.durationMs / 1000) },
    { name: 'connections_opened_total', type: 'counter', help: 'HTTP/2 connections that became ready.', samples: one(report.connections.opened) },
    { name: 'partial', type: 'gauge', help: '1 when the run did not reach its planned end, else 0.', samples: one(report.partial ? 1 : 0) },
  ];
}

/**
 * The final results in the Prometheus text exposition format 0.0.4, for a Pushgateway: no
 * timestamps, `run` and `call` labels on every sample.
 */
export function renderPrometheus(report: Report): string {
  const common: Labels = [['run', report.name], ['call', report.call]];
  const lines: string[] = [];
  for (const metric of metrics(report)) {
    const name = `grpc_bench_${metric.name}`;
    lines.push(`# HELP ${name} ${helpText(metric.help)}`, `# TYPE ${name} ${metric.type}`);
    for (const sample of metric.samples) {
      const labels = [...common, ...(sample.labels ?? [])].map(([key, value]) => `${key}="${labelValue(value)}"`).join(',');
      lines.push(`${name}{${labels}} ${sampleValue(sample.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export const prometheusReporter: Reporter = { name: 'prometheus', extension: 'prom', render: renderPrometheus };
