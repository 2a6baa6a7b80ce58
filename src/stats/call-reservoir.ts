import { CALL_SAMPLE_SIZE, type CallRecord, type CallSample } from '../types/worker-protocol.js';

/**
 * Keeps a uniform random sample of at most `size` calls, however many are offered
 * (Vitter's algorithm R): the i-th call replaces a kept one with probability size / i.
 */
export class CallReservoir {
  private seen = 0;
  private readonly kept: CallRecord[] = [];

  constructor(private readonly size = CALL_SAMPLE_SIZE) {}

  offer(call: CallRecord): void {
    this.seen++;
    if (this.kept.length < this.size) {
      this.kept.push(call);
      return;
    }
    const slot = Math.floor(Math.random() * this.seen);
    if (slot < this.size) this.kept[slot] = call;
  }

  sample(): CallSample {
    return { seen: this.seen, kept: [...this.kept].sort((a, b) => a.endedAtEpochMs - b.endedAtEpochMs) };
  }
}

/**
 * Joins workers' samples into one of at most `size` calls that stays uniform over all of them:
 * each worker contributes in proportion to the calls it saw (its kept calls are already a uniform
 * sample of those), rounded so that the shares add up to the total kept.
 */
export function mergeCallSamples(samples: readonly CallSample[], size = CALL_SAMPLE_SIZE): CallSample {
  const seen = samples.reduce((sum, s) => sum + s.seen, 0);
  const total = Math.min(size, samples.reduce((sum, s) => sum + s.kept.length, 0));
  const kept: CallRecord[] = [];
  let given = 0;
  let cumulativeSeen = 0;
  for (const sample of samples) {
    cumulativeSeen += sample.seen;
    const upTo = seen === 0 ? 0 : Math.round((total * cumulativeSeen) / seen);
    const share = Math.min(sample.kept.length, upTo - given);
    // The kept calls are in time order; a random subset of them keeps the sample uniform.
    const picked = [...sample.kept];
    for (let i = 0; i < share; i++) {
      const j = i + Math.floor(Math.random() * (picked.length - i));
      [picked[i], picked[j]] = [picked[j]!, picked[i]!];
    }
    kept.push(...picked.slice(0, share));
    given += share;
  }
  return { seen, kept: kept.sort((a, b) => a.endedAtEpochMs - b.endedAtEpochMs) };
}
