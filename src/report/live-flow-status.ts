import { createLatencyHistogram, decodeHistogram, type LatencyHistogram } from '../stats/latency-histogram.js';
import { summarizeLatency, type LatencySummaryMs } from '../stats/summarize-latency.js';
import type { FlowIntervalFigures } from '../types/flow-settings.js';

/** One await step's running totals since the start (see LiveFlowStatus). */
export interface LiveAwaitStatus {
  matched: number;
  timeouts: number;
  /** P99 match latency of the last interval (the busiest worker's), ms; 0 before any match. */
  p99Ms: number;
  /** Every match so far, all workers merged; summarised when first read (a walk of the histogram). */
  readonly latencyMs: LatencySummaryMs;
}

/**
 * A flow's running totals since the start, summed from the workers' interval snapshots: the
 * same figures, counted the same way, as the report's `flow` (runs started after the warm-up).
 * After the last snapshot of every worker they equal the report's.
 */
export interface LiveFlowStatus {
  runsStarted: number;
  runsCompleted: number;
  runsTimedOut: number;
  /** Unsolicited responses, every status together. */
  unsolicited: number;
  awaits: Record<string, LiveAwaitStatus>;
  /** `rate`: passes / (passes + fails), 0..1; absent before the check's first judgement. */
  checks: Record<string, { passes: number; fails: number; rate?: number }>;
}

interface AwaitTotals {
  matched: number;
  timeouts: number;
  matchUs: LatencyHistogram;
  p99UsByWorker: Map<number, number>;
}

/** Adds the flow figures of interval snapshots up. Memory: one histogram per await, whatever the run's length. */
export class LiveFlowTracker {
  private runsStarted = 0;
  private runsCompleted = 0;
  private runsTimedOut = 0;
  private unsolicited = 0;
  private readonly awaits = new Map<string, AwaitTotals>();
  private readonly checks = new Map<string, { passes: number; fails: number }>();

  add(workerId: number, figures: FlowIntervalFigures): void {
    this.runsStarted += figures.runsStarted;
    this.runsCompleted += figures.runsCompleted;
    this.runsTimedOut += figures.runsTimedOut;
    this.unsolicited += figures.unsolicited;
    for (const [name, step] of Object.entries(figures.awaits)) {
      let totals = this.awaits.get(name);
      if (!totals) this.awaits.set(name, (totals = { matched: 0, timeouts: 0, matchUs: createLatencyHistogram(), p99UsByWorker: new Map() }));
      totals.matched += step.matched;
      totals.timeouts += step.timeouts;
      if (step.matchHistogram === '') continue;
      const interval = decodeHistogram(step.matchHistogram);
      totals.matchUs.add(interval);
      totals.p99UsByWorker.set(workerId, interval.getValueAtPercentile(99));
    }
    for (const [name, check] of Object.entries(figures.checks)) {
      const totals = this.checks.get(name) ?? { passes: 0, fails: 0 };
      totals.passes += check.passes;
      totals.fails += check.fails;
      this.checks.set(name, totals);
    }
  }

  current(): LiveFlowStatus {
    const awaits: LiveFlowStatus['awaits'] = {};
    for (const [name, totals] of this.awaits) {
      let summary: LatencySummaryMs | undefined;
      awaits[name] = {
        matched: totals.matched,
        timeouts: totals.timeouts,
        p99Ms: Math.max(0, ...totals.p99UsByWorker.values()) / 1000,
        get latencyMs(): LatencySummaryMs {
          return (summary ??= summarizeLatency(totals.matchUs));
        },
      };
    }
    const checks: LiveFlowStatus['checks'] = {};
    for (const [name, { passes, fails }] of this.checks) checks[name] = { passes, fails, ...(passes + fails > 0 ? { rate: passes / (passes + fails) } : {}) };
    return { runsStarted: this.runsStarted, runsCompleted: this.runsCompleted, runsTimedOut: this.runsTimedOut, unsolicited: this.unsolicited, awaits, checks };
  }
}
