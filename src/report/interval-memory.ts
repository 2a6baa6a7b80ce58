import type { MemorySample } from '../stats/memory-growth.js';
import type { ReportInterval } from './report.js';

/** The bytes of the sample nearest `tMs` (the earlier one on a tie); undefined without samples. */
export function nearestSampleBytes(samples: ReadonlyArray<MemorySample>, tMs: number): number | undefined {
  let best: MemorySample | undefined;
  for (const sample of samples) {
    if (!best || Math.abs(sample.tMs - tMs) < Math.abs(best.tMs - tMs) || (Math.abs(sample.tMs - tMs) === Math.abs(best.tMs - tMs) && sample.tMs < best.tMs)) best = sample;
  }
  return best?.bytes;
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
