import { isSecretKey, REDACTED } from './redact-metadata.js';

/**
 * A URL as a report may show it: the user and password replaced, and the values of
 * secret-looking query keys (isSecretKey: `token`, `api_key`, …) redacted. A text that does not
 * parse as a URL has any `user:password@` before its host replaced all the same.
 */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text.replace(/\/\/[^/@\s]+@/g, `//${REDACTED}@`);
  }
  const hasCredentials = url.username !== '' || url.password !== '';
  url.username = '';
  url.password = '';
  const secretKeys = [...new Set([...url.searchParams.keys()].filter(isSecretKey))];
  for (const key of secretKeys) url.searchParams.set(key, 'REDACTED_VALUE');
  // URL would percent-encode the brackets of "[redacted]": put them in after serialising.
  let shown = url.toString().replaceAll('REDACTED_VALUE', REDACTED);
  if (hasCredentials) shown = shown.replace('//', `//${REDACTED}@`);
  return shown;
}

/** Every URL inside a text (a memory source: "URL (metric name)") passed through redactUrl. */
export function redactUrlsInText(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, (url) => redactUrl(url));
}
