import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { BenchError } from '../errors/bench-error.js';
import { REPORT_SCHEMA_VERSION, type Report } from '../report/report.js';
import { formatIssues } from '../scenario/format-issues.js';
import { decodeHistogram } from '../stats/latency-histogram.js';

const count = z.number({ error: 'expected a number' }).nonnegative('expected a number ≥ 0');
const ms = z.number({ error: 'expected a number (ms)' });

/** The fields compare reads; anything else in the report is left as it is. */
const comparableReport = z.looseObject({
  name: z.string({ error: 'expected the run name' }),
  startedAt: z.string({ error: 'expected an ISO 8601 time' }),
  durationMs: ms,
  partial: z.boolean({ error: 'expected true or false' }),
  warmupMs: ms.optional(),
  counts: z.looseObject({ messagesSent: count, errors: count, streamsFailed: count }),
  throughput: z.looseObject({ messagesPerSec: count }),
  latencyMs: z.looseObject({ count, mean: ms, p50: ms, p90: ms, p99: ms, p999: ms }),
  intervals: z.array(
    z.looseObject({
      durationMs: ms,
      messagesReceived: count,
      messagesPerSec: count,
      p50Ms: ms,
      p99Ms: ms,
      histogram: z.string({ error: 'expected an HdrHistogram (compressed base64)' }),
    }),
    { error: 'expected a list of intervals' },
  ),
  histogram: z.string({ error: 'expected an HdrHistogram (compressed base64)' }),
});

const MAX_ISSUES_SHOWN = 5;

function readJson(path: string, shown: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new BenchError('REPORT_INVALID', `${shown}: cannot read the report: ${reason}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BenchError('REPORT_INVALID', `${shown}: not valid JSON (${(error as Error).message}); expected a grpc-bench report.json`);
  }
}

function checkIdentity(content: unknown, shown: string): Record<string, unknown> {
  if (content === null || typeof content !== 'object' || Array.isArray(content)) {
    throw new BenchError('REPORT_INVALID', `${shown}: not a grpc-bench report: expected a JSON object, got ${Array.isArray(content) ? 'a list' : JSON.stringify(content)}`);
  }
  const record = content as Record<string, unknown>;
  const tool = record['tool'] as { name?: unknown } | undefined;
  if (tool?.name !== 'grpc-bench') {
    throw new BenchError('REPORT_INVALID', `${shown}: not a grpc-bench report (tool.name is ${JSON.stringify(tool?.name) ?? 'missing'}); expected the report.json of grpc-bench run`);
  }
  if (record['schemaVersion'] !== REPORT_SCHEMA_VERSION) {
    throw new BenchError('REPORT_INVALID', `${shown}: report schemaVersion ${JSON.stringify(record['schemaVersion']) ?? 'missing'} is not supported; expected ${REPORT_SCHEMA_VERSION}`);
  }
  return record;
}

function checkHistograms(report: z.infer<typeof comparableReport>, shown: string): void {
  const encoded: Array<[string, string]> = [['histogram', report.histogram], ...report.intervals.map((i, n): [string, string] => [`intervals.${n}.histogram`, i.histogram])];
  for (const [where, value] of encoded) {
    if (value === '') continue;
    try {
      decodeHistogram(value);
    } catch {
      throw new BenchError('REPORT_INVALID', `${shown}: ${where}: not an HdrHistogram (compressed base64)`);
    }
  }
}

/** Reads a report.json written by `grpc-bench run`; throws BenchError REPORT_INVALID naming the file and the problem. */
export function loadReportFile(file: string, cwd: string = process.cwd()): Report {
  const content = checkIdentity(readJson(resolve(cwd, file), file), file);
  const result = comparableReport.safeParse(content);
  if (!result.success) {
    const issues = result.error.issues;
    const shownIssues = formatIssues(issues.slice(0, MAX_ISSUES_SHOWN), content);
    const more = issues.length > MAX_ISSUES_SHOWN ? `; and ${issues.length - MAX_ISSUES_SHOWN} more` : '';
    throw new BenchError('REPORT_INVALID', `${file}: not a complete grpc-bench report: ${shownIssues}${more}`);
  }
  checkHistograms(result.data, file);
  return content as unknown as Report;
}
