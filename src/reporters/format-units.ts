/** Milliseconds with a unit, at microsecond resolution: "1.234 ms". */
export function ms(value: number): string {
  return `${value.toFixed(3)} ms`;
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
