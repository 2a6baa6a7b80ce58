import { describe, expect, it } from 'vitest';
import { createProgressDisplay } from '../../src/cli/progress-display.js';
import { FlowRecorder } from '../../src/driver/flow-recorder.js';
import { LiveStatusTracker, type LiveStatus } from '../../src/report/live-status.js';
import type { FlowSettings } from '../../src/types/flow-settings.js';
import { intervalSnapshot } from '../helpers/interval-snapshot.js';

const FLOW: FlowSettings = {
  onTimeout: 'continue',
  steps: [
    { send: 'order' },
    { await: 'decided', until: { status: ['CONFIRMED', 'REJECTED'] }, within: 100, checks: { confirmed: { status: 'CONFIRMED' }, fast: { status: 'CONFIRMED' } } },
  ],
};

/** The status lines a non-terminal display writes for `statuses` (one every 5 s of run time). */
function statusLines(statuses: LiveStatus[]): string[] {
  const lines: string[] = [];
  const display = createProgressDisplay({ durationMs: 60_000 }, false, (text) => lines.push(text));
  for (const status of statuses) display.update(status);
  return lines;
}

/** A worker's interval snapshot after `completed` flow runs, `fails` of them failing the checks. */
/** The share's run latencies: not what this test looks at. */
const RUN_LATENCIES = { addLatencies: () => {} };

function flowSnapshot(recorder: FlowRecorder, index: number, completed: number, fails: number) {
  recorder.runsStarted += completed;
  recorder.runsCompleted += completed;
  for (const name of ['confirmed', 'fast']) {
    const check = recorder.checks.get(name)!;
    check.passes += completed - fails;
    check.fails += fails;
  }
  return intervalSnapshot({ workerId: 0, index, durationMs: 1000, warmup: false, flow: recorder.takeInterval(RUN_LATENCIES) });
}

describe('the progress line', () => {
  it('shows a flow’s completed runs and its first check’s pass rate, running totals of every interval so far', () => {
    const recorder = new FlowRecorder(FLOW);
    const tracker = new LiveStatusTracker();
    const first = { ...tracker.add(flowSnapshot(recorder, 0, 0, 0)), elapsedMs: 5000 };
    tracker.add(flowSnapshot(recorder, 1, 30, 10));
    const second = { ...tracker.add(flowSnapshot(recorder, 2, 10, 0)), elapsedMs: 10_000 };

    const [before, after] = statusLines([first, second]);

    expect(before, 'no rate before the check judged anything').toBe('[5s] 0 msg/s, P99 0.000 ms, 0 flow runs done, 0 received, 0 errors, 0 streams\n');
    expect(after).toBe('[10s] 0 msg/s, P99 0.000 ms, 40 flow runs done, confirmed 75.0% passed, 0 received, 0 errors, 0 streams\n');
    recorder.dispose();
  });

  it('shows no flow fields for a run without a flow', () => {
    const status = { ...new LiveStatusTracker().add(intervalSnapshot({ workerId: 0, index: 0, durationMs: 1000, warmup: false })), elapsedMs: 5000 };
    expect(statusLines([status])).toEqual(['[5s] 0 msg/s, P99 0.000 ms, 0 received, 0 errors, 0 streams\n']);
  });
});
