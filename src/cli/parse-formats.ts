import { BenchError } from '../errors/bench-error.js';
import { findReporter } from '../reporters/reporter-registry.js';

/** `-O console,json` → the format names, each checked against the reporter registry. */
export function parseFormats(text: string): string[] {
  const formats = text.split(',').map((f) => f.trim()).filter(Boolean);
  if (!formats.length) throw new BenchError('USAGE', `--format: expected report formats, comma-separated, got ${JSON.stringify(text)}`);
  for (const format of formats) findReporter(format);
  return formats;
}
