import { status } from '@grpc/grpc-js';

/** What a stream speaks: one answer per request, or the reservation protocol (see proto/order.proto). */
export type OrderProtocol = 'echo' | 'reservation';

export const ORDER_PROTOCOLS: ReadonlyArray<OrderProtocol> = ['echo', 'reservation'];

/** Delays of the reservation protocol's stages, in milliseconds. */
export interface StageDelaysMs {
  /** From an order's arrival to its ACCEPTED. */
  accepted: number;
  /** From ACCEPTED to RESERVED. */
  reserved: number;
  /** From a confirm's arrival to its CONFIRMED, REJECTED or INVALID_RESERVATION. */
  decided: number;
}

/** Runtime behaviour of the reference Order service; every field may be changed while serving. */
export interface ServiceKnobs {
  /** Reported back as `served_by`, e.g. 'v1'. */
  version: string;
  /** Chosen per stream when it opens. */
  protocol: OrderProtocol;
  /** Fixed delay before each answer, in milliseconds (echo protocol). */
  latencyMs: number;
  /** Extra delay drawn uniformly from [0, jitterMs] milliseconds, added to latencyMs (echo protocol). */
  jitterMs: number;
  /** Reservation protocol: the delay before each stage. */
  stageDelaysMs: StageDelaysMs;
  /** Reservation protocol: share in [0, 1] of valid confirms answered REJECTED, drawn from a generator seeded with rejectSeed. */
  rejectRatio: number;
  /** Seed of the service's reject draws: the same seed gives the same sequence of decisions. */
  rejectSeed: number;
  /** Reservation protocol: unsolicited STOCK_UPDATE messages per second on each open stream (0 = none, at most 1000). */
  pushRatePerSec: number;
  /** Probability in [0, 1] that a request ends its stream with `errorCode` instead of an answer. */
  errorRatio: number;
  /** Numeric gRPC status used for injected errors. */
  errorCode: status;
  /** Bytes retained forever per request: a deliberate leak for memory-regression tests. */
  leakBytes: number;
  /** CPU time spent per request, µs (a busy loop): a realistic few-percent-slower v2. */
  workUs: number;
}

/** A timer per stream fires the pushes; more than one per millisecond is not a timer's job. */
export const MAX_PUSH_RATE_PER_SEC = 1000;

export const DEFAULT_KNOBS: Readonly<ServiceKnobs> = Object.freeze({
  version: 'v1',
  protocol: 'echo',
  latencyMs: 0,
  jitterMs: 0,
  stageDelaysMs: Object.freeze({ accepted: 0, reserved: 0, decided: 0 }),
  rejectRatio: 0,
  rejectSeed: 1,
  pushRatePerSec: 0,
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
  const share = (name: string, value: number) => {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new RangeError(`${name} must be within [0, 1], got ${String(value)}`);
  };
  if (typeof knobs.version !== 'string' || knobs.version.length === 0) {
    throw new RangeError('version must be a non-empty string');
  }
  if (!ORDER_PROTOCOLS.includes(knobs.protocol)) throw new RangeError(`protocol must be one of ${ORDER_PROTOCOLS.join(', ')}, got ${String(knobs.protocol)}`);
  nonNegative('latencyMs', knobs.latencyMs);
  nonNegative('jitterMs', knobs.jitterMs);
  for (const stage of ['accepted', 'reserved', 'decided'] as const) nonNegative(`stageDelaysMs.${stage}`, knobs.stageDelaysMs?.[stage]);
  share('rejectRatio', knobs.rejectRatio);
  if (!Number.isSafeInteger(knobs.rejectSeed)) throw new RangeError(`rejectSeed must be a whole number, got ${String(knobs.rejectSeed)}`);
  nonNegative('pushRatePerSec', knobs.pushRatePerSec);
  if (knobs.pushRatePerSec > MAX_PUSH_RATE_PER_SEC) throw new RangeError(`pushRatePerSec must be at most ${MAX_PUSH_RATE_PER_SEC}, got ${knobs.pushRatePerSec}`);
  nonNegative('leakBytes', knobs.leakBytes);
  nonNegative('workUs', knobs.workUs);
  if (!Number.isInteger(knobs.leakBytes)) {
    throw new RangeError(`leakBytes must be a whole number of bytes, got ${knobs.leakBytes}`);
  }
  share('errorRatio', knobs.errorRatio);
  if (!Number.isInteger(knobs.errorCode) || typeof status[knobs.errorCode] !== 'string') {
    throw new RangeError(`errorCode must be a gRPC status code, got ${String(knobs.errorCode)}`);
  }
}
