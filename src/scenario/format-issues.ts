import type { z } from 'zod';

/** Reads the value at an issue's path, so the message can show what was given. */
function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Turns every zod issue into `path: message, got value`, joined on one line, so a user
 * sees all problems of a scenario at once.
 */
export function formatIssues(issues: ReadonlyArray<z.core.$ZodIssue>, input: unknown): string {
  return issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
        return `${where}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      }
      const where = issue.path.length ? issue.path.join('.') : '(top level)';
      const message = issue.message.replace(/^Invalid input: /, '');
      if (/, got /.test(message)) return `${where}: ${message}`;
      return `${where}: ${message}, got ${showValue(valueAt(input, issue.path))}`;
    })
    .join('; ');
}
