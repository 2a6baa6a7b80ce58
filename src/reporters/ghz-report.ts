import type { Report } from '../report/report.js';
import { decodeHistogram, forEachRecordedValue, type LatencyHistogram } from '../stats/latency-histogram.js';
import { summarizeLatency, type LatencySummaryMs } from '../stats/summarize-latency.js';

/**
 * ghz's report, in its field names, order, types and units (its docs' output page and its JSON):
 * durations are integer nanoseconds, `histogram` marks are seconds, `rps` is calls per second.
 * grpc-bench's own figures come on top under `grpcBench`.
 */
export interface GhzReport {
  /** RFC 3339, when the run ended, to the second. */
  date: string;
  name?: string;
  /** `normal` (all -n calls made), `timeout` (-z or -x ended it) or `cancel` (interrupted). */
  endReason: 'normal' | 'timeout' | 'cancel';
  options: Record<string, unknown>;
  /** Calls that ended, OK or not. */
  count: number;
  total: number;
  average: number;
  fastest: number;
  slowest: number;
  rps: number;
  /** "rpc error: code = Unavailable desc = …" → calls. */
  errorDistribution: Record<string, number>;
  /** gRPC status as gRPC-Go spells it (`OK`, `Unavailable`, `DeadlineExceeded`) → calls. */
  statusCodeDistribution: Record<string, number>;
  latencyDistribution: Array<{ percentage: number; latency: number }> | null;
  histogram: Array<{ mark: number; count: number; frequency: number }> | null;
  details: Array<{ timestamp: string; latency: number; error: string; status: string }> | null;
  tags?: Record<string, string>;
  grpcBench: {
    tool: Report['tool'];
    /** Every call that ended with a status, OK or not (ghz's figures above leave failed calls out unless --count-errors). */
    perCallLatencyMs: LatencySummaryMs;
    /** Every response of every stream, from its request (HDR, P50 … P99.9). */
    perMessageLatencyMs: LatencySummaryMs;
    messagesSent: number;
    messagesReceived: number;
    messagesPerSec: number;
    /** Server-streaming calls the client ended after --stream-call-count replies or --stream-call-duration: OK here (ghz: Canceled). */
    callsEndedByClient: number;
    /** How `details` was bounded: a uniform sample of `kept` of the `calls` that ended; `skipped`: the first calls --skipFirst left out of every figure. */
    details: { policy: string; calls: number; kept: number; skipped: number };
  };
}

const GHZ_PERCENTAGES = [10, 25, 50, 75, 90, 95, 99];

/** gRPC status name → gRPC-Go's spelling, which ghz prints: INVALID_ARGUMENT → InvalidArgument, CANCELLED → Canceled. */
export function goStatusName(name: string): string {
  if (name === 'OK') return 'OK';
  if (name === 'CANCELLED') return 'Canceled';
  if (!/^[A-Z_]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|_)(\w)/g, (_, __: string, c: string) => c.toUpperCase());
}

/** "UNAVAILABLE: connection refused" → gRPC-Go's error text: "rpc error: code = Unavailable desc = connection refused". */
function goErrorText(detail: string): string {
  const cut = detail.indexOf(': ');
  const status = cut < 0 ? detail : detail.slice(0, cut);
  const desc = cut < 0 ? '' : detail.slice(cut + 2);
  return `rpc error: code = ${goStatusName(status)} desc = ${desc}`;
}

const nsFromUs = (us: number): number => Math.round(us * 1000);
const nsFromMs = (ms: number): number => Math.round(ms * 1e6);

/** RFC 3339 to the second, as Go's time.RFC3339 writes a UTC time. */
const rfc3339 = (epochMs: number): string => new Date(epochMs).toISOString().replace(/\.\d+Z$/, 'Z');

/** RFC 3339 with nanoseconds, trailing zeros dropped, as Go's time.RFC3339Nano. */
function rfc3339Nano(epochMs: number): string {
  const iso = new Date(Math.floor(epochMs)).toISOString();
  const nanos = String(Math.round((epochMs % 1000) * 1e6)).padStart(9, '0').replace(/0+$/, '');
  return `${iso.slice(0, 19)}${nanos ? `.${nanos}` : ''}Z`;
}

/** ghz's 11 histogram marks (µs) from the fastest to the slowest value of `histogram`, evenly spaced. */
function ghzMarksUs(histogram: LatencyHistogram): number[] {
  const fastestUs = histogram.minNonZeroValue;
  const slowestUs = histogram.maxValue;
  const widthUs = (slowestUs - fastestUs) / 10;
  return Array.from({ length: 11 }, (_, i) => (i === 10 ? slowestUs : fastestUs + widthUs * i));
}

/**
 * The values of `histogram` at or below each mark (µs), cumulative, and those above the last mark.
 * A value counts from its HDR bucket's lowest value, so the fastest call falls on the first mark, as in ghz.
 */
function cumulativeAtMarks(histogram: LatencyHistogram, marksUs: number[]): { cumulative: number[]; aboveLast: number } {
  const counts = marksUs.map(() => 0);
  let aboveLast = 0;
  let bucket = 0;
  forEachRecordedValue(histogram, (valueUs, valueCount) => {
    const lowestUs = (histogram as unknown as { lowestEquivalentValue(value: number): number }).lowestEquivalentValue(valueUs);
    while (bucket < marksUs.length && lowestUs > marksUs[bucket]!) bucket++;
    if (bucket === marksUs.length) aboveLast += valueCount;
    else counts[bucket]! += valueCount;
  });
  let running = 0;
  return { cumulative: counts.map((n) => (running += n)), aboveLast };
}

