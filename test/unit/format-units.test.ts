import { describe, expect, it } from 'vitest';
import { fitFields } from '../../src/cli/progress-display.js';
import { duration } from '../../src/reporters/format-units.js';

describe('duration', () => {
  it.each([
    [0.25, '250 µs'],
    [0.9999, '1.00 ms'],
    [12.344, '12.34 ms'],
    [999.996, '1.00 s'],
    [20011, '20.01 s'],
    [59_999, '1 min 0.0 s'],
    [125_040, '2 min 5.0 s'],
  ])('%d ms reads %s', (value, text) => {
    expect(duration(value)).toBe(text);
  });
});

describe('fitFields', () => {
  const items = ['1234 msg/s', 'P99 1.234 ms', '99 received'];

  it('keeps whole fields that fit, in order', () => {
    expect(fitFields(items, 100)).toBe('1234 msg/s, P99 1.234 ms, 99 received');
    expect(fitFields(items, 30)).toBe('1234 msg/s, P99 1.234 ms');
    expect(fitFields(items, 10)).toBe('1234 msg/s');
  });

  it('cuts the first field short when nothing else fits, never past the width', () => {
    expect(fitFields(items, 6)).toBe('1234 …');
    expect(fitFields(items, 1)).toBe('…');
    expect(fitFields(items, 0)).toBe('');
  });
});
