import type * as hdr from 'hdr-histogram-js';

/** What a raw loop prints as its one JSON line. */
export interface RawLoopResult {
  /** Responses received (calls that returned OK, for the unary loop). */
  messages: number;
  /** First write to the end of the last stream or call, ms. */
  elapsedMs: number;
  /** process.cpuUsage() over the same window (load only, without start-up), µs. */
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** The result line of a raw loop: its counts, the CPU it used since `startCpu`, its histogram's P50 and P99 (µs → ms). */
export function rawLoopResult(messages: number, elapsedMs: number, startCpu: NodeJS.CpuUsage, histogram: hdr.Histogram, errors: number): RawLoopResult {
  const cpu = process.cpuUsage(startCpu);
  return {
    messages,
    elapsedMs,
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    rssBytes: process.memoryUsage.rss(),
    p50Ms: histogram.getValueAtPercentile(50) / 1000,
    p99Ms: histogram.getValueAtPercentile(99) / 1000,
    errors,
  };
}
