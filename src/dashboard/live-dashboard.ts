import { LiveIntervalMerger } from '../report/live-intervals.js';
import type { Report } from '../report/report.js';
import type { IntervalSnapshot } from '../types/worker-protocol.js';
import { startDashboardServer } from './dashboard-server.js';
import { finalFigures } from './final-figures.js';

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

/** Starts the dashboard's server on 127.0.0.1:`port` (0: a free one); rejects if it cannot listen. */
export async function startLiveDashboard(runName: string, port: number): Promise<LiveDashboard> {
  const server = await startDashboardServer(runName, port);
  let merger: LiveIntervalMerger | undefined;
  return {
    url: server.url,
    loadStarted(workerCount, intervalMs) {
      merger = new LiveIntervalMerger(workerCount, intervalMs);
    },
    addSnapshot(snapshot) {
      for (const interval of merger?.add(snapshot) ?? []) server.addInterval(interval);
    },
    finish(report) {
      for (const interval of merger?.flush() ?? []) server.addInterval(interval);
      server.finish(finalFigures(report));
    },
    close: () => server.close(),
  };
}
