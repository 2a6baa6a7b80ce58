import { z } from 'zod';
import type { ReportSettings } from '../report/report.js';
import { HISTORY_METRIC_NAMES, type HistoryMetric } from './history-metrics.js';

/** Bumped whenever a field changes meaning or is removed; additions keep the version. */
export const RUN_RECORD_VERSION = 1;

const intervalSample = z.object({
  /** End of the interval, ms since the load started. */
  tMs: z.number(),
  durationMs: z.number(),
  messagesPerSec: z.number(),
  p50Ms: z.number(),
  p99Ms: z.number(),
  /** Errors in the interval; absent for one version of a split run (errors are not split). */
  errors: z.number().optional(),
});

const metricValues = z.partialRecord(z.enum(HISTORY_METRIC_NAMES as [HistoryMetric, ...HistoryMetric[]]), z.number().nullable());

const recordSeries = z.object({
  /** The version that answered, for one side of a split run (`split.by`); absent for a whole run. */
  version: z.string().optional(),
  /** Whole-run values in each metric's unit (ms, msg/s, %, bytes/min); null: the run has no value (memory not watched, no responses). */
  metrics: metricValues,
  /** The per-interval samples, without their histograms (the whole run's is kept). */
  intervals: z.array(intervalSample),
  /** All latencies (µs), HdrHistogram compressed base64, as the report encodes them. */
  histogram: z.string(),
});

/**
 * One run as the history keeps it: enough to judge it again later without its report. One file
 * per run; the schema is the one place the shape is declared (the type is inferred from it).
 */
export const runRecordSchema = z.object({
  kind: z.literal('grpc-bench-run-record'),
  recordVersion: z.literal(RUN_RECORD_VERSION),
  /** Derived from the run's start, name and histogram: the same run imported twice has the same id. */
  runId: z.string().regex(/^[0-9a-f]{16}$/),
  tool: z.object({ name: z.literal('grpc-bench'), version: z.string() }),
  /** When the record was appended (ISO 8601). */
  recordedAt: z.string(),
  /** When the run started (ISO 8601); runs are ordered by it. */
  startedAt: z.string().refine((text) => !Number.isNaN(Date.parse(text)), { error: 'expected an ISO 8601 time' }),
  /** The scenario's name. */
  name: z.string(),
  /** Redacted as the report redacts it. */
  target: z.string(),
  call: z.string(),
  /** `--tag key=value`: commit, build, branch, … */
  tags: z.record(z.string(), z.string()),
  durationMs: z.number(),
  loadModel: z.enum(['open', 'closed']),
  /** The report's settings, as the report keeps them (secret-looking values already redacted). */
  settings: z.custom<ReportSettings>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), { error: 'expected the report settings object' }),
  /** One entry for a run; one per version for a split run. */
  series: z.array(recordSeries).min(1),
});

export type RunRecord = z.infer<typeof runRecordSchema>;
export type RecordSeries = RunRecord['series'][number];
