/** A date as it appears in default report paths: UTC, to the second, no colons (`2026-12-03T134733`). */
export function pathTimestamp(date: Date): string {
  return date.toISOString().replace(/[:]/g, '').replace(/\..*$/, '');
}
