import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ServiceKnobs } from './service-knobs.js';

/** Buffers retained forever by the `leakBytes` knob; shared by every service in the process. */
const leaked: Buffer[] = [];
let leakedByteCount = 0;

/** Bytes held by the deliberate `leakBytes` leak since the process started. */
export function retainedLeakBytes(): number {
  return leakedByteCount;
}

/** Burns CPU on this thread for `us` microseconds: the cost of real per-request work. */
function spin(us: number): void {
  const until = performance.now() + us / 1000;
  while (performance.now() < until) {
    // busy by design
  }
}

/** What every request costs the service whatever its protocol: the `leakBytes` leak and `workUs` of CPU. */
export function doRequestWork(knobs: Pick<ServiceKnobs, 'leakBytes' | 'workUs'>): void {
  if (knobs.leakBytes > 0) {
    leaked.push(Buffer.alloc(knobs.leakBytes));
    leakedByteCount += knobs.leakBytes;
  }
  if (knobs.workUs > 0) spin(knobs.workUs);
}

/** Ids are unique per process run: a random prefix plus a sequence number. */
const idPrefix = randomBytes(4).toString('hex');
let idSequence = 0;

/** A new id such as `ord-1a2b3c4d-17` (`prefix` 'ord') or `res-1a2b3c4d-18` ('res'). */
export function nextId(prefix: string): string {
  idSequence += 1;
  return `${prefix}-${idPrefix}-${idSequence}`;
}
