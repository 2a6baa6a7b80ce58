import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { routedMetadata } from '../../src/driver/routed-metadata.js';

const canary = { 'x-canary': '1' };

describe('routedMetadata', () => {
  it('routes nothing without a split or with a zero share', () => {
    expect(routedMetadata(undefined, 3)).toBeUndefined();
    expect(routedMetadata({ routedShare: 0, routedMetadata: canary }, 3)).toBeUndefined();
  });

  it('routes every slot at share 1 and every fourth at 0.25', () => {
    expect([0, 1, 2].map((s) => routedMetadata({ routedShare: 1, routedMetadata: canary }, s))).toEqual([canary, canary, canary]);
    const quarter = [0, 1, 2, 3, 4, 5, 6, 7].map((s) => routedMetadata({ routedShare: 0.25, routedMetadata: canary }, s) !== undefined);
    expect(quarter).toEqual([false, false, false, true, false, false, false, true]);
  });

  it('any run of consecutive slots holds ⌊n·share⌋ or ⌈n·share⌉ routed ones', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 1, noNaN: true }), fc.nat(1000), fc.integer({ min: 1, max: 200 }), (share, first, n) => {
        let routed = 0;
        for (let s = first; s < first + n; s++) if (routedMetadata({ routedShare: share, routedMetadata: canary }, s)) routed++;
        expect(routed).toBeGreaterThanOrEqual(Math.floor(n * share) - 1e-9);
        expect(routed).toBeLessThanOrEqual(Math.ceil(n * share) + 1e-9);
      }),
    );
  });
});
