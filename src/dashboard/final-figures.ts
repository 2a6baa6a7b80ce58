import type { Report } from '../report/report.js';
import type { ChartSpec } from '../reporters/html/charts/chart-spec.js';
import { runChartSpecs } from '../reporters/html/html-reporter.js';
import { flowStepSpecs } from '../reporters/html/charts/flow-charts.js';

/** The run's final figures, as the dashboard shows them once the report is built. */
export interface FinalFigures {
  partial: boolean;
  partialReason?: string;
  durationMs: number;
  messagesSent: number;
  messagesReceived: number;
  messagesPerSec: number;
  sentPerSec: number;
  errors: number;
  streamsFailed: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
  /** Absent without thresholds. */
  thresholdsPassed?: boolean;
  /** The HTML run report's charts, built from the report: they replace the live ones. */
  charts: ChartSpec[];
}

/** What of the Report the dashboard shows at the end: the same figures as the summary, the same charts as the HTML report. */
export function finalFigures(report: Report): FinalFigures {
  const { p50, p90, p99, p999, max } = report.latencyMs;
  return {
    partial: report.partial,
    ...(report.partialReason === undefined ? {} : { partialReason: report.partialReason }),
    durationMs: report.durationMs,
    messagesSent: report.counts.messagesSent,
    messagesReceived: report.counts.messagesReceived,
    messagesPerSec: report.throughput.messagesPerSec,
    sentPerSec: report.throughput.sentPerSec,
    errors: report.counts.errors,
    streamsFailed: report.counts.streamsFailed,
    latencyMs: { p50, p90, p99, p999, max },
    ...(report.thresholds ? { thresholdsPassed: report.thresholds.passed } : {}),
    charts: [...Object.values(runChartSpecs(report)), ...flowStepSpecs(report)],
  };
}
