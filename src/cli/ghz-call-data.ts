import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BenchError } from '../errors/bench-error.js';
import { showValue } from '../scenario/format-issues.js';
import type { GhzOptions } from './ghz-flag-table.js';
import { parseJsonFlag } from './parse-json-flag.js';

export interface GhzInput {
  cwd: string;
  /** Standard input, read once when `-d @` or `-b` asks for it. */
  readStdin: () => Buffer;
}

/** A JSON value given as text (a flag) or already parsed (a config file). */
function jsonValue(flag: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new BenchError('USAGE', `--${flag}: not valid JSON (${(error as Error).message}), got ${showValue(value.slice(0, 60))}`);
  }
}

/** A JSON object of strings (metadata, tags), as text or already parsed; `secret`: errors never echo values. */
export function stringMap(flag: string, value: unknown, secret: boolean): Record<string, string> {
  const object = typeof value === 'string' ? parseJsonFlag(`--${flag}`, value, secret) : value;
  if (object === null || typeof object !== 'object' || Array.isArray(object)) throw new BenchError('USAGE', `--${flag}: expected a JSON object of strings`);
  for (const [key, item] of Object.entries(object)) {
    if (typeof item !== 'string') throw new BenchError('USAGE', `--${flag}: ${key}: expected a string value${secret ? '' : `, got ${showValue(item)}`}`);
  }
  return object as Record<string, string>;
}

/** A JSON file named by a flag, as text. */
function readJsonFile(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new BenchError('USAGE', `--${flag}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Request data as given: -d (or '@' for standard input), else -D, else the config's data; undefined when none is given. */
export function requestData(options: GhzOptions, input: GhzInput): unknown {
  const data = options.data;
  if (data === '@') return jsonValue('data', input.readStdin().toString('utf8'));
  if (data !== undefined) return jsonValue('data', data);
  if (options['data-file'] !== undefined) return jsonValue('data-file', readJsonFile('data-file', resolve(input.cwd, String(options['data-file']))));
  return undefined;
}

/** Request metadata: -m, else -M, else the config's object; undefined when none is given. */
export function requestMetadata(options: GhzOptions, cwd: string): Record<string, string> | undefined {
  if (options.metadata !== undefined) return stringMap('metadata', options.metadata, true);
  if (options['metadata-file'] !== undefined) return stringMap('metadata-file', readJsonFile('metadata-file', resolve(cwd, String(options['metadata-file']))), true);
  return undefined;
}
