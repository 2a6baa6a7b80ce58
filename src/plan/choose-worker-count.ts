/**
 * `load.workers: auto`: the worker count is picked from short probe runs rather than from the
 * CPU count. A second worker only pays when one worker is short of CPU and a core is free:
 * on a 2-core machine that also runs the target, it helped at 4 × 64 streams with grpc-js and
 * cost a third of the throughput with the http2 transport. Pure: no clock, no I/O.
 */

/** What one probe measured with `workers` threads. */
export interface WorkerProbe {
  workers: number;
  /** Responses per second over the probe's measured window. */
  messagesPerSec: number;
  /** Mean event-loop utilisation of the workers, 0..1 (≈ the share of a core each used). */
  workerUtilization: number;
}

export interface WorkerCountChoice {
  workers: number;
  /** Why this count: the rule that decided, in words. */
  reason: string;
  /** Every probe, in the order run. */
  probes: WorkerProbe[];
}

/** One probe: this long in all, of which the first part is left out (cold code, connecting). */
export const PROBE_MS = 1500;
export const PROBE_WARMUP_MS = 500;

/** A count whose throughput is within this share of the best one counts as just as good. */
export const SAME_THROUGHPUT_SHARE = 0.05;
/** Open model: the capacity a count must show above the scheduled peak rate. */
export const RATE_HEADROOM = 1.2;

/** 1, 2, 4, … up to `cap`, and `cap` itself: a handful of probes even on many cores. */
export function workerCountCandidates(cap: number): number[] {
  const candidates: number[] = [];
  for (let count = 1; count < cap; count *= 2) candidates.push(count);
  candidates.push(cap);
  return candidates;
}

/**
 * Probe order: every candidate twice, the second pass reversed (1 2 4 4 2 1), so that drift of
 * a shared machine during the probes weighs on all counts alike.
 */
export function probeOrder(candidates: readonly number[]): number[] {
  return [...candidates, ...[...candidates].reverse()];
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * Closed model: the fewest workers whose throughput is within 5 % of the best count's; fewer
 * threads leave CPU to the target and to the other threads. Open model (`peakRate` set): the
 * fewest workers that reached 1.2 × the peak rate, else the fastest count.
 */
export function chooseWorkerCount(probes: readonly WorkerProbe[], peakRate?: number): WorkerCountChoice {
  if (!probes.length) throw new Error('chooseWorkerCount: no probes');
  const byCount = new Map<number, number[]>();
  for (const probe of probes) byCount.set(probe.workers, [...(byCount.get(probe.workers) ?? []), probe.messagesPerSec]);
  const averages = [...byCount].map(([workers, rates]) => ({ workers, messagesPerSec: mean(rates) })).sort((a, b) => a.workers - b.workers);
  const best = averages.reduce((top, entry) => (entry.messagesPerSec > top.messagesPerSec ? entry : top));
  const rounded = (value: number): string => Math.round(value).toLocaleString('en-US');

  if (peakRate !== undefined) {
    const enough = averages.find((entry) => entry.messagesPerSec >= peakRate * RATE_HEADROOM);
    if (enough) {
      return { workers: enough.workers, reason: `fewest workers reaching ${RATE_HEADROOM} × the peak rate ${rounded(peakRate)} msg/s (${rounded(enough.messagesPerSec)} msg/s)`, probes: [...probes] };
    }
    return { workers: best.workers, reason: `no count reached ${RATE_HEADROOM} × the peak rate ${rounded(peakRate)} msg/s: the fastest (${rounded(best.messagesPerSec)} msg/s)`, probes: [...probes] };
  }
  const chosen = averages.find((entry) => entry.messagesPerSec >= best.messagesPerSec * (1 - SAME_THROUGHPUT_SHARE))!;
  const reason =
    chosen.workers === best.workers
      ? `the fastest (${rounded(best.messagesPerSec)} msg/s)`
      : `within ${SAME_THROUGHPUT_SHARE * 100} % of the fastest (${rounded(chosen.messagesPerSec)} against ${rounded(best.messagesPerSec)} msg/s with ${best.workers}), with fewer threads`;
  return { workers: chosen.workers, reason, probes: [...probes] };
}
