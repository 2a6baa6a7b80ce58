import { isSecretKey, REDACTED } from '../redact/redact-metadata.js';
import type { z } from 'zod';
import { METADATA_PATHS } from './metadata-problems.js';
import { didYouMean, nearestNames } from './nearest-names.js';
import { scenarioKeysAt } from './scenario-keys-at.js';

/** Where a key was written (`bad.yaml:3`), when the file tells. */
export type KeyLocator = (path: ReadonlyArray<PropertyKey>, key: string) => string | undefined;

/** Unknown keys, each with where it was written and the nearest keys the mapping takes. */
function unknownKeys(path: ReadonlyArray<PropertyKey>, keys: ReadonlyArray<string>, locate: KeyLocator | undefined): string {
  const valid = scenarioKeysAt(path);
  const shown = keys.map((key) => {
    const where = locate?.(path, key);
    return { text: `${showValue(key)}${where === undefined ? '' : ` at ${where}`}`, hint: didYouMean(nearestNames(key, valid)).slice(2) };
  });
  if (shown.length === 1) return `unknown key ${shown[0]!.text}${shown[0]!.hint ? `; ${shown[0]!.hint}` : ''}`;
  return `unknown keys ${showList(shown.map(({ text, hint }) => (hint ? `${text} (${hint})` : text)))}`;
}

/** Reads the value at an issue's path, so the message can show what was given. */
function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * A value in one of the metadata maps under a secret-looking key, a whole map, or an object
 * that holds one (`split`, `compare`): never shown in errors.
 */
function isSecret(path: ReadonlyArray<PropertyKey>, value: unknown): boolean {
  for (const mapPath of METADATA_PATHS) {
    if (!mapPath.every((key, i) => i >= path.length || path[i] === key)) continue;
    if (path.length < mapPath.length) return value !== null && typeof value === 'object';
    return path.length === mapPath.length || isSecretKey(String(path[mapPath.length]));
  }
  return false;
}

/** A given value as JSON, cut to 60 characters; never throws (a cycle or a bigint is described instead). */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item)) ?? typeof value;
  } catch {
    text = 'a value that contains itself';
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Items joined by ", ", the first `max` of them and "and N more": an error line stays readable however many there are. */
export function showList(items: ReadonlyArray<string>, max = 10): string {
  return items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', ');
}

/** A key path such as `load.stages.0.duration`, each key cut to 40 characters. */
function showPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((key) => (String(key).length > 40 ? `${String(key).slice(0, 37)}...` : String(key))).join('.');
}

/**
 * Turns every zod issue into `path: message, got value`, joined on one line, so a user
 * sees all problems of a scenario at once; an unknown key gets its place and the nearest valid keys.
 */
export function formatIssues(issues: ReadonlyArray<z.core.$ZodIssue>, input: unknown, locate?: KeyLocator): string {
  return issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const where = issue.path.length ? `${showPath(issue.path)}: ` : '';
        return `${where}${unknownKeys(issue.path, issue.keys, locate)}`;
      }
      const where = issue.path.length ? showPath(issue.path) : '(top level)';
      if (issue.code === 'invalid_key') {
        // A map's key failed its own schema: say what the key must be, not only that it is wrong.
        const reasons = issue.issues.map((inner) => inner.message.replace(/^Invalid input: /, '')).join(', ');
        return `${where}: the key ${showValue(issue.path[issue.path.length - 1])} ${reasons}`;
      }
      const message = issue.message.replace(/^Invalid input: /, '');
      const gotAt = message.indexOf(', got ');
      // A message that quotes a long given value itself shows it cut short, like every other.
      if (gotAt >= 0 && message.length <= 200) return `${where}: ${message}`;
      const given = valueAt(input, issue.path);
      const got = isSecret(issue.path, given) ? REDACTED : showValue(given);
      if (gotAt >= 0) return `${where}: ${message.slice(0, gotAt)}, got ${got}`;
      return `${where}: ${message}, got ${got}`;
    })
    .join('; ');
}