/** ghz's histogram: 11 marks from fastest to slowest (seconds), each counting the calls above the previous mark. */
function ghzHistogram(encoded: string, count: number): GhzReport['histogram'] {
  const histogram = decodeHistogram(encoded);
  if (!histogram.totalCount) return null;
  const marksUs = ghzMarksUs(histogram);
  const { cumulative } = cumulativeAtMarks(histogram, marksUs);
  return marksUs.map((markUs, i) => {
    const n = cumulative[i]! - (i ? cumulative[i - 1]! : 0);
    return { mark: markUs / 1e6, count: n, frequency: n / count };
  });
}

/**
 * The exposition format's histogram buckets at ghz's marks (those of `histogram` in the ghz report):
 * cumulative counts of every call that ended, so the `+Inf` bucket is `count`, as ghz's `_count` is.
 * Without --count-errors the marks span the OK calls and a slower failed call falls in `+Inf` only.
 */
export function ghzPrometheusBuckets(report: Report): Array<{ markS: number; cumulative: number }> {
  const { all, shown } = ghzHistograms(report);
  const shownHistogram = decodeHistogram(shown);
  if (!shownHistogram.totalCount) return [];
  const marksUs = ghzMarksUs(shownHistogram);
  const { cumulative } = cumulativeAtMarks(decodeHistogram(all), marksUs);
  return marksUs.map((markUs, i) => ({ markS: Number((markUs / 1e6).toPrecision(12)), cumulative: cumulative[i]! }));
}

/** Every call's histogram, and the one ghz's latency figures show: the OK calls' unless --count-errors, as in ghz. */
function ghzHistograms(report: Report): { all: string; shown: string; okOnly: boolean } {
  // Reports from before calls were counted: a call is a stream, its latency the stream's life.
  const all = report.calls?.histogram ?? report.auxHistograms.streamDuration;
  const okOnly = report.calls?.okHistogram !== undefined && !report.ghz?.options['count-errors'];
  return { all, shown: okOnly ? report.calls!.okHistogram! : all, okOnly };
}

/** ghz's latencyDistribution (10 … 99 %) from the per-call HDR histogram, ns. */
function ghzLatencyDistribution(encoded: string): GhzReport['latencyDistribution'] {
  const histogram = decodeHistogram(encoded);
  if (!histogram.totalCount) return null;
  return GHZ_PERCENTAGES.map((percentage) => ({ percentage, latency: nsFromUs(histogram.getValueAtPercentile(percentage)) }));
}

export const DETAILS_POLICY = 'a uniform random sample of the calls that ended (reservoir sampling, at most 2,000 per worker and per report, merged in proportion to each worker\'s calls), in time order; ghz keeps every call';

/**
 * The ghz report of a grpc-bench run, from its per-call figures (`calls`: a stream is one call,
 * as ghz counts it; each call's latency from its start, its due time in the open model, to its
 * status). One function, so every ghz format agrees.
 */
export function toGhzReport(report: Report): GhzReport {
  const ghz = report.ghz;
  const allCalls = report.calls?.latencyMs ?? report.streamStats.durationMs;
  // As ghz: fastest, slowest, histogram and distribution from the OK calls unless --count-errors; the average from all.
  const { shown: shownHistogram, okOnly } = ghzHistograms(report);
  const shown = okOnly ? summarizeLatency(decodeHistogram(shownHistogram)) : allCalls;
  const count = report.calls?.count ?? report.counts.streamsCompleted + report.counts.streamsFailed;
  const totalNs = nsFromMs(report.durationMs);
  const endedAtMs = Date.parse(report.startedAt) + report.warmupMs + report.durationMs;
  const sample = report.callSample ?? { seen: 0, kept: [] };
  const skipped = report.counts.callsSkipped ?? 0;
  const { kept } = sample;
  const planned = ghz?.callsPlanned;
  return {
    date: rfc3339(endedAtMs),
    ...(ghz?.options['name'] ? { name: String(ghz.options['name']) } : {}),
    // The calls --skipFirst left out were made too.
    endReason: report.partial ? 'cancel' : planned !== undefined && count + skipped >= planned ? 'normal' : 'timeout',
    options: ghz?.options ?? { call: report.call, host: report.target },
    count,
    total: totalNs,
    average: nsFromMs(allCalls.mean),
    fastest: nsFromMs(shown.min),
    slowest: nsFromMs(shown.max),
    rps: totalNs > 0 ? count / (totalNs / 1e9) : 0,
    errorDistribution: Object.fromEntries(Object.entries(report.errorDetails).map(([detail, n]) => [goErrorText(detail), n])),
    statusCodeDistribution: Object.fromEntries(Object.entries(report.statusCodes).map(([status, n]) => [goStatusName(status), n])),
    latencyDistribution: ghzLatencyDistribution(shownHistogram),
    histogram: ghzHistogram(shownHistogram, shown.count),
    details: kept.length
      ? kept.map((call) => ({ timestamp: rfc3339Nano(call.endedAtEpochMs), latency: nsFromUs(call.durationUs), error: call.error, status: goStatusName(call.status) }))
      : null,
    ...(ghz?.tags ? { tags: ghz.tags } : {}),
    grpcBench: {
      tool: report.tool,
      perCallLatencyMs: allCalls,
      perMessageLatencyMs: report.latencyMs,
      messagesSent: report.counts.messagesSent,
      messagesReceived: report.counts.messagesReceived,
      messagesPerSec: report.throughput.messagesPerSec,
      callsEndedByClient: report.counts.callsEndedByClient ?? 0,
      details: { policy: DETAILS_POLICY, calls: sample.seen, kept: kept.length, skipped },
    },
  };
}
