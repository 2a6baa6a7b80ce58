/** How far in the past a start time may be (clock skew, start-up), ms. */
export const START_AT_PAST_TOLERANCE_MS = 1_000;
/** How far ahead a start time may be: further is almost certainly a typo, ms. */
export const START_AT_MAX_AHEAD_MS = 24 * 60 * 60 * 1000;

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;
const RELATIVE = /^\+(\d{1,9})(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * The wall-clock moment every segment starts its load: an ISO-8601 UTC time
 * ("2026-12-04T01:30:00Z") or a time from now ("+30s", "+2m", "+1h", "+500ms"), as epoch ms. Returns
 * the problem as a string (the schema reports it at its path) when the text is neither, lies
 * more than START_AT_PAST_TOLERANCE_MS in the past or more than 24 h ahead. Pure: `nowMs` given.
 */
export function parseStartAt(text: string, nowMs: number): number | string {
  const relative = RELATIVE.exec(text.trim());
  let atMs: number;
  if (relative) atMs = nowMs + Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS];
  else if (ISO_UTC.test(text.trim()) && Number.isFinite(Date.parse(text))) atMs = Date.parse(text);
  else return 'expected an ISO-8601 UTC time such as "2026-12-04T01:30:00Z" or a time from now such as "+30s"';
  if (atMs < nowMs - START_AT_PAST_TOLERANCE_MS) return `${new Date(atMs).toISOString()} is ${Math.round((nowMs - atMs) / 1000)} s in the past`;
  if (atMs > nowMs + START_AT_MAX_AHEAD_MS) return `${new Date(atMs).toISOString()} is more than 24 h ahead`;
  return atMs;
}
