import { RUN_RECORD_VERSION, type RunRecord } from '../src/history/run-record.js';
import type { HistoryMetric } from '../src/history/history-metrics.js';

/** A history record with the given metric values, for benchmarks and tests; settings are a small fixed set. */
export function syntheticRecord(options: {
  index: number;
  metrics: Partial<Record<HistoryMetric, number | null>>;
  name?: string;
  call?: string;
  version?: string;
  tags?: Record<string, string>;
  histogram?: string;
  intervals?: RunRecord['series'][number]['intervals'];
}): RunRecord {
  const startedAt = new Date(Date.UTC(2026, 0, 1) + options.index * 86_400_000).toISOString();
  return {
    kind: 'grpc-bench-run-record',
    recordVersion: RUN_RECORD_VERSION,
    runId: (options.index + 1).toString(16).padStart(16, '0'),
    tool: { name: 'grpc-bench', version: '0.1.0' },
    recordedAt: startedAt,
    startedAt,
    name: options.name ?? 'nightly-gate',
    target: '127.0.0.1:50051',
    call: options.call ?? 'pb.OrderService/CreateOrderStream',
    tags: options.tags ?? { commit: `c${options.index}` },
    durationMs: 30_000,
    loadModel: 'closed',
    settings: { streams: 8, connections: 2, workers: 2, stream: { intervalMs: 0, window: 1 }, insecure: true, metadata: {}, proto: 'order.proto' },
    series: [{ ...(options.version === undefined ? {} : { version: options.version }), metrics: options.metrics, intervals: options.intervals ?? [], histogram: options.histogram ?? '' }],
  };
}
