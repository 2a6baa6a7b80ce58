import type { HistoryAnalysis } from '../history/history-analysis.js';
import { escapeMarkdown } from './comparison-markdown.js';
import { historyHeadline, historyMethod, seriesOf, TREND_COLUMNS, trendRow } from './history-console.js';
import { findingLine } from './history-finding-line.js';

const ICON = { pass: '✅', fail: '❌' } as const;

const row = (cells: readonly string[]): string => `| ${cells.map(escapeMarkdown).join(' | ')} |`;

/** The analysis as GitHub-flavoured markdown, for a CI step summary; every text from the records is escaped. */
export function renderHistoryMarkdown(analysis: HistoryAnalysis): string {
  const lines = [`## grpc-bench history: ${ICON[analysis.verdict]} ${analysis.verdict.toUpperCase()}`, '', `**${escapeMarkdown(historyHeadline(analysis))}**`, ''];
  if (analysis.findings.length) lines.push(...analysis.findings.map((f) => `- ${escapeMarkdown(findingLine(f, seriesOf(analysis, f)))}`), '');
  for (const series of analysis.series) {
    lines.push(`### ${escapeMarkdown(series.key)}`, '', `${series.runs.length} runs, ${escapeMarkdown(series.runs[0]!.startedAt)} … ${escapeMarkdown(series.runs[series.runs.length - 1]!.startedAt)}`, '');
    lines.push(row(TREND_COLUMNS), `|${TREND_COLUMNS.map((_, i) => (i === 0 ? ':---' : '---:')).join('|')}|`);
    for (const trend of series.metrics) lines.push(row(trendRow(trend, analysis.findings.find((f) => f.seriesKey === series.key && f.metric === trend.spec.metric))));
    lines.push('');
  }
  lines.push(`<sub>${escapeMarkdown(historyMethod(analysis.options))}</sub>`, '');
  return lines.join('\n');
}
