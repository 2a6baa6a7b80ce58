import { BenchError } from '../errors/bench-error.js';

/**
 * A flag's JSON object (-d, -m, --baseline-metadata, --candidate-metadata). `secret`: the text
 * may hold credentials (metadata), so errors never echo it. Throws USAGE.
 */
export function parseJsonFlag(flag: string, text: string, secret = false): Record<string, unknown> {
  const shown = secret ? '(value not shown: metadata may hold secrets)' : JSON.stringify(text.slice(0, 60));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = secret ? 'not valid JSON' : `not valid JSON (${(error as Error).message})`;
    throw new BenchError('USAGE', `${flag}: ${reason}, got ${shown}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BenchError('USAGE', `${flag}: expected a JSON object, got ${shown}`);
  }
  return value as Record<string, unknown>;
}
