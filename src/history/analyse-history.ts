import { HISTORY_METRICS } from './history-metrics.js';
import type { Finding, HistoryAnalysis, HistoryOptions, SeriesTrend } from './history-analysis.js';
import { judgeNewestRun } from './judge-newest-run.js';
import type { RecordSeries, RunRecord } from './run-record.js';
import { sortedTags } from './record-from-report.js';

export const DEFAULT_HISTORY_OPTIONS: HistoryOptions = { maxPValue: 0.001, minMagnitude: 0.05, minSegment: 3, recentRuns: 5, failOnSuspected: false };

interface SeriesRun {
  record: RunRecord;
  series: RecordSeries;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Runs in time order; a tie is broken by run id, so the order never depends on the order read. */
const byStart = (a: SeriesRun, b: SeriesRun): number => Date.parse(a.record.startedAt) - Date.parse(b.record.startedAt) || compareText(a.record.runId, b.record.runId);

const seriesKey = (record: RunRecord, series: RecordSeries): string => [record.name, record.call, ...(series.version === undefined ? [] : [series.version])].join(' · ');

/**
 * The whole history judged: runs grouped into series by scenario name, call and (split runs)
 * version, each metric's change points found, and the newest run of each series judged.
 * Pure: the same records, in any order, give the same analysis. A run recorded twice (same id) counts once.
 */
export function analyseHistory(records: readonly RunRecord[], options: HistoryOptions = DEFAULT_HISTORY_OPTIONS): HistoryAnalysis {
  const groups = new Map<string, Map<string, SeriesRun>>();
  for (const record of records) {
    for (const series of record.series) {
      const key = seriesKey(record, series);
      const runs = groups.get(key) ?? new Map<string, SeriesRun>();
      if (!runs.has(record.runId)) runs.set(record.runId, { record, series });
      groups.set(key, runs);
    }
  }
  const findings: Finding[] = [];
  const series: SeriesTrend[] = [...groups.keys()].sort(compareText).map((key) => {
    const runs = [...groups.get(key)!.values()].sort(byStart);
    const first = runs[0]!;
    const metrics = HISTORY_METRICS.map((spec) => {
      const values = runs.map((run) => run.series.metrics[spec.metric] ?? null);
      const { changePoints, finding } = judgeNewestRun(spec, values, options);
      if (finding) findings.push({ seriesKey: key, metric: spec.metric, label: spec.label, unit: spec.unit, ...finding });
      return { spec, values, changePoints };
    });
    return {
      key,
      name: first.record.name,
      call: first.record.call,
      ...(first.series.version === undefined ? {} : { version: first.series.version }),
      runs: runs.map(({ record }) => ({ runId: record.runId, startedAt: record.startedAt, tags: sortedTags(record.tags), target: record.target })),
      metrics,
    };
  });
  const rank = (f: Finding): number => (f.kind === 'regression' ? 0 : 2) + (f.status === 'confirmed' ? 0 : 1);
  findings.sort((a, b) => rank(a) - rank(b));
  const failing = findings.some((f) => f.kind === 'regression' && (f.status === 'confirmed' || options.failOnSuspected));
  return { options, series, findings, verdict: failing ? 'fail' : 'pass' };
}
