import { BenchError } from '../errors/bench-error.js';
import type { Report, ReportInterval } from '../report/report.js';

/** Interval figures a split run keeps for the run only, not per version: zero in a version's view. */
const NOT_ATTRIBUTED: Omit<ReportInterval, 'tMs' | 'durationMs' | 'messagesReceived' | 'messagesPerSec' | 'p50Ms' | 'p99Ms' | 'histogram'> = {
  messagesSent: 0,
  messagesFailed: 0,
  errors: 0,
  streamsOpened: 0,
  streamsCompleted: 0,
  streamsFailed: 0,
  activeStreams: 0,
  activeConnections: 0,
  sendsDeferred: 0,
  maxEventLoopUtilization: 0,
};

/**
 * One version of a split run (report `versions`) as a report of its own, for `compare --versions`:
 * its intervals (same times as the run's, so two versions pair by time), latencies, histogram,
 * throughput and flow. A split run does not attribute errors or failed streams to versions, so
 * the view's error counts are zero and marked `errorCounts` not measured: compare leaves them out.
 * `file` names the report in the error when the version is not there.
 */
export function versionView(report: Report, version: string, file: string): Report {
  const versions = report.versions;
  if (versions === undefined || Object.keys(versions).length === 0) {
    throw new BenchError('REPORT_INVALID', `${file}: has no versions (not a split run); --versions needs the report of a run with split:`);
  }
  const figures = versions[version];
  if (figures === undefined) {
    throw new BenchError('REPORT_INVALID', `${file}: no version "${version}" in versions; expected one of ${Object.keys(versions).join(', ')}`);
  }
  // Whole-run parts that are not this version's: its flow, rounds, thresholds and the target's memory.
  const { flow: _flow, rounds: _rounds, thresholds: _thresholds, ...rest } = report;
  const measuredMs = figures.intervals.reduce((sum, i) => sum + i.durationMs, 0);
  const received = figures.intervals.reduce((sum, i) => sum + i.messagesReceived, 0);
  return {
    ...rest,
    name: `${report.name} ${version}`,
    counts: { ...report.counts, messagesReceived: figures.messagesReceived, messagesSent: 0, errors: 0, messagesFailed: 0, streamsFailed: 0 },
    throughput: { messagesPerSec: measuredMs > 0 ? Math.round((received * 100000) / measuredMs) / 100 : 0, sentPerSec: 0 },
    memory: { client: report.memory.client, clientHeap: report.memory.clientHeap },
    latencyMs: figures.latencyMs,
    latencyUncorrectedMs: figures.latencyMs,
    intervals: figures.intervals.map((interval) => ({ ...NOT_ATTRIBUTED, ...interval })),
    histogram: figures.histogram,
    ...(figures.flow ? { flow: figures.flow } : {}),
    notMeasured: [...(report.notMeasured ?? []), 'errorCounts'],
    versions: { [version]: figures },
  };
}
