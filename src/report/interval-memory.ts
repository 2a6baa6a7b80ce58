import type { MemorySample } from '../stats/memory-growth.js';
import type { ReportInterval } from './report.js';

/**
 * The bytes of the sample nearest `tMs` (the earlier one on a tie); undefined without samples.
 * `samples` in time order (as a sampler keeps them): a binary search, so an hour of intervals stays cheap.
 */
export function nearestSampleBytes(samples: ReadonlyArray<MemorySample>, tMs: number): number | undefined {
  if (samples.length === 0) return undefined;
  // The first sample at or after tMs …
  let low = 0;
  let high = samples.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (samples[mid]!.tMs < tMs) low = mid + 1;
    else high = mid;
  }
  const after = samples[low];
  const before = samples[low - 1];
  // … or the one before it, when that is as near or nearer.
  if (!after) return before!.bytes;
  if (!before) return after.bytes;
  return tMs - before.tMs <= after.tMs - tMs ? before.bytes : after.bytes;
}

/**
 * Each interval with the client RSS and the target memory sample nearest its end, so the report
 * holds one reading per interval (bounded by the intervals, not by the sampling rate). The samples
 * must be on the intervals' clock: ms since the load started. A series without samples adds no field.
 */
export function withMemorySamples(
  intervals: ReadonlyArray<ReportInterval>,
  memory: { clientRss: ReadonlyArray<MemorySample>; target?: ReadonlyArray<MemorySample> },
): ReportInterval[] {
  return intervals.map((interval) => {
    const clientRssBytes = nearestSampleBytes(memory.clientRss, interval.tMs);
    const targetMemoryBytes = memory.target ? nearestSampleBytes(memory.target, interval.tMs) : undefined;
    return {
      ...interval,
      ...(clientRssBytes === undefined ? {} : { clientRssBytes }),
      ...(targetMemoryBytes === undefined ? {} : { targetMemoryBytes }),
    };
  });
}
