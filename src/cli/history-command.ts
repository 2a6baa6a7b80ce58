import { mkdirSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { loadReportFile } from '../compare/load-report-file.js';
import { BenchError } from '../errors/bench-error.js';
import { analyseHistory } from '../history/analyse-history.js';
import { appendRecord } from '../history/append-record.js';
import type { HistoryAnalysis, HistoryOptions } from '../history/history-analysis.js';
import { readHistory } from '../history/read-history.js';
import { recordFromReport } from '../history/record-from-report.js';
import { cannotWriteError } from '../reporters/cannot-write-error.js';
import { historyHeadline, renderHistoryConsole, seriesOf } from '../reporters/history-console.js';
import { findingLine } from '../reporters/history-finding-line.js';
import { renderHistoryMarkdown } from '../reporters/history-markdown.js';
import { renderHistoryHtml } from '../reporters/html/history-html.js';
import { writeFileAtomic } from '../reporters/write-file-atomic.js';
import type { CliIo } from './cli-io.js';
import { parseTagFlags } from './parse-tag-flags.js';

export const HISTORY_FORMATS = { console: 'txt', json: 'json', markdown: 'md', html: 'html' } as const;
type HistoryFormat = keyof typeof HISTORY_FORMATS;

export interface HistoryFlags {
  dir: string;
  format: string;
  output?: string;
  'max-p': number;
  'min-change': string;
  'min-runs': number;
  recent: number;
  'fail-on-suspected': boolean;
}

export interface HistoryImportFlags {
  dir: string;
  reports: string[];
  tag?: string | string[];
}

const RENDER: Record<HistoryFormat, (analysis: HistoryAnalysis) => string> = {
  console: renderHistoryConsole,
  json: (analysis) => `${JSON.stringify({ kind: 'grpc-bench-history', ...analysis }, null, 2)}\n`,
  markdown: renderHistoryMarkdown,
  html: renderHistoryHtml,
};

function parseFormats(text: string): HistoryFormat[] {
  const formats = [...new Set(text.split(',').map((f) => f.trim()).filter(Boolean))];
  const unknown = formats.find((f) => !(f in HISTORY_FORMATS));
  if (!formats.length || unknown !== undefined) throw new BenchError('USAGE', `--format: expected history formats, comma-separated, from ${Object.keys(HISTORY_FORMATS).join(', ')}; got ${JSON.stringify(unknown ?? text)}`);
  return formats as HistoryFormat[];
}

/** "5%" or "5" → 0.05. */
function parseMinChange(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const percent = match ? Number(match[1]) : NaN;
  if (!(percent >= 0 && percent < 1000)) throw new BenchError('USAGE', `--min-change: expected a percentage such as 5%, got ${JSON.stringify(text)}`);
  return percent / 100;
}

function optionsFrom(flags: HistoryFlags): HistoryOptions {
  const maxP = flags['max-p'];
  if (!(maxP > 0 && maxP < 1)) throw new BenchError('USAGE', `--max-p: expected a p-value between 0 and 1 such as 0.001, got ${maxP}`);
  for (const [flag, value, least] of [['--min-runs', flags['min-runs'], 2], ['--recent', flags.recent, 1]] as const) {
    if (!(Number.isInteger(value) && value >= least)) throw new BenchError('USAGE', `${flag}: expected a whole number ≥ ${least}, got ${value}`);
  }
  if (flags.recent < flags['min-runs']) throw new BenchError('USAGE', `--recent: ${flags.recent} runs is fewer than --min-runs (${flags['min-runs']}): a change needs that many runs after it to be found, so none would ever be confirmed`);
  return { maxPValue: maxP, minMagnitude: parseMinChange(flags['min-change']), minSegment: flags['min-runs'], recentRuns: flags.recent, failOnSuspected: flags['fail-on-suspected'] };
}

/** Each format's file: `-o` a file when it has an extension and one format is written, else a directory of `history.<ext>` files. */
function writeOutputs(analysis: HistoryAnalysis, formats: readonly HistoryFormat[], output: string, io: CliIo): void {
  const files = formats.filter((f) => f !== 'console');
  const target = resolve(io.cwd, output);
  const single = files.length === 1 && extname(target) !== '';
  for (const format of files) {
    const path = single ? target : join(target, `history.${HISTORY_FORMATS[format]}`);
    try {
      if (!single) mkdirSync(target, { recursive: true });
      writeFileAtomic(path, RENDER[format](analysis));
    } catch (error) {
      throw cannotWriteError('--output', path, error);
    }
    io.stderr(`history written: ${path}\n`);
  }
}

/**
 * `grpc-bench history <dir>`: every series' trends and change points, the newest run of each
 * judged. HISTORY_REGRESSION (exit 99) on a confirmed regression, or a suspected one with
 * --fail-on-suspected; improvements are reported, never failed. Unusable record files are skipped with a warning.
 */
export function historyCommand(flags: HistoryFlags, io: CliIo): number {
  const formats = parseFormats(flags.format);
  const options = optionsFrom(flags);
  if (flags.output === undefined && formats.length > 1) throw new BenchError('USAGE', `--format: ${formats.join(',')} needs -o/--output (a directory) for more than one format`);
  const dir = resolve(io.cwd, flags.dir);
  const { records, skipped } = readHistory(dir);
  for (const skip of skipped) io.stderr(`warning: ${skip.file}: skipped: ${skip.reason}\n`);
  if (!records.length) throw new BenchError('HISTORY_INVALID', `history: ${flags.dir}: holds no run records${skipped.length ? ` (${skipped.length} file(s) skipped)` : ''}; expected records written by run --history or history import`);
  const analysis = analyseHistory(records, options);

  if (flags.output === undefined) io.stdout(RENDER[formats[0]!](analysis));
  else {
    if (formats.includes('console')) io.stdout(renderHistoryConsole(analysis));
    writeOutputs(analysis, formats, flags.output, io);
  }
  if (!formats.includes('console')) {
    io.stderr(`${historyHeadline(analysis)}\n`);
    for (const finding of analysis.findings) io.stderr(`  ${findingLine(finding, seriesOf(analysis, finding))}\n`);
  }
  const failing = analysis.findings.filter((f) => f.kind === 'regression' && (f.status === 'confirmed' || options.failOnSuspected));
  if (analysis.verdict === 'fail') {
    const first = findingLine(failing[0]!, seriesOf(analysis, failing[0]!));
    throw new BenchError('HISTORY_REGRESSION', `${first}${failing.length > 1 ? `; and ${failing.length - 1} more` : ''}`);
  }
  return 0;
}

/** `grpc-bench history import <dir> <reports..>`: saved report.json files appended as records (a run already there is not added twice). */
export function historyImportCommand(flags: HistoryImportFlags, io: CliIo): number {
  const tags = flags.tag === undefined ? {} : parseTagFlags(flags.tag);
  const reports = flags.reports.map((file) => ({ file, report: loadReportFile(file, io.cwd) }));
  const dir = resolve(io.cwd, flags.dir);
  let added = 0;
  for (const { file, report } of reports) {
    const appended = appendRecord(dir, recordFromReport(report, tags, new Date()));
    if (!appended.duplicate) added += 1;
    io.stderr(`${file}: ${appended.duplicate ? 'already recorded' : 'recorded'}: ${appended.path}\n`);
  }
  io.stderr(`history import: ${added} of ${reports.length} report(s) added to ${flags.dir}\n`);
  return 0;
}

