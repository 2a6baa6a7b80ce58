import type { LiveInterval } from '../report/live-intervals.js';
import type { ChartSpec } from '../reporters/html/charts/chart-spec.js';
import { activitySpec, errorsSpec, latencySpec, throughputSpec } from '../reporters/html/charts/run-charts.js';
import { flowStepSpecs } from '../reporters/html/charts/flow-charts.js';

/** What an `interval` event carries: the charts as they stand, and what the status line counts. */
export interface LiveChartsUpdate {
  /** Intervals received so far, warm-up included. */
  intervals: number;
  /** Of them, in the warm-up: not drawn, as the report leaves them out. */
  warmupIntervals: number;
  charts: ChartSpec[];
}

/**
 * The run report's time charts over the measured intervals so far (with a flow, one per await),
 * built by the report's own builders: the same titles, series, colours and units. The memory chart (it needs the report's
 * fitted slope) and the latency histogram come with the final report.
 */
export function liveCharts(intervals: readonly LiveInterval[]): ChartSpec[] {
  const run = { intervals };
  return [throughputSpec(run), latencySpec(run), errorsSpec(run), activitySpec(run), ...flowStepSpecs(run)];
}
