import { describe, expect, it } from 'vitest';
import { LoadSpanTracker } from '../../src/run/load-span.js';

/** A clock the test moves by hand. */
function manualClock(startMs: number) {
  let nowMs = startMs;
  return { now: () => nowMs, set: (ms: number) => (nowMs = ms) };
}

describe('LoadSpanTracker', () => {
  it('places each worker on the main clock from its snapshots and spans warm-up end to the first stop of sending', () => {
    const clock = manualClock(0);
    const tracker = new LoadSpanTracker(1000, clock.now);
    // Worker 0's load starts at main time 5000, worker 1's at 5200; snapshots arrive 0–30 ms late.
    const arrivals: Array<[workerId: number, durationMs: number, arrivedAtMs: number]> = [
      [0, 1000, 6030],
      [1, 1000, 6200],
      [0, 1000, 7000],
      [1, 1000, 7210],
      [0, 600, 7600],
      [1, 500, 7705],
    ];
    for (const [workerId, durationMs, arrivedAtMs] of arrivals) {
      clock.set(arrivedAtMs);
      tracker.noteSnapshot({ workerId, durationMs });
    }

    // Warm-up ends last on worker 1 (5200 + 1000); sending stops first on worker 0 (5000 + 2400).
    expect(tracker.span([
      { workerId: 0, sendingMs: 2400 },
      { workerId: 1, sendingMs: 2450 },
    ])).toEqual({ fromMs: 6200, toMs: 7400 });
  });

  it('ignores a worker that sent no snapshot and is undefined when none did', () => {
    const clock = manualClock(1000);
    const tracker = new LoadSpanTracker(0, clock.now);
    expect(tracker.span([{ workerId: 0, sendingMs: 500 }])).toBeUndefined();

    tracker.noteSnapshot({ workerId: 1, durationMs: 1000 });
    expect(tracker.span([{ workerId: 0, sendingMs: 10 }, { workerId: 1, sendingMs: 900 }])).toEqual({ fromMs: 0, toMs: 900 });
  });

  it('is empty when sending stopped before the warm-up ended', () => {
    const clock = manualClock(300);
    const tracker = new LoadSpanTracker(1000, clock.now);
    tracker.noteSnapshot({ workerId: 0, durationMs: 300 });

    const span = tracker.span([{ workerId: 0, sendingMs: 250 }])!;
    expect(span.fromMs).toBeGreaterThan(span.toMs);
  });
});
