/**
 * Gives V8 the whole range of `process.nextTick` calls before any load. Node's streams call it
 * on every HTTP/2 write and read, with one to three extra arguments. In a worker thread that
 * first sees only some of those, V8 optimizes nextTick on the narrow mix, deoptimizes it when
 * the others arrive, and in some runs the code it ends with builds each tick object several
 * times slower: at 1 connection × 500 streams nextTick then took 180–190 ms of a 2 s run
 * instead of 20–50 ms, and throughput fell by about 10 %. Runs alternating with and without
 * these calls: slow in 6 of 24 without (6 of 13 in the batches where it showed at all), in 0 of
 * 24 with. The calls cost a few milliseconds, once per thread.
 */
const PRIMING_ROUNDS = 5000;

const noArgument = (): void => {};
const oneArgument = (_a: unknown): void => {};
const twoArguments = (_a: unknown, _b: unknown): void => {};
const threeArguments = (_a: unknown, _b: unknown, _c: unknown): void => {};
const fourArguments = (_a: unknown, _b: unknown, _c: unknown, _d: unknown): void => {};

let primed = false;

export function primeNextTick(): void {
  if (primed) return;
  primed = true;
  for (let i = 0; i < PRIMING_ROUNDS; i++) {
    process.nextTick(noArgument);
    process.nextTick(oneArgument, 1);
    process.nextTick(twoArguments, 1, 2);
    process.nextTick(threeArguments, 1, 2, 3);
    process.nextTick(fourArguments, 1, 2, 3, 4);
  }
}
