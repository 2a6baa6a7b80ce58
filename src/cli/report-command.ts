import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { loadReportFile } from '../compare/load-report-file.js';
import { BenchError } from '../errors/bench-error.js';
import { JOURNAL_MARK } from '../journal/journal-header.js';
import { readJournal } from '../journal/read-journal.js';
import { reportFromJournal } from '../journal/report-from-journal.js';
import type { Report } from '../report/report.js';
import { JOURNAL_FILE, planOutput } from '../reporters/plan-output.js';
import { findReporter } from '../reporters/reporter-registry.js';
import { writeReports } from '../reporters/write-reports.js';
import type { CliIo } from './cli-io.js';
import { parseFormats } from './parse-formats.js';

export interface ReportFlags {
  /** A run's output directory, its journal, or a report.json. */
  source: string;
  format?: string;
  output?: string;
}

/** Default formats: a saved report is shown; a journal is rebuilt into the report.json the run did not write. */
export const DEFAULT_REPORT_FORMATS = { report: 'console', journal: 'console,json' } as const;

/** Whether the file starts as a run journal does; one that cannot be read is left to the report reader to explain. */
function isJournalFile(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const start = Buffer.alloc(JOURNAL_MARK.length);
    const read = readSync(fd, start, 0, start.length, 0);
    return start.subarray(0, read).toString('utf8') === JOURNAL_MARK;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/** The run's startedAt as report.json has it, or undefined when it cannot be read. */
function reportStartedAt(path: string): string | undefined {
  try {
    return loadReportFile(path).startedAt;
  } catch {
    return undefined;
  }
}

type Source = { kind: 'report' | 'journal'; path: string; shown: string };

/**
 * What `source` names. A directory: its journal when the run wrote no report.json after it
 * (none, or one of another run), else its report.json. A file: a journal by its first bytes,
 * else a report.json.
 */
async function findSource(source: string, cwd: string): Promise<Source> {
  const path = resolve(cwd, source);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new BenchError('REPORT_INVALID', `${source}: no such file or directory; expected a run's output directory, its ${JOURNAL_FILE} or a report.json`);
  if (!stat.isDirectory()) return { kind: isJournalFile(path) ? 'journal' : 'report', path, shown: source };
  const names = readdirSync(path);
  const journals = names.filter((name) => name === JOURNAL_FILE || name.endsWith(`.${JOURNAL_FILE}`)).sort();
  if (journals.length > 1) throw new BenchError('USAGE', `${source}: holds ${journals.length} run journals (${journals.join(', ')}); name one of them`);
  const report = names.includes('report.json') ? { kind: 'report' as const, path: join(path, 'report.json'), shown: join(source, 'report.json') } : undefined;
  if (journals.length === 1) {
    const journal = { kind: 'journal' as const, path: join(path, journals[0]!), shown: join(source, journals[0]!) };
    if (!report) return journal;
    const { header } = await readJournal(journal.path, journal.shown).catch(() => ({ header: undefined }));
    return header && reportStartedAt(report.path) !== header.startedAt ? journal : report;
  }
  if (report) return report;
  throw new BenchError('REPORT_INVALID', `${source}: no report.json and no run journal (${JOURNAL_FILE}) in this directory`);
}

/**
 * Beside the source: its directory, or for the journal of a single report file
 * (`run.json.journal.jsonl`) that file, when the one file format asked for is its kind.
 */
function defaultOutput(source: Source, formats: string[]): string {
  const dir = dirname(source.path);
  const suffix = `.${JOURNAL_FILE}`;
  const name = basename(source.path);
  if (source.kind !== 'journal' || !name.endsWith(suffix)) return dir;
  const file = name.slice(0, -suffix.length);
  const fileFormats = formats.map(findReporter).filter((r) => r.name !== 'console');
  return fileFormats.length === 1 && extname(file) === `.${fileFormats[0]!.extension}` ? join(dir, file) : dir;
}

/**
 * `grpc-bench report <run dir | journal | report.json> [-O formats] [-o path]`: renders a
 * saved report.json in any format, or rebuilds the partial report of a run that was killed
 * before it wrote one from its journal. Files go to `-o`, by default beside the source (see defaultOutput).
 */
export async function reportCommand(flags: ReportFlags, io: CliIo): Promise<number> {
  const source = await findSource(flags.source, io.cwd);
  const formats = parseFormats(flags.format ?? DEFAULT_REPORT_FORMATS[source.kind]);
  let report: Report;
  if (source.kind === 'journal') {
    const journal = await readJournal(source.path, source.shown);
    if (journal.cutLine !== undefined) io.stderr(`report: warning: ${source.shown}: line ${journal.cutLine} is cut short (the run was killed while writing it); left out\n`);
    report = reportFromJournal(journal);
  } else {
    report = loadReportFile(source.path);
  }
  const output = planOutput(formats, flags.output ?? defaultOutput(source, formats), report.name, io.cwd);
  const written = writeReports(report, output, io.stdout);
  for (const path of written) io.stderr(`report written: ${path}\n`);
  return 0;
}
