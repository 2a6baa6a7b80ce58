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

/** Bytes in binary units: "413 MiB", "1.50 GiB", "512 B" (three significant digits). */
export function bytes(value: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Math.abs(value);
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = u === 0 ? 0 : v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${value < 0 ? '-' : ''}${v.toFixed(digits)} ${units[u]}`;
}

/** A threshold or compared figure in its metric's own unit, readable: bytes/min → "413 MiB/min", ms → "1.234 ms". */
export function metricFigure(value: number, unit: string): string {
  if (!Number.isFinite(value)) return `— ${unit}`;
  if (unit === 'bytes/min') return `${bytes(value)}/min`;
  if (unit === 'bytes') return bytes(value);
  if (unit === 'ms') return ms(value);
  if (unit === 'msg/s') return `${rate(value)} msg/s`;
  if (unit === 'count') return count(value);
  return `${value.toLocaleString('en-US', { maximumFractionDigits: 3 })} ${unit}`;
}
