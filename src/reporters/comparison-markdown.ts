import { COMPARISON_COLUMNS, comparisonRow, describeRun, methodLine, type ComparisonLabels } from './comparison-console.js';
import type { DescribedComparison } from './described-comparison.js';

const VERDICT_ICON = { pass: '✅', fail: '❌', inconclusive: '⚠️' } as const;

/** Text from reports and file names is inert in markdown: no tables broken, no links, no HTML. */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/[\\`*_[\]|<>~&]/g, (c) => `\\${c}`);
}

function tableRow(cells: ReadonlyArray<string>): string {
  return `| ${cells.map(escapeMarkdown).join(' | ')} |`;
}

/** The comparison as GitHub-flavoured markdown, e.g. for a CI step summary. */
export function renderComparisonMarkdown(comparison: DescribedComparison, labels: ComparisonLabels = { baseline: 'baseline', candidate: 'candidate' }): string {
  const lines = [
    `## grpc-bench compare: ${VERDICT_ICON[comparison.verdict]} ${comparison.verdict.toUpperCase()}`,
    '',
    `**${escapeMarkdown(comparison.headline)}**`,
    '',
    `- baseline: ${escapeMarkdown(describeRun(labels.baseline, comparison.baseline))}`,
    `- candidate: ${escapeMarkdown(describeRun(labels.candidate, comparison.candidate))}`,
    '',
    tableRow(COMPARISON_COLUMNS),
    `|${COMPARISON_COLUMNS.map((_, i) => (i === 0 ? ':---' : '---:')).join('|')}|`,
    ...comparison.metrics.map((m) => tableRow(comparisonRow(m))),
    '',
  ];
  if (comparison.notes.length) lines.push('Notes:', '', ...comparison.notes.map((n) => `- ${escapeMarkdown(n)}`), '');
  lines.push(`<sub>${escapeMarkdown(methodLine(comparison))}</sub>`, '');
  return lines.join('\n');
}
