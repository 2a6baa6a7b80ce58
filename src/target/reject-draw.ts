import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** Decides, one call per valid confirm, whether it is REJECTED: true with probability `ratio`. */
export type RejectDraw = (ratio: number) => boolean;

/**
 * A seeded sequence of reject decisions, shared by every stream of one service: the i-th
 * confirm the service decides gets the i-th draw, so the number of rejects among n confirms
 * depends only on the seed, the ratio and n (see countRejects), however the streams interleave.
 */
export function createRejectDraw(seed: number): RejectDraw {
  const generator = xoroshiro128plus(seed);
  return (ratio) => uniformFloat64(generator) < ratio;
}

/** How many of the first `confirms` draws of `seed` reject at `ratio`: what the server's REJECTED count will be. */
export function countRejects(seed: number, ratio: number, confirms: number): number {
  const draw = createRejectDraw(seed);
  let rejects = 0;
  for (let i = 0; i < confirms; i++) if (draw(ratio)) rejects += 1;
  return rejects;
}
