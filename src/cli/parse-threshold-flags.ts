import { BenchError } from '../errors/bench-error.js';

/** `--threshold p99<50ms` (repeatable) → { p99: '<50ms' }; flow names too (`step.confirm.p99<20ms`); the schema checks metric and condition. Throws USAGE. */
export function parseThresholdFlags(values: string | string[]): Record<string, string> {
  const thresholds: Record<string, string> = {};
  for (const text of [values].flat()) {
    const match = /^\s*([A-Za-z][\w.-]*)\s*([<>=].*)$/.exec(String(text));
    if (!match) throw new BenchError('USAGE', `--threshold: expected a metric then a condition, e.g. 'p99<50ms', got ${JSON.stringify(text)}`);
    thresholds[match[1]!] = match[2]!;
  }
  return thresholds;
}
