import { createLatencyHistogram, disposeHistograms, encodeHistogram, recordLatencyUs, type LatencyHistogram } from '../stats/latency-histogram.js';
import type { FlowFigures, FlowSettings, FlowStepSettings } from '../types/flow-settings.js';

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
  byStatus: Record<string, number>;
  readonly matchUs: LatencyHistogram;
  readonly firstResponseUs: LatencyHistogram;
}

export interface CheckTally {
  passes: number;
  fails: number;
}

export interface SendTally {
  sent: number;
}

/**
 * A share's flow figures: one tally per send, await and check of the flow (made once, so the
 * streams count into fixed objects) and the run counts. Only flow runs started after the
 * warm-up are counted; the streams decide that.
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

  constructor(flow: FlowSettings) {
    this.addSteps(flow.steps);
  }

  private addSteps(steps: readonly FlowStepSettings[]): void {
    for (const step of steps) {
      if ('send' in step) this.sends.set(step.send, { sent: 0 });
      else if ('await' in step) {
        const matchUs = createLatencyHistogram({ recording: true });
        const firstResponseUs = createLatencyHistogram({ recording: true });
        this.owned.push(matchUs, firstResponseUs);
        this.awaits.set(step.await, { matched: 0, timeouts: 0, intermediate: 0, byStatus: {}, matchUs, firstResponseUs });
        for (const check of Object.keys(step.checks ?? {})) this.checks.set(check, { passes: 0, fails: 0 });
      } else if ('repeat' in step) this.addSteps(step.steps);
    }
  }

  countUnsolicited(status: string): void {
    countStatus(this.unsolicited, status);
  }

  result(): FlowFigures {
    return {
      runsStarted: this.runsStarted,
      runsCompleted: this.runsCompleted,
      runsTimedOut: this.runsTimedOut,
      runsUnfinished: this.runsUnfinished,
      sends: Object.fromEntries([...this.sends].map(([name, tally]) => [name, tally.sent])),
      awaits: Object.fromEntries(
        [...this.awaits].map(([name, { matchUs, firstResponseUs, byStatus, ...counts }]) => [
          name,
          { ...counts, byStatus: { ...byStatus }, matchHistogram: encodeHistogram(matchUs), firstResponseHistogram: encodeHistogram(firstResponseUs) },
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

export { recordLatencyUs };
