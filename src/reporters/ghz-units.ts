/** ghz's duration text: below 10 µs in ns, below 1 s in ms with two decimals, else seconds. */
export function ghzDuration(ns: number): string {
  if (ns < 10_000) return `${ns} ns`;
  const ms = ns / 1e6;
  return ms < 1000 ? `${ms.toFixed(2)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Lines of two columns, the first padded to its widest cell plus three spaces (as Go's tabwriter with padding 3). */
export function twoColumns(rows: Array<[string, string]>, indent = '  '): string {
  const width = Math.max(0, ...rows.map(([left]) => left.length)) + 3;
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}${right}\n`).join('');
}
