import type { Report } from '../report/report.js';
import type { MetricComparison } from './comparison.js';
import { metricFigures } from './metric-figures.js';

/** Shown for context, never judged: failed streams and, when both reports have it, the target's memory growth. */
export function infoMetrics(baseline: Report, candidate: Report): MetricComparison[] {
  const info = (figures: Parameters<typeof metricFigures>[0]): MetricComparison => ({ ...metricFigures(figures), significant: false, verdict: 'info' });
  const metrics = [
    info({ metric: 'streamsFailed', label: 'failed streams', unit: 'count', direction: 'lower-is-better', baseline: baseline.counts.streamsFailed, candidate: candidate.counts.streamsFailed }),
  ];
  const memoryB = baseline.memory?.target;
  const memoryC = candidate.memory?.target;
  if (memoryB && memoryC) {
    metrics.push(info({ metric: 'targetMemoryGrowth', label: 'target memory growth', unit: 'bytes/min', direction: 'lower-is-better', baseline: memoryB.growthBytesPerMin, candidate: memoryC.growthBytesPerMin }));
  }
  return metrics;
}
