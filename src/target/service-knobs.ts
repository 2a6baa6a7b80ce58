import { status } from '@grpc/grpc-js';

/** Runtime behaviour of the reference Order service; every field may be changed while serving. */
export interface ServiceKnobs {
  /** Reported back as `served_by`, e.g. 'v1'. */
  version: string;
  /** Fixed delay before each answer, in milliseconds. */
  latencyMs: number;
  /** Extra delay drawn uniformly from [0, jitterMs] milliseconds, added to latencyMs. */
  jitterMs: number;
  /** Probability in [0, 1] that a request ends its stream with `errorCode` instead of an answer. */
  errorRatio: number;
  /** Numeric gRPC status used for injected errors. */
  errorCode: status;
  /** Bytes retained forever per request: a deliberate leak for memory-regression tests. */
  leakBytes: number;
  /** CPU time spent per request, µs (a busy loop): a realistic few-percent-slower v2. */
  workUs: number;
}

export const DEFAULT_KNOBS: Readonly<ServiceKnobs> = Object.freeze({
  version: 'v1',
  latencyMs: 0,
  jitterMs: 0,
  errorRatio: 0,
  errorCode: status.UNAVAILABLE,
  leakBytes: 0,
  workUs: 0,
});

/**
 * `base` overridden by the defined fields of `partial`, validated as a whole.
 * Throws RangeError naming the first invalid field.
 */
export function mergeKnobs(base: Readonly<ServiceKnobs>, partial: Partial<ServiceKnobs>): ServiceKnobs {
  const merged: ServiceKnobs = { ...base };
  for (const [key, value] of Object.entries(partial) as [keyof ServiceKnobs, unknown][]) {
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  validateKnobs(merged);
  return merged;
}

function validateKnobs(knobs: ServiceKnobs): void {
  const nonNegative = (name: string, value: number) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`${name} must be a finite number >= 0, got ${String(value)}`);
    }
  };
  if (typeof knobs.version !== 'string' || knobs.version.length === 0) {
    throw new RangeError('version must be a non-empty string');
  }
  nonNegative('latencyMs', knobs.latencyMs);
  nonNegative('jitterMs', knobs.jitterMs);
  nonNegative('leakBytes', knobs.leakBytes);
  nonNegative('workUs', knobs.workUs);
  if (!Number.isInteger(knobs.leakBytes)) {
    throw new RangeError(`leakBytes must be a whole number of bytes, got ${knobs.leakBytes}`);
  }
  if (typeof knobs.errorRatio !== 'number' || !(knobs.errorRatio >= 0 && knobs.errorRatio <= 1)) {
    throw new RangeError(`errorRatio must be within [0, 1], got ${String(knobs.errorRatio)}`);
  }
  if (!Number.isInteger(knobs.errorCode) || typeof status[knobs.errorCode] !== 'string') {
    throw new RangeError(`errorCode must be a gRPC status code, got ${String(knobs.errorCode)}`);
  }
}
