import { emptyCounters, type IntervalSnapshot } from '../../src/types/worker-protocol.js';
import { createLatencyHistogram, encodeHistogram } from '../../src/stats/latency-histogram.js';

const EMPTY_HISTOGRAM = encodeHistogram(createLatencyHistogram());

/** A worker's interval snapshot that counted nothing, with the given fields set (by default it ends where equal intervals before it would). */
export function intervalSnapshot(fields: Pick<IntervalSnapshot, 'workerId' | 'index' | 'durationMs' | 'warmup'> & Partial<IntervalSnapshot>): IntervalSnapshot {
  return {
    type: 'interval',
    counters: emptyCounters(),
    statusCodes: {},
    histogram: EMPTY_HISTOGRAM,
    activeStreams: 0,
    activeConnections: 0,
    inFlight: 0,
    heapUsedBytes: 0,
    eventLoopUtilization: 0,
    endMs: (fields.index + 1) * fields.durationMs,
    ...fields,
  };
}
