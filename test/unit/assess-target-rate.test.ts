import { describe, expect, it } from 'vitest';
import { assessGenerator, assessTargetRate, type ScheduleEvidence } from '../../src/report/assess-generator.js';
import type { GeneratorHealth } from '../../src/types/worker-protocol.js';

/** 100,000,000 msg/s scheduled for 3 s; 20,000 went out on 4 streams × window 1. */
const absurd: ScheduleEvidence = { scheduled: 300_000_000, sent: 20_000, sendingMs: 3000, sendsDeferred: 299_999_996, inFlightLimit: 4 };

const idleWorker: GeneratorHealth = { workerId: 0, eventLoopUtilization: 0.4, eventLoopDelayP99Ms: 1, eventLoopDelayMaxMs: 2, eventLoopDelayMeanMs: 0.5, busyMs: 1200, scheduleLagP99Ms: 0.5 };

describe('assessTargetRate', () => {
  it('reached: everything scheduled went out', () => {
    const verdict = assessTargetRate({ scheduled: 10_000, sent: 10_000, sendingMs: 5000, sendsDeferred: 0, inFlightLimit: 20 }, false);
    expect(verdict).toMatchObject({ reached: true, sentPercent: 100, scheduledPerSec: 2000, sentPerSec: 2000 });
    expect(verdict.limitedBy).toBeUndefined();
    expect(verdict.summary).toBe('target rate reached: sent 10,000 of 10,000 scheduled requests (100 %), 2,000 of 2,000 msg/s');
  });

  it('reached within 1 %: a few requests still waiting at the stop', () => {
    expect(assessTargetRate({ scheduled: 10_000, sent: 9_900, sendingMs: 5000, sendsDeferred: 100, inFlightLimit: 20 }, false).reached).toBe(true);
    expect(assessTargetRate({ scheduled: 10_000, sent: 9_899, sendingMs: 5000, sendsDeferred: 101, inFlightLimit: 20 }, false).reached).toBe(false);
  });

  it('not reached without a saturated generator: the target, with the sends that found no room', () => {
    const verdict = assessTargetRate(absurd, false);
    expect(verdict).toMatchObject({ reached: false, limitedBy: 'target', scheduled: 300_000_000, sent: 20_000, scheduledPerSec: 100_000_000, sentPerSec: 6666.67 });
    // Three significant digits: a tiny share does not read as 0.
    expect(verdict.sentPercent).toBe(0.00667);
    expect(verdict.summary).toContain('target rate NOT reached: sent 20,000 of 300,000,000 scheduled requests (0.00667 %), 6,667 of 100,000,000 msg/s');
    expect(verdict.summary).toContain('limited by the target: 299,999,996 sends found no stream with room, with at most 4 requests in flight');
  });

  it('not reached with a saturated generator: the generator', () => {
    const verdict = assessTargetRate({ ...absurd, sendsDeferred: 0 }, true);
    expect(verdict.limitedBy).toBe('generator');
    expect(verdict.summary).toContain('limited by the generator');
  });

  it('nothing scheduled (sending stopped at once) counts as reached', () => {
    expect(assessTargetRate({ scheduled: 0, sent: 0, sendingMs: 0, sendsDeferred: 0, inFlightLimit: 1 }, false)).toMatchObject({ reached: true, sentPercent: 100, scheduledPerSec: 0 });
  });
});

describe('assessGenerator', () => {
  const base = { openModel: true, processCpuUs: 1_000_000, durationMs: 3000, latencyP99Ms: 3000 };

  it('gives the open model a target-rate verdict, the closed model none', () => {
    expect(assessGenerator({ ...base, workers: [idleWorker], schedule: absurd }).targetRate?.limitedBy).toBe('target');
    expect(assessGenerator({ ...base, openModel: false, workers: [idleWorker] }).targetRate).toBeUndefined();
  });

  it('a busy worker makes the generator the limit', () => {
    const busy = { ...idleWorker, eventLoopUtilization: 0.99 };
    const report = assessGenerator({ ...base, workers: [busy], schedule: absurd });
    expect(report.saturated).toBe(true);
    expect(report.targetRate?.limitedBy).toBe('generator');
  });

  it('a schedule lag far below the measured P99 is not a finding (5 % rule, as for the loop delay)', () => {
    // 20 ms late with room (the first burst of sends) beside a 3 s P99 of requests that waited for room.
    const report = assessGenerator({ ...base, workers: [{ ...idleWorker, scheduleLagP99Ms: 20 }], schedule: absurd });
    expect(report.saturated).toBe(false);
    expect(report.targetRate?.limitedBy).toBe('target');
    // The same lag beside a 50 ms P99 is the generator's.
    const tight = assessGenerator({ ...base, latencyP99Ms: 50, workers: [{ ...idleWorker, scheduleLagP99Ms: 20 }], schedule: absurd });
    expect(tight.saturated).toBe(true);
    expect(tight.targetRate?.limitedBy).toBe('generator');
  });
});
