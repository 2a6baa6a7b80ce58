import { BenchError } from '../errors/bench-error.js';
import { JUDGEABLE_METRICS, type JudgeableMetric } from './compare-options.js';

const FLAG = '--max-regression';
const METRIC_NAMES = Object.keys(JUDGEABLE_METRICS) as JudgeableMetric[];

function findMetric(name: string): JudgeableMetric | undefined {
  return METRIC_NAMES.find((m) => m.toLowerCase() === name.toLowerCase());
}

/**
 * Parses `p99=10%,messagesPerSec=5%,errorRate=0.1pp` into compareReports' maxRegression.
 * Relative metrics take a percentage of the baseline (`10%` → 0.1); errorRate takes
 * percentage points (`0.1%` or `0.1pp` → 0.1). Throws BenchError USAGE naming the bad item.
 */
export function parseTolerances(text: string): Partial<Record<JudgeableMetric, number>> {
  const items = text.split(',').map((item) => item.trim());
  if (items.every((item) => item === '')) throw new BenchError('USAGE', `${FLAG}: expected metric=percentage items such as "p99=10%,messagesPerSec=5%", got "${text}"`);
  const tolerances: Partial<Record<JudgeableMetric, number>> = {};
  for (const item of items) {
    if (item === '') continue;
    const match = /^([^=\s]+)\s*=\s*(.*)$/.exec(item);
    if (!match) throw new BenchError('USAGE', `${FLAG}: "${item}": expected metric=percentage, e.g. p99=10%`);
    const [, name, value] = match as unknown as [string, string, string];
    const metric = findMetric(name);
    if (metric === undefined) throw new BenchError('USAGE', `${FLAG}: "${item}": unknown metric "${name}"; expected one of ${METRIC_NAMES.join(', ')}`);
    if (metric in tolerances) throw new BenchError('USAGE', `${FLAG}: "${item}": ${metric} is given more than once`);
    const points = JUDGEABLE_METRICS[metric] === 'percentagePoints';
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
