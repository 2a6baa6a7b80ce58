import type { Report } from '../report/report.js';
import type { MetricComparison } from './comparison.js';
import { metricFigures } from './metric-figures.js';
import { metricVerdict } from './metric-verdict.js';
import { twoProportionP } from './two-proportion-p.js';

/** Errors per request sent, in %, judged in percentage points on the whole runs' counts. */
export function compareErrorRate(baseline: Report, candidate: Report, tolerance: number | undefined, alpha: number): MetricComparison {
  // Errors can exceed requests (a failed stream and an unanswered request both count): cap at 100 %.
  const errors = (r: Report): number => Math.min(r.counts.errors, r.counts.messagesSent);
  const ratePercent = (r: Report): number => (r.counts.messagesSent ? (errors(r) / r.counts.messagesSent) * 100 : 0);
  const b = ratePercent(baseline);
  const c = ratePercent(candidate);
  const pValue = twoProportionP(errors(baseline), baseline.counts.messagesSent, errors(candidate), candidate.counts.messagesSent);
  const significant = pValue < alpha && c !== b;
  return {
    ...metricFigures({ metric: 'errorRate', label: 'error rate', unit: '%', direction: 'lower-is-better', baseline: b, candidate: c }),
    ...(tolerance === undefined ? {} : { tolerance: { kind: 'percentagePoints', value: tolerance } }),
    pValue,
    significant,
    verdict: metricVerdict(c - b, tolerance, significant && c > b),
  };
}
