import { evaluateThresholds } from '../compare/evaluate-thresholds.js';
import { buildReport } from '../report/build-report.js';
import type { Report } from '../report/report.js';
import { resultFromSnapshots } from '../report/result-from-snapshots.js';
import type { ReadJournal } from './read-journal.js';

/**
 * The partial report of a run that wrote no report (killed, out of memory), from its journal:
 * every worker's figures up to its last interval snapshot, as for a crashed worker, so the
 * counts reconcile (requests not seen answered count as in flight at stop). What only a finished
 * worker knows (error details, stream statistics, generator health) and the process's own
 * memory samples are not in a journal and stay empty. Pure.
 */
export function reportFromJournal({ header, snapshots, cutLine }: ReadJournal): Report {
  const { plan } = header;
  const results = header.workerIds.map((workerId) => resultFromSnapshots(workerId, snapshots));
  const measuredMs = Math.max(0, ...header.workerIds.map((id) => snapshots.filter((s) => s.workerId === id).reduce((sum, s) => sum + s.durationMs, 0)));
  const lost = cutLine === undefined ? '' : `; line ${cutLine}, cut short, left out`;
  const report = buildReport({
    plan,
    target: header.target,
    protoPath: header.protoPath,
    startedAt: new Date(header.startedAt),
    results,
    snapshots,
    partialReason: `rebuilt from the run journal: the run wrote no report (killed?); ${snapshots.length} interval snapshots, ${(measuredMs / 1000).toFixed(1)} s of load${lost}; no error details, stream statistics, generator or client memory figures`,
    workerErrors: [],
    processCpuUs: 0,
    processWallMs: 0,
    clientRss: { samples: [] },
    ...(header.workerChoice ? { workerChoice: header.workerChoice } : {}),
    // Zeros stand in for these; the report says they are not measurements.
    notMeasured: ['streamStats', 'clientMemory', 'generatorHealth'],
  });
  return plan.thresholds.length ? { ...report, thresholds: evaluateThresholds(report, plan.thresholds) } : report;
}
