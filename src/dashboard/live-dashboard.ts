import { LiveIntervalMerger, type LiveInterval } from '../report/live-intervals.js';
import type { Report } from '../report/report.js';
import type { IntervalSnapshot } from '../types/worker-protocol.js';
import { startDashboardServer } from './dashboard-server.js';
import { finalFigures } from './final-figures.js';
import { liveCharts } from './live-charts.js';

/** Measured intervals drawn: an hour at the default 1 s interval; older ones are dropped, so memory stays bounded on long runs. */
export const KEPT_INTERVALS = 3600;

/** `run --dashboard`: the workers' snapshots in, merged intervals and the final figures out to the pages. */
export interface LiveDashboard {
  url: string;
  /** The measured load starts with this many workers, a snapshot every `intervalMs`; snapshots before it (probes) are not shown. */
  loadStarted(workerCount: number, intervalMs: number): void;
  addSnapshot(snapshot: IntervalSnapshot): void;
  /** The run's report is built: the intervals no worker completed, then the final figures. */
  finish(report: Report): void;
  close(): Promise<void>;
}

/** Starts the dashboard's server on 127.0.0.1:`port` (0: a free one); rejects if it cannot listen. `keptIntervals`: the newest measured intervals drawn. */
export async function startLiveDashboard(runName: string, port: number, keptIntervals = KEPT_INTERVALS): Promise<LiveDashboard> {
  const server = await startDashboardServer(runName, port);
  let merger: LiveIntervalMerger | undefined;
  const drawn: LiveInterval[] = [];
  let received = 0;
  let warmupIntervals = 0;
  const show = (intervals: LiveInterval[]): void => {
    if (!intervals.length) return;
    for (const interval of intervals) {
      received += 1;
      if (interval.warmup) warmupIntervals += 1;
      else drawn.push(interval);
    }
    if (drawn.length > keptIntervals) drawn.splice(0, drawn.length - keptIntervals);
    server.update({ intervals: received, warmupIntervals, charts: liveCharts(drawn) });
  };
  return {
    url: server.url,
    loadStarted(workerCount, intervalMs) {
      merger = new LiveIntervalMerger(workerCount, intervalMs);
    },
    addSnapshot(snapshot) {
      show(merger?.add(snapshot) ?? []);
    },
    finish(report) {
      show(merger?.flush() ?? []);
      server.finish(finalFigures(report));
    },
    close: () => server.close(),
  };
}
