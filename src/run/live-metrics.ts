import { Counter, Gauge, Registry } from 'prom-client';
import { serveMetrics } from '../target/serve-metrics.js';
import type { LiveStatus } from '../report/live-status.js';
import type { Flow } from '../scenario/flow-schema.js';
import { flowSeriesNames, liveFlowMetrics, type LiveFlowMetricsUpdate } from './live-flow-metrics.js';

export interface LiveMetrics {
  /** Where the exposition is served, e.g. 'http://127.0.0.1:9464/metrics'. */
  url: string;
  /** Brings every grpc_bench_* figure up to date with the latest running totals. */
  update(status: LiveStatus): void;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * Serves the run's live grpc_bench_* metrics, labelled run=<name>, in the Prometheus text
 * format at http://127.0.0.1:<port>/metrics (0 picks a free port), so the load shows on the
 * same dashboards as the service under test. Counters are cumulative since the run started;
 * gauges hold the latest interval. With a flow, its grpc_bench_flow_* series are there from the
 * start too (see liveFlowMetrics). Rejects if the port cannot be bound.
 */
export async function startLiveMetrics(runName: string, port: number, flow?: Flow): Promise<LiveMetrics> {
  const registry = new Registry();
  registry.setDefaultLabels({ run: runName });
  const registers = [registry];
  const sent = new Counter({ name: 'grpc_bench_messages_sent_total', help: 'Request messages sent by grpc-bench.', registers });
  const received = new Counter({ name: 'grpc_bench_messages_received_total', help: 'Response messages received by grpc-bench.', registers });
  const errors = new Counter({ name: 'grpc_bench_errors_total', help: 'Error events: failed streams, unanswered requests, unmatched responses.', registers });
  const activeStreams = new Gauge({ name: 'grpc_bench_active_streams', help: 'Streams open at the end of the last interval.', registers });
  const activeConnections = new Gauge({ name: 'grpc_bench_active_connections', help: 'HTTP/2 connections open at the end of the last interval.', registers });
  const p99 = new Gauge({ name: 'grpc_bench_latency_p99_seconds', help: 'P99 latency of the last interval (the busiest worker).', registers });
  // Initialise every series, so a scrape before the first interval already shows them.
  for (const metric of [sent, received, errors]) metric.inc(0);
  for (const gauge of [activeStreams, activeConnections, p99]) gauge.set(0);

  const server = await serveMetrics(registry, HOST, port);
  let last = { sent: 0, received: 0, errors: 0 };
  const updateFlow: LiveFlowMetricsUpdate | undefined = flow ? liveFlowMetrics(registry, flowSeriesNames(flow)) : undefined;
  return {
    url: server.url,
    update(status) {
      // The running totals only grow; counters take the increase since the last update.
      sent.inc(Math.max(0, status.messagesSent - last.sent));
      received.inc(Math.max(0, status.messagesReceived - last.received));
      errors.inc(Math.max(0, status.errors - last.errors));
      last = { sent: status.messagesSent, received: status.messagesReceived, errors: status.errors };
      activeStreams.set(status.activeStreams);
      activeConnections.set(status.activeConnections);
      p99.set(status.p99Ms / 1000);
      if (status.flow) updateFlow?.(status.flow);
    },
    close: () => server.close(),
  };
}
