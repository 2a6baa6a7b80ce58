import type { Report } from '../report/report.js';

/** What the judge sees of an interleaved comparison: both sides on one timeline, and each round's two reports. */
export interface JudgedRounds {
  baseline: Report;
  candidate: Report;
  rounds: Array<{ baseline: Report; candidate: Report }>;
}

/** The rounds a sequentially merged report was made of, each with its own intervals and timeline. */
export function splitRounds(merged: Report): Report[] {
  return (merged.rounds ?? []).map((span) => ({
    ...merged,
    startedAt: span.startedAt,
    durationMs: span.durationMs,
    warmupMs: span.warmupMs,
    intervals: merged.intervals.slice(span.firstInterval, span.firstInterval + span.intervalCount).map((interval) => ({ ...interval, tMs: interval.tMs - span.offsetMs })),
  }));
}

/**
 * Keeps the intervals that are all measurement: drops those shorter than half the median
 * interval (the drain at the end of a round). Warm-up time is in none of them: the workers
 * start their measured intervals when the warm-up ends.
 */
function fullIntervalsOnly(report: Report): Report {
  const lengths = report.intervals.map((i) => i.durationMs).sort((a, b) => a - b);
  const typicalMs = lengths[Math.floor(lengths.length / 2)] ?? 0;
  return { ...report, intervals: report.intervals.filter((i) => i.durationMs >= typicalMs / 2) };
}

/**
 * The judge's view of two sides merged from interleaved rounds (baseline.json and
 * candidate.json of a canary run): each round's full intervals, laid on one common timeline
 * where round k of both sides occupies the same slot, beginning at the first baseline round.
 * Counts and every other figure stay those of the merged reports. The canary run and
 * `compare` on its saved reports both judge this, so the same data gives the same verdict.
 */
export function judgedRounds(baseline: Report, candidate: Report): JudgedRounds {
  const baselineRounds = splitRounds(baseline);
  const candidateRounds = splitRounds(candidate);
  const count = Math.min(baselineRounds.length, candidateRounds.length);
  const raw = baselineRounds.slice(0, count).map((b, k) => ({ baseline: b, candidate: candidateRounds[k]! }));
  const slotMs = Math.max(0, ...raw.flatMap((r) => [r.baseline, r.candidate].map((report) => Math.max(report.durationMs, report.intervals.at(-1)?.tMs ?? 0)))) + 1000;
  const rounds = raw.map((r) => ({ baseline: fullIntervalsOnly(r.baseline), candidate: fullIntervalsOnly(r.candidate) }));
  const startedAt = raw[0]?.baseline.startedAt ?? baseline.startedAt;
  const side = (merged: Report, pick: 'baseline' | 'candidate'): Report => {
    const { rounds: _spans, ...rest } = merged;
    return { ...rest, startedAt, intervals: rounds.flatMap((r, k) => r[pick].intervals.map((interval) => ({ ...interval, tMs: k * slotMs + interval.tMs }))) };
  };
  return { baseline: side(baseline, 'baseline'), candidate: side(candidate, 'candidate'), rounds };
}
