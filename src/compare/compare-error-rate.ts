import type { Report } from '../report/report.js';
import type { MetricComparison } from './comparison.js';
import { compareProportion, type ProportionCounts } from './compare-proportion.js';

/** Errors per request sent, in %, judged in percentage points on the whole runs' counts. */
export function compareErrorRate(baseline: Report, candidate: Report, tolerance: number | undefined, alpha: number): MetricComparison {
  // Errors can exceed requests (a failed stream and an unanswered request both count): cap at 100 %.
  const counts = (r: Report): ProportionCounts => ({ hits: Math.min(r.counts.errors, r.counts.messagesSent), total: r.counts.messagesSent });
  return compareProportion({ metric: 'errorRate', label: 'error rate', direction: 'lower-is-better' }, counts(baseline), counts(candidate), tolerance, alpha);
}
