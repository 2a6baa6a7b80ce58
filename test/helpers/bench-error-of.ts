import { expect } from 'vitest';
import { BenchError } from '../../src/errors/bench-error.js';

/** Runs `fn`, which must throw a BenchError, and returns that error. */
export function benchErrorOf(fn: () => unknown): BenchError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BenchError);
    return error as BenchError;
  }
  throw new Error('expected a BenchError, but nothing was thrown');
}
