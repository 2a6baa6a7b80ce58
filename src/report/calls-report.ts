import type { CallKind } from '../types/call-kind.js';
import { encodeHistogram, type LatencyHistogram } from '../stats/latency-histogram.js';
import { summarizeLatency } from '../stats/summarize-latency.js';
import type { CallsReport } from './report.js';

/** The report's `calls`: `statusCodes` counts every call that ended with a status; `latencyUs` holds each one's whole-call latency. */
export function callsReport(kind: CallKind, statusCodes: Record<string, number>, latencyUs: LatencyHistogram, durationMs: number, okLatencyUs?: LatencyHistogram): CallsReport {
  const count = Object.values(statusCodes).reduce((sum, n) => sum + n, 0);
  return {
    kind,
    count,
    perSec: durationMs > 0 ? Math.round((count * 1000 * 100) / durationMs) / 100 : 0,
    latencyMs: summarizeLatency(latencyUs),
    histogram: encodeHistogram(latencyUs),
    ...(okLatencyUs ? { okHistogram: encodeHistogram(okLatencyUs) } : {}),
  };
}
