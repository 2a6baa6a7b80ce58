import { describe, expect, it } from 'vitest';
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
