/** Milliseconds with a unit, at microsecond resolution: "1.234 ms". Latency figures stay in ms so they line up. */
export function ms(value: number): string {
  return `${value.toFixed(3)} ms`;
}

/**
 * A duration (of a run, a stream) in the unit that reads best: "850 µs", "12.34 ms", "20.01 s",
 * "2 min 5.0 s". Rounded for reading; the JSON report keeps the exact milliseconds.
 */
export function duration(durationMs: number): string {
  // The bounds sit where rounding would carry into the next unit (999.996 ms reads "1.00 s").
  if (durationMs < 0.9995) return `${Math.round(durationMs * 1000)} µs`;
  if (durationMs < 999.995) return `${durationMs.toFixed(2)} ms`;
  if (durationMs < 59_995) return `${(durationMs / 1000).toFixed(2)} s`;
  const tenths = Math.round(durationMs / 100);
  return `${Math.floor(tenths / 600)} min ${((tenths % 600) / 10).toFixed(1)} s`;
}

/** Thousands separators: 12,345. */
export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function rate(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
}
