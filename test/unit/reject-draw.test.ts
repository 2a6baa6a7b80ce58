import { describe, expect, it } from 'vitest';
import { countRejects, createRejectDraw } from '../../src/target/reject-draw.js';

const draws = (seed: number, ratio: number, count: number): boolean[] => {
  const draw = createRejectDraw(seed);
  return Array.from({ length: count }, () => draw(ratio));
};

describe('the reference service reject draws', () => {
  it('repeat for a seed, differ between seeds, and count what the server will count', () => {
    expect(draws(7, 0.5, 64)).toEqual(draws(7, 0.5, 64));
    expect(draws(7, 0.5, 64)).not.toEqual(draws(8, 0.5, 64));
    expect(countRejects(7, 0.5, 64)).toBe(draws(7, 0.5, 64).filter(Boolean).length);
  });

  it('reject nothing at 0, everything at 1, and close to the share in between', () => {
    expect(countRejects(1, 0, 1000)).toBe(0);
    expect(countRejects(1, 1, 1000)).toBe(1000);
    // Deterministic for these seeds: a fixed sequence, not a sample that could flake.
    for (const seed of [1, 2, 3]) expect(Math.abs(countRejects(seed, 0.3, 10_000) - 3000)).toBeLessThan(150);
  });
});
