import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compareReports } from '../compare/compare-reports.js';
import { loadReportFile } from '../compare/load-report-file.js';
import { parseTolerances } from '../compare/parse-tolerances.js';
import { versionView } from '../compare/version-view.js';
import type { Report } from '../report/report.js';
import { BenchError } from '../errors/bench-error.js';
import { renderComparisonConsole, type ComparisonLabels } from '../reporters/comparison-console.js';
import { cannotWriteError } from '../reporters/cannot-write-error.js';
import { renderComparisonMarkdown } from '../reporters/comparison-markdown.js';
import { describeComparison, type DescribedComparison } from '../reporters/described-comparison.js';
import type { CliIo } from './cli-io.js';

export const COMPARISON_FORMATS = ['console', 'json', 'markdown'] as const;
type ComparisonFormat = (typeof COMPARISON_FORMATS)[number];

export interface CompareFlags {
  baseline: string;
  /** Absent with --versions: both sides are versions of the baseline report. */
  candidate?: string;
  versions?: string;
  'max-regression'?: string;
  alpha?: number;
  format: string;
  output?: string;
  'fail-on-inconclusive': boolean;
}

function render(comparison: DescribedComparison, format: ComparisonFormat, labels: ComparisonLabels): string {
  if (format === 'json') return `${JSON.stringify(comparison, null, 2)}\n`;
  if (format === 'markdown') return renderComparisonMarkdown(comparison, labels);
  return renderComparisonConsole(comparison, labels);
}

function checkFormat(format: string): ComparisonFormat {
  if (!(COMPARISON_FORMATS as ReadonlyArray<string>).includes(format)) {
    throw new BenchError('USAGE', `--format: unknown comparison format "${format}"; expected one of ${COMPARISON_FORMATS.join(', ')}`);
  }
  return format as ComparisonFormat;
}

function checkAlpha(alpha: number | undefined): number | undefined {
  if (alpha !== undefined && !(alpha > 0 && alpha < 1)) throw new BenchError('USAGE', `--alpha: expected a significance level between 0 and 1 such as 0.05, got ${alpha}`);
  return alpha;
}

/** `--versions v1,v2`: two version names, baseline first. */
function parseVersions(value: string): [string, string] {
  const names = value.split(',').map((name) => name.trim());
  if (names.length !== 2 || names.some((name) => name === '')) throw new BenchError('USAGE', `--versions: expected two versions of a split run, baseline first, such as v1,v2; got "${value}"`);
  return names as [string, string];
}

interface Sides {
  baseline: Report;
  candidate: Report;
  labels: ComparisonLabels;
}

/** Two reports, or with --versions two versions of one split run's report. */
function loadSides(flags: CompareFlags, cwd: string): Sides {
  if (flags.versions !== undefined) {
    if (flags.candidate !== undefined) throw new BenchError('USAGE', `--versions compares two versions of one report; got two reports (${flags.baseline}, ${flags.candidate})`);
    const [baselineVersion, candidateVersion] = parseVersions(flags.versions);
    const report = loadReportFile(flags.baseline, cwd);
    return {
      baseline: versionView(report, baselineVersion, flags.baseline),
      candidate: versionView(report, candidateVersion, flags.baseline),
      labels: { baseline: `${flags.baseline} ${baselineVersion}`, candidate: `${flags.baseline} ${candidateVersion}` },
    };
  }
  if (flags.candidate === undefined) throw new BenchError('USAGE', `compare: expected two reports (baseline, candidate), or one split run's report with --versions v1,v2; got only ${flags.baseline}`);
  return { baseline: loadReportFile(flags.baseline, cwd), candidate: loadReportFile(flags.candidate, cwd), labels: { baseline: flags.baseline, candidate: flags.candidate } };
}

/**
 * `grpc-bench compare <baseline> <candidate>` (or `compare <report> --versions v1,v2`): exit 0 on pass or inconclusive (99 with
 * --fail-on-inconclusive), REGRESSION_DETECTED (99) when a metric is significantly worse
 * than its tolerance.
 */
export async function compareCommand(flags: CompareFlags, io: CliIo): Promise<number> {
  const format = checkFormat(flags.format);
  const alpha = checkAlpha(flags.alpha);
  const maxRegression = flags['max-regression'] === undefined ? {} : parseTolerances(flags['max-regression']);
  const { baseline, candidate, labels } = loadSides(flags, io.cwd);

  const comparison = describeComparison(compareReports(baseline, candidate, { maxRegression, ...(alpha === undefined ? {} : { alpha }) }));
  const text = render(comparison, format, labels);
  if (flags.output === undefined) {
    io.stdout(text);
  } else {
    const path = resolve(io.cwd, flags.output);
    try {
      writeFileSync(path, text);
    } catch (error) {
      throw cannotWriteError('--output', path, error);
    }
    io.stderr(`comparison written: ${path}\n`);
  }

  if (comparison.verdict === 'fail') throw new BenchError('REGRESSION_DETECTED', `compare: ${comparison.headline}`);
  if (comparison.verdict === 'inconclusive') {
    if (flags['fail-on-inconclusive']) throw new BenchError('REGRESSION_DETECTED', `compare: ${comparison.headline} (--fail-on-inconclusive)`);
    io.stderr(`compare: ${comparison.headline} (not failing: exit 0; --fail-on-inconclusive makes it exit 99)\n`);
  } else if (format === 'json' || flags.output !== undefined) {
    io.stderr(`compare: ${comparison.headline}\n`);
  }
  return 0;
}
