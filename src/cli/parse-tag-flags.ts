import { BenchError } from '../errors/bench-error.js';

/** `--tag commit=abc --tag branch=main` → { commit: 'abc', branch: 'main' }; the value may hold "=". Throws USAGE naming the bad one. */
export function parseTagFlags(value: string | string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const text of Array.isArray(value) ? value : [value]) {
    const at = text.indexOf('=');
    const key = at < 0 ? '' : text.slice(0, at);
    if (!/^[\w.-]+$/.test(key)) throw new BenchError('USAGE', `--tag: expected key=value with a key of letters, digits, ".", "_" or "-" (e.g. commit=3f9c0a1), got ${JSON.stringify(text)}`);
    tags[key] = text.slice(at + 1);
  }
  return tags;
}
