import type { MemoryProbe } from './memory-sampler.js';
import { readProcessMemory } from './read-process-memory.js';
import { scrapeMemoryMetrics } from './scrape-memory-metrics.js';

export interface TargetMemoryProbeOptions {
  /** A local process to read /proc/<pid>/status of (Linux only); gives RSS. */
  pid?: number;
  /** A Prometheus /metrics URL; gives RSS and, when exported, heap. */
  metricsUrl?: string;
  /** Per-scrape timeout for metricsUrl, in milliseconds; default 2000. */
  scrapeTimeoutMs?: number;
}

export const DEFAULT_SCRAPE_TIMEOUT_MS = 2000;

/**
 * Picks how to watch the target's memory: its pid when given (cheapest, no cooperation
 * needed), otherwise its metrics URL. Returns undefined when neither is given.
 */
export function createTargetMemoryProbe(options: TargetMemoryProbeOptions): MemoryProbe | undefined {
  const { pid, metricsUrl } = options;
  if (pid !== undefined) return () => readProcessMemory(pid);
  if (metricsUrl !== undefined) {
    const timeoutMs = options.scrapeTimeoutMs ?? DEFAULT_SCRAPE_TIMEOUT_MS;
    return () => scrapeMemoryMetrics(metricsUrl, timeoutMs);
  }
  return undefined;
}
