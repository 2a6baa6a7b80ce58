import { evaluateThresholds, flowThresholdName, thresholdLabel } from './evaluate-thresholds.js';
import { DEFAULT_ABORT_AFTER_MS, isFlowThresholdName, parseFlowThreshold, parseThreshold, ThresholdError, type ParsedThreshold } from '../scenario/parse-threshold.js';
import type { FlowThreshold } from '../scenario/scenario-schema.js';
import { BenchError } from '../errors/bench-error.js';
import { mergeReports } from '../report/merge-reports.js';
import type { Report } from '../report/report.js';

/** One report given to `grpc-bench merge`, with the name it was given by (for messages). */
export interface SegmentReportFile {
  file: string;
  report: Report;
}

export interface MergedSegments {
  report: Report;
  /** Problems that do not stop the merge (missing segments), one line each. */
  warnings: string[];
}

/** Fields mergeReports reads beyond those loadReportFile checks. */
const MERGED_FIELDS = ['settings', 'counts', 'auxHistograms', 'connections', 'streams', 'generator', 'statusCodes', 'errorDetails'] as const;

function segmentOf({ file, report }: SegmentReportFile): { index: number; count: number } {
  const segment = report.segment as unknown;
  if (segment === undefined) {
    throw new BenchError('USAGE', `merge: ${file} is not the report of a segment (it has no "segment"); run each part with --segment i/n`);
  }
  const { index, count } = (segment ?? {}) as { index?: unknown; count?: unknown };
  if (!Number.isInteger(count) || !Number.isInteger(index) || (index as number) < 1 || (index as number) > (count as number)) {
    throw new BenchError('REPORT_INVALID', `${file}: segment: expected { index, count } with 1 ≤ index ≤ count, got ${JSON.stringify(segment)}`);
  }
  for (const field of MERGED_FIELDS) {
    if (report[field] === null || typeof report[field] !== 'object') {
      throw new BenchError('REPORT_INVALID', `${file}: not a complete grpc-bench report: ${field} is missing`);
    }
  }
  return { index: index as number, count: count as number };
}

const label = (segment: { index: number; count: number }): string => `${segment.index}/${segment.count}`;

/** The thresholds a segment report carries (settings.thresholds), parsed again; a flow's (`step.…`, `checks.…`) apart. */
function thresholdsOf({ file, report }: SegmentReportFile): { metrics: ParsedThreshold[]; flow: FlowThreshold[] } {
  const metrics: ParsedThreshold[] = [];
  const flow: FlowThreshold[] = [];
  for (const { metric, condition, abortOnFail } of report.settings.thresholds ?? []) {
    const written = { condition, abortOnFail: abortOnFail === true, abortAfterMs: DEFAULT_ABORT_AFTER_MS };
    try {
      if (isFlowThresholdName(metric)) flow.push({ ...parseFlowThreshold(metric, condition), ...written });
      else metrics.push({ ...parseThreshold(metric, condition), ...written });
    } catch (error) {
      if (error instanceof ThresholdError) throw new BenchError('REPORT_INVALID', `${file}: settings.${error.field}: ${error.problem}`);
      throw error;
    }
  }
  return { metrics, flow };
}

/**
 * Joins the reports of `grpc-bench run --segment i/n` parts into the report of the whole run.
 * Refuses (USAGE, one line) reports that are not segments of one run: another call, another
 * segment count, the same segment twice, other thresholds. Missing segments are a warning and
 * make the merged report partial. Histograms merge losslessly (mergeReports 'segments'), and
 * the scenario's thresholds, carried in `settings.thresholds`, are judged again on the merged
 * report, a flow's `step.…` and `checks.…` from its merged `flow`. Pure: no I/O.
 */
export function mergeSegmentReports(parts: ReadonlyArray<SegmentReportFile>): MergedSegments {
  if (parts.length === 0) throw new BenchError('USAGE', 'merge: no reports given; expected the report.json of every segment');
  const segments = parts.map(segmentOf);
  const first = parts[0]!;
  const count = segments[0]!.count;
  const firstThresholds = JSON.stringify(first.report.settings.thresholds ?? []);
  const byIndex = new Map<number, SegmentReportFile>();
  parts.forEach((part, i) => {
    const segment = segments[i]!;
    if (part.report.call !== first.report.call) {
      throw new BenchError('USAGE', `merge: ${part.file} is a run of ${part.report.call} but ${first.file} of ${first.report.call}; only segments of one run merge`);
    }
    if (segment.count !== count) {
      throw new BenchError('USAGE', `merge: ${part.file} is segment ${label(segment)} but ${first.file} is segment ${label(segments[0]!)}; only segments of one run merge`);
    }
    const same = byIndex.get(segment.index);
    if (same) throw new BenchError('USAGE', `merge: ${same.file} and ${part.file} are both segment ${label(segment)}`);
    if (JSON.stringify(part.report.settings.thresholds ?? []) !== firstThresholds) {
      throw new BenchError('USAGE', `merge: ${part.file} has other thresholds than ${first.file}; only segments of one scenario merge`);
    }
    byIndex.set(segment.index, part);
  });

  const indexes = [...byIndex.keys()].sort((a, b) => a - b);
  const ordered = indexes.map((index) => byIndex.get(index)!.report);
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !byIndex.has(index));
  const warnings: string[] = [];
  const missingText = `segment${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} missing`;
  if (missing.length) warnings.push(`${missingText}: the merged report covers ${indexes.length} of ${count} segments, not the whole run`);

  const merged = mergeReports(ordered, 'segments');
  delete merged.segment;
  merged.mergedSegments = { count, indexes };
  merged.startedAt = ordered.map((r) => r.startedAt).reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
  merged.target = [...new Set(ordered.map((r) => r.target))].join(', ');
  const budgets = ordered.map((r) => r.settings.messages);
  if (budgets.every((m): m is number => m !== undefined)) merged.settings.messages = budgets.reduce((a, b) => a + b, 0);
  const callBudgets = ordered.map((r) => r.settings.calls);
  if (callBudgets.every((m): m is number => m !== undefined)) merged.settings.calls = callBudgets.reduce((a, b) => a + b, 0);
  if (missing.length) {
    merged.partial = true;
    merged.partialReason = [missingText, merged.partialReason].filter(Boolean).join('; ');
  }

  const thresholds = thresholdsOf(first);
  if (thresholds.metrics.length || thresholds.flow.length) {
    const abortedLabel = ordered.map((r) => r.thresholds?.abortedBy).find((a) => a !== undefined);
    const names = [...thresholds.metrics, ...thresholds.flow.map(flowThresholdName)];
    const abortedBy = abortedLabel === undefined ? undefined : names.find((t) => thresholdLabel(t) === abortedLabel);
    merged.thresholds = evaluateThresholds(merged, thresholds.metrics, abortedBy, thresholds.flow);
  }
  return { report: merged, warnings };
}
