import type { MemoryGrowthReport, Report } from '../report/report.js';
import { trendShortfall } from '../stats/memory-growth.js';

const MIB = 1048576;

/** A steady rise: the fit explains at least this share of the variance (below, growth is noise or steps). */
export const LEAK_MIN_R2 = 0.8;

/** True when the slope can be judged and is a steady rise. */
export function looksLikeLeak(g: MemoryGrowthReport): boolean {
  return trendShortfall(g) === undefined && g.growthBytesPerMin > 0 && g.r2 >= LEAK_MIN_R2;
}

/** One process's memory trend in words: "Target memory grows 413 MiB/min (r² 0.97): possible leak." or why there is no trend. */
export function memoryVerdict(name: string, g: MemoryGrowthReport): string {
  const shortfall = trendShortfall(g);
  if (shortfall !== undefined) return `${name}: no trend judged — ${shortfall}.`;
  const perMin = `${(g.growthBytesPerMin / MIB).toFixed(2)} MiB/min (r² ${g.r2.toFixed(2)})`;
  if (looksLikeLeak(g)) return `${name} grows ${perMin}: possible leak.`;
  return `${name}: no trend — ${perMin}, not a steady rise.`;
}

/** The memory series a report holds, the target's first: its name, growth summary and per-interval reading. */
export function memoryProcesses(report: Report): Array<{ name: string; growth: MemoryGrowthReport; bytesAt: (i: Report['intervals'][number]) => number | undefined }> {
  const processes: ReturnType<typeof memoryProcesses> = [];
  if (report.memory.target) processes.push({ name: 'Target memory', growth: report.memory.target, bytesAt: (i) => i.targetMemoryBytes });
  // A report rebuilt from a run journal has no client memory samples: no verdict on zeros.
  if (!report.notMeasured?.includes('clientMemory')) processes.push({ name: 'Client RSS', growth: report.memory.client, bytesAt: (i) => i.clientRssBytes });
  processes.push({ name: 'Client worker heaps', growth: report.memory.clientHeap, bytesAt: (i) => i.heapUsedBytes });
  return processes;
}
