import type { Report } from '../report/report.js';
import { callKindWords, type CallKind } from '../types/call-kind.js';
import { count, ms, rate } from './format-units.js';

/** What the report's per-message latency (`latencyMs`) measures for calls of `kind`; with a flow, its awaits' matches. */
export function messageLatencyMeaning(kind: CallKind, flow = false): string {
  if (flow) return "each await step's match, from the flow run's latest send (a run's first send: when it was due)";
  switch (kind) {
    case 'unary':
      return "each call's response, from when its request was due";
    case 'clientStreaming':
      return "each call's response, from when its first request was due";
    case 'serverStreaming':
      return 'each message: the first from when the request was due, each later one from the message before it';
    case 'bidi':
      return 'each response, from when its request was due';
  }
}

/** The report's calls as label → value rows, in reading order; none for a report without calls. */
export function callRows(report: Report): Array<[label: string, value: string]> {
  const calls = report.calls;
  if (!calls) return [];
  const l = calls.latencyMs;
  // A report rebuilt from a run journal counts calls by status but has no per-call latencies.
  const none = report.notMeasured?.includes('streamStats') ? 'not measured (a run journal does not hold them)' : 'no call ended';
  return [
    ['kind', callKindWords(calls.kind)],
    ['calls', `${count(calls.count)} ended (${count(report.statusCodes['OK'] ?? 0)} OK)`],
    ['calls/sec', rate(calls.perSec)],
    ['per call', l.count ? `fastest ${ms(l.min)}, average ${ms(l.mean)}, slowest ${ms(l.max)}` : none],
    ['per call percentiles', l.count ? `P50 ${ms(l.p50)}, P90 ${ms(l.p90)}, P99 ${ms(l.p99)}, P99.9 ${ms(l.p999)}` : '—'],
  ];
}
