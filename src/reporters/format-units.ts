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
