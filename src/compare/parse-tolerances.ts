import { BenchError } from '../errors/bench-error.js';
import { FLOW_TOLERANCE_NAMES, flowToleranceKind, JUDGEABLE_METRICS, type JudgeableMetric } from './compare-options.js';

const FLAG = '--max-regression';
const METRIC_NAMES = Object.keys(JUDGEABLE_METRICS) as JudgeableMetric[];

/** The metric and its kind: a run metric by name in any case, a flow metric (`step.confirm.p99`) as written. */
function findMetric(name: string): { metric: string; kind: 'relative' | 'percentagePoints' } | undefined {
  const known = METRIC_NAMES.find((m) => m.toLowerCase() === name.toLowerCase());
  if (known) return { metric: known, kind: JUDGEABLE_METRICS[known] };
  const kind = flowToleranceKind(name);
  return kind ? { metric: name, kind } : undefined;
}

/**
 * Parses `p99=10%,messagesPerSec=5%,errorRate=0.1pp` into compareReports' maxRegression.
 * Relative metrics take a percentage of the baseline (`10%` → 0.1); errorRate takes
 * percentage points (`0.1%` or `0.1pp` → 0.1), and so do a flow's (`step.confirm.p99=20%`,
 * `checks.confirmed.rate=1pp`). Throws BenchError USAGE naming the bad item.
 */
export function parseTolerances(text: string): Record<string, number> {
  const items = text.split(',').map((item) => item.trim());
  if (items.every((item) => item === '')) throw new BenchError('USAGE', `${FLAG}: expected metric=percentage items such as "p99=10%,messagesPerSec=5%", got "${text}"`);
  const tolerances: Record<string, number> = {};
  for (const item of items) {
    if (item === '') continue;
    const match = /^([^=\s]+)\s*=\s*(.*)$/.exec(item);
    if (!match) throw new BenchError('USAGE', `${FLAG}: "${item}": expected metric=percentage, e.g. p99=10%`);
    const [, name, value] = match as unknown as [string, string, string];
    const found = findMetric(name);
    if (found === undefined) throw new BenchError('USAGE', `${FLAG}: "${item}": unknown metric "${name}"; expected one of ${METRIC_NAMES.join(', ')}, or a flow's ${FLOW_TOLERANCE_NAMES}`);
    const { metric } = found;
    if (metric in tolerances) throw new BenchError('USAGE', `${FLAG}: "${item}": ${metric} is given more than once`);
    const points = found.kind === 'percentagePoints';
    const number = new RegExp(`^(\\d+(?:\\.\\d+)?|\\.\\d+)\\s*(%${points ? '|pp' : ''})$`).exec(value);
    if (!number) {
      const expected = points ? 'percentage points such as 0.1pp or 0.1%' : 'a percentage ≥ 0 such as 10%';
      throw new BenchError('USAGE', `${FLAG}: "${item}": expected ${expected}, got "${value}"`);
    }
    const amount = Number(number[1]);
    tolerances[metric] = points ? amount : amount / 100;
  }
  return tolerances;
}
