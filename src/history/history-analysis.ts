import type { ChangePointOptions } from './detect-change-points.js';
import type { HistoryMetricSpec } from './history-metrics.js';

/** How the history is judged: the change-point settings and the gate's. */
export interface HistoryOptions extends Omit<ChangePointOptions, 'minAbsolute'> {
  /** A confirmed change counts as new while it began within this many of the newest runs of its series. */
  recentRuns: number;
  /** Exit 99 on a suspected regression too. */
  failOnSuspected: boolean;
}

/** One run of a series, as the outputs show it. */
export interface HistoryRun {
  runId: string;
  startedAt: string;
  tags: Record<string, string>;
  target: string;
}

/** A change of a metric's mean; `runIndex` is the first run after it (into the series' runs). */
export interface ChangePoint {
  runIndex: number;
  meanBefore: number;
  meanAfter: number;
  /** (after − before) / |before|; null when the mean before is 0. */
  relativeChange: number | null;
  pValue: number;
  kind: 'regression' | 'improvement';
}

/**
 * What the gate says about the newest run of a series for one metric. `confirmed`: a change
 * point at `firstRun` that holds over the runs since; `suspected`: the newest run alone lies
 * outside what the last stable segment predicts.
 */
export interface Finding {
  seriesKey: string;
  metric: HistoryMetricSpec['metric'];
  label: string;
  unit: HistoryMetricSpec['unit'];
  kind: 'regression' | 'improvement';
  status: 'confirmed' | 'suspected';
  /** The segment's mean before, and after (the newest run's value when suspected). */
  before: number;
  after: number;
  relativeChange: number | null;
  pValue: number;
  /** The first run after the change (the newest when suspected) and the last run before it. */
  firstRun: number;
  lastGoodRun: number;
  /** Runs from `firstRun` to the newest, both included. */
  runsSince: number;
}

export interface MetricTrend {
  spec: HistoryMetricSpec;
  /** One value per run of the series; null where the run has none. */
  values: (number | null)[];
  changePoints: ChangePoint[];
}

export interface SeriesTrend {
  /** `name · call`, and ` · version` for one side of split runs. */
  key: string;
  name: string;
  call: string;
  version?: string;
  /** Oldest first. */
  runs: HistoryRun[];
  metrics: MetricTrend[];
}

export interface HistoryAnalysis {
  options: HistoryOptions;
  series: SeriesTrend[];
  /** About the newest run of each series; regressions first. */
  findings: Finding[];
  /** `fail`: a confirmed regression, or a suspected one with failOnSuspected. */
  verdict: 'pass' | 'fail';
}
