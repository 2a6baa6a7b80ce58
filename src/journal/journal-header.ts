import type { WorkerCountChoice } from '../plan/choose-worker-count.js';
import type { ReportPlan } from '../plan/run-plan.js';
import { redactMetadata } from '../redact/redact-metadata.js';
import type { LoadStart } from '../run/run-scenario.js';
import { TOOL_VERSION } from '../tool-version.js';

/** Bumped when a line of the journal changes meaning; `grpc-bench report` reads only its own. */
export const JOURNAL_VERSION = 3;

/**
 * The first line of a run journal: everything buildReport needs besides the interval
 * snapshots that follow it, one JSON object per line. Its first key is `journal`, so a file
 * that starts with `{"journal":"grpc-bench"` is a journal and not a report.json.
 */
export interface JournalHeader {
  journal: 'grpc-bench';
  journalVersion: typeof JOURNAL_VERSION;
  toolVersion: string;
  /** The run's plan as a report needs it, metadata redacted (never the request data). */
  plan: ReportPlan;
  /** As the report names it, e.g. `embedded (127.0.0.1:PORT)`. */
  target: string;
  protoPath: string;
  /** ISO 8601: when the measured load started. */
  startedAt: string;
  /** Interval length, ms. */
  snapshotIntervalMs: number;
  /** The workers of the run, so that one that never reported still counts as a worker. */
  workerIds: number[];
  workerChoice?: WorkerCountChoice;
}

export const JOURNAL_MARK = '{"journal":"grpc-bench"';

/**
 * The header for a run starting now. Schedules keep their shape; an endless last stage
 * (durationMs Infinity) is written as null: a report only asks whether there is a schedule.
 */
export function journalHeader(start: LoadStart): JournalHeader {
  const { shares: _shares, monitor: _monitor, metadata, split, ...rest } = start.plan;
  const plan: ReportPlan = {
    ...rest,
    metadata: redactMetadata(metadata),
    ...(split ? { split: split.routed ? { ...split, routed: { ...split.routed, metadata: redactMetadata(split.routed.metadata) } } : split } : {}),
  };
  return {
    journal: 'grpc-bench',
    journalVersion: JOURNAL_VERSION,
    toolVersion: TOOL_VERSION,
    plan,
    target: start.target,
    protoPath: start.protoPath,
    startedAt: start.startedAt.toISOString(),
    snapshotIntervalMs: start.snapshotIntervalMs,
    workerIds: start.workerIds,
    ...(start.workerChoice ? { workerChoice: start.workerChoice } : {}),
  };
}
