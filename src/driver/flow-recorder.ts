import { createLatencyHistogram, disposeHistograms, encodeHistogram, recordLatencyUs, type LatencyHistogram } from '../stats/latency-histogram.js';
import type { FlowFigures, FlowIntervalFigures, FlowSettings, FlowStepSettings } from '../types/flow-settings.js';

/** The status a response is counted under when its await (or `unsolicited`) compares no field with a value. */
export const ANY_STATUS = '(any)';

/** Distinct values counted by status at most; the rest count as "(other)", so memory stays bounded whatever the server sends. */
export const MAX_STATUS_VALUES = 32;

/** Counts one response under its status value (see MAX_STATUS_VALUES). */
export function countStatus(tally: Record<string, number>, status: string): void {
  const count = tally[status];
  if (count !== undefined) tally[status] = count + 1;
  else if (Object.keys(tally).length < MAX_STATUS_VALUES) tally[status] = 1;
  else tally['(other)'] = (tally['(other)'] ?? 0) + 1;
}

/** One await step's live figures: counted into directly by the flow streams. */
export interface AwaitTally {
  matched: number;
  timeouts: number;
  intermediate: number;
  /** Responses by status value; empty for an await without a status field (result() counts them as ANY_STATUS). */
  byStatus: Record<string, number>;
  /** The current interval's match latencies (of matches after an intermediate response); folded into the step's total at each takeInterval. */
  readonly matchUs: LatencyHistogram;
  /** First-response latencies (of first responses that did not match). */
  readonly firstResponseUs: LatencyHistogram;
  /**
   * Matches that were the await's first response: one latency, both figures' (recorded once, not
   * twice); added to the match and first-response histograms at each takeInterval, losslessly.
   */
  readonly firstMatchUs: LatencyHistogram;
}

export interface CheckTally {
  passes: number;
  fails: number;
}

export interface SendTally {
  sent: number;
}

/** The counts of a flow as of the last interval snapshot: the next interval is the difference. */
interface ReportedCounts {
  runsStarted: number;
  runsCompleted: number;
  runsTimedOut: number;
  unsolicited: number;
  awaits: Map<string, { matched: number; timeouts: number }>;
  checks: Map<string, { passes: number; fails: number }>;
}

/**
 * A share's flow figures: one tally per send, await and check of the flow (made once, so the
 * streams count into fixed objects) and the run counts. Only flow runs started after the
 * warm-up are counted; the streams decide that. Match latencies go into the interval's
 * histogram, folded into the step's total at each takeInterval: every value is recorded once
 * and the intervals sum to the totals exactly. Memory: a few numbers per step and four
 * histograms per await, whatever the number of responses.
 */
export class FlowRecorder {
  runsStarted = 0;
  runsCompleted = 0;
  runsTimedOut = 0;
  runsUnfinished = 0;
  unawaited = 0;
  readonly unsolicited: Record<string, number> = {};
  readonly sends = new Map<string, SendTally>();
  readonly awaits = new Map<string, AwaitTally>();
  readonly checks = new Map<string, CheckTally>();
  private readonly owned: LatencyHistogram[] = [];
  /** Each await's match latencies up to the last interval snapshot. */
  private readonly matchTotalsUs = new Map<string, LatencyHistogram>();
  private unsolicitedCount = 0;
  private readonly reported: ReportedCounts = { runsStarted: 0, runsCompleted: 0, runsTimedOut: 0, unsolicited: 0, awaits: new Map(), checks: new Map() };

  constructor(flow: FlowSettings) {
    this.addSteps(flow.steps);
  }

  private addSteps(steps: readonly FlowStepSettings[]): void {
    for (const step of steps) {
      if ('send' in step) this.sends.set(step.send, { sent: 0 });
      else if ('await' in step) {
        const matchUs = createLatencyHistogram({ recording: true });
        const firstResponseUs = createLatencyHistogram({ recording: true });
        const matchTotalUs = createLatencyHistogram({ recording: true });
        const firstMatchUs = createLatencyHistogram({ recording: true });
        this.owned.push(matchUs, firstResponseUs, matchTotalUs, firstMatchUs);
        this.matchTotalsUs.set(step.await, matchTotalUs);
        this.reported.awaits.set(step.await, { matched: 0, timeouts: 0 });
        this.awaits.set(step.await, { matched: 0, timeouts: 0, intermediate: 0, byStatus: {}, matchUs, firstResponseUs, firstMatchUs });
        for (const check of Object.keys(step.checks ?? {})) {
          this.checks.set(check, { passes: 0, fails: 0 });
          this.reported.checks.set(check, { passes: 0, fails: 0 });
        }
      } else if ('repeat' in step) this.addSteps(step.steps);
    }
  }

