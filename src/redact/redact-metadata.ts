/** Metadata keys whose values are secrets: never written to reports, logs or errors. */
const SECRET_KEY = /(authorization|cookie|token|secret|password|passwd|api[-_]?key|credential|session)/i;

export const REDACTED = '[redacted]';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function redactMetadata(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, isSecretKey(key) ? REDACTED : value]));
}
