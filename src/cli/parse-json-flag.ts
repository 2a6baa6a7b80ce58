import { BenchError } from '../errors/bench-error.js';

/**
 * A flag's JSON object (-d, -m, --baseline-metadata, --candidate-metadata). `secret`: the text
 * may hold credentials (metadata), so errors never echo it. `list`: a list of objects is taken
 * too (-d: the messages of one call). Throws USAGE.
 */
export function parseJsonFlag(flag: string, text: string, secret?: boolean): Record<string, unknown>;
export function parseJsonFlag(flag: string, text: string, secret: boolean, list: true): Record<string, unknown> | Array<Record<string, unknown>>;
export function parseJsonFlag(flag: string, text: string, secret = false, list = false): Record<string, unknown> | Array<Record<string, unknown>> {
  const shown = secret ? '(value not shown: metadata may hold secrets)' : JSON.stringify(text.slice(0, 60));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = secret ? 'not valid JSON' : `not valid JSON (${(error as Error).message})`;
    throw new BenchError('USAGE', `${flag}: ${reason}, got ${shown}`);
  }
  const isObject = (item: unknown): boolean => item !== null && typeof item === 'object' && !Array.isArray(item);
  if (list && Array.isArray(value) && value.length > 0 && value.every(isObject)) return value as Array<Record<string, unknown>>;
  if (!isObject(value)) {
    throw new BenchError('USAGE', `${flag}: expected a JSON object${list ? ', or a non-empty list of objects' : ''}, got ${shown}`);
  }
  return value as Record<string, unknown>;
}