  countUnsolicited(status: string): void {
    this.unsolicitedCount++;
    countStatus(this.unsolicited, status);
  }

  /**
   * Closes the interval: what was counted since the last one; its latencies are folded into the
   * totals, and every match latency is added to `run`'s interval too: the flow streams count
   * their matches there without recording them again (StreamOwner.countResponse). The whole
   * flow's recorder is given the share's; a version's (split runs) none, its matches being the
   * whole flow's already.
   */
  takeInterval(run?: { addLatencies(histogram: LatencyHistogram): void }): FlowIntervalFigures {
    const { reported } = this;
    const interval: FlowIntervalFigures = {
      runsStarted: this.runsStarted - reported.runsStarted,
      runsCompleted: this.runsCompleted - reported.runsCompleted,
      runsTimedOut: this.runsTimedOut - reported.runsTimedOut,
      unsolicited: this.unsolicitedCount - reported.unsolicited,
      awaits: {},
      checks: {},
    };
    reported.runsStarted = this.runsStarted;
    reported.runsCompleted = this.runsCompleted;
    reported.runsTimedOut = this.runsTimedOut;
    reported.unsolicited = this.unsolicitedCount;
    for (const [name, tally] of this.awaits) {
      foldFirstMatches(tally);
      if (run !== undefined && tally.matchUs.totalCount) run.addLatencies(tally.matchUs);
      const last = reported.awaits.get(name)!;
      interval.awaits[name] = { matched: tally.matched - last.matched, timeouts: tally.timeouts - last.timeouts, matchHistogram: tally.matchUs.totalCount ? encodeHistogram(tally.matchUs) : '' };
      last.matched = tally.matched;
      last.timeouts = tally.timeouts;
      this.foldMatches(name, tally);
    }
    for (const [name, tally] of this.checks) {
      const last = reported.checks.get(name)!;
      interval.checks[name] = { passes: tally.passes - last.passes, fails: tally.fails - last.fails };
      last.passes = tally.passes;
      last.fails = tally.fails;
    }
    return interval;
  }

  private foldMatches(name: string, tally: AwaitTally): void {
    if (!tally.matchUs.totalCount) return;
    this.matchTotalsUs.get(name)!.add(tally.matchUs);
    tally.matchUs.reset();
  }

  /** The totals; latencies not yet in an interval are folded in (take the last interval first, so that it has them). */
  result(): FlowFigures {
    for (const [name, tally] of this.awaits) {
      foldFirstMatches(tally);
      this.foldMatches(name, tally);
    }
    return {
      runsStarted: this.runsStarted,
      runsCompleted: this.runsCompleted,
      runsTimedOut: this.runsTimedOut,
      runsUnfinished: this.runsUnfinished,
      sends: Object.fromEntries([...this.sends].map(([name, tally]) => [name, tally.sent])),
      awaits: Object.fromEntries(
        [...this.awaits].map(([name, { matchUs: _interval, firstMatchUs: _folded, firstResponseUs, byStatus, ...counts }]) => [
          name,
          { ...counts, byStatus: responsesByStatus(byStatus, counts.matched + counts.intermediate), matchHistogram: encodeHistogram(this.matchTotalsUs.get(name)!), firstResponseHistogram: encodeHistogram(firstResponseUs) },
        ]),
      ),
      checks: Object.fromEntries([...this.checks].map(([name, tally]) => [name, { ...tally }])),
      unsolicited: { ...this.unsolicited },
      unawaited: this.unawaited,
    };
  }

  /** Frees the histograms (WebAssembly memory); call once, after result(). */
  dispose(): void {
    disposeHistograms(this.owned);
  }
}

/**
 * An await's responses by status value. An await without a status field (no `until`, or one that
 * only asks for presence) leaves its tally empty: each of its `responses` counts as "(any)".
 */
function responsesByStatus(byStatus: Record<string, number>, responses: number): Record<string, number> {
  if (Object.keys(byStatus).length > 0 || responses === 0) return { ...byStatus };
  return { [ANY_STATUS]: responses };
}

/** The interval's first-response matches into both the match and the first-response histograms. */
function foldFirstMatches(tally: AwaitTally): void {
  if (!tally.firstMatchUs.totalCount) return;
  tally.matchUs.add(tally.firstMatchUs);
  tally.firstResponseUs.add(tally.firstMatchUs);
  tally.firstMatchUs.reset();
}

export { recordLatencyUs };
