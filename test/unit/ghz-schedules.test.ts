import { describe, expect, it } from 'vitest';
import { ghzScheduleToStages, mergeStages, type GhzSchedule, type StagesInput } from '../../src/cli/ghz-schedules.js';
import { BenchError } from '../../src/errors/bench-error.js';

/** Runs `action`, expecting a BenchError with code USAGE; returns its message. */
function usageError(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(BenchError);
    expect((error as BenchError).code).toBe('USAGE');
    return (error as BenchError).message;
  }
  throw new Error('expected a USAGE error, got none');
}

describe('ghzScheduleToStages: const', () => {
  it('is no stage at all, explicit or by default', () => {
    expect(ghzScheduleToStages('--load', { schedule: 'const' })).toBeUndefined();
    expect(ghzScheduleToStages('--load', {})).toBeUndefined();
    // const ignores the step flags, as ghz does.
    expect(ghzScheduleToStages('--load', { schedule: 'const', start: 5, step: 1 })).toBeUndefined();
  });
});

describe('ghzScheduleToStages: step', () => {
  it('holds start, start+step, … each for step-duration, up to end', () => {
    expect(ghzScheduleToStages('--load', { schedule: 'step', start: 10, step: 10, end: 30, stepDuration: '1s' })).toEqual({
      initial: 10,
      stages: [
        { duration: '1000ms', value: 10, ramp: false },
        { duration: '1000ms', value: 20, ramp: false },
        { duration: '1000ms', value: 30, ramp: false },
      ],
    });
  });

  it('stops below end when the next step would pass it', () => {
    const result = ghzScheduleToStages('--load', { schedule: 'step', start: 10, step: 15, end: 50, stepDuration: '500ms' });
    expect(result!.stages.map((s) => s.value)).toEqual([10, 25, 40]);
  });

  it('with end and max-duration: holds end until max-duration', () => {
    expect(ghzScheduleToStages('--load', { schedule: 'step', start: 10, step: 10, end: 30, stepDuration: '1s', maxDuration: '5s' })).toEqual({
      initial: 10,
      stages: [
        { duration: '1000ms', value: 10, ramp: false },
        { duration: '1000ms', value: 20, ramp: false },
        { duration: '1000ms', value: 30, ramp: false },
        { duration: '2000ms', value: 30, ramp: false },
      ],
    });
  });

  it('with max-duration shorter than the steps to end: cut at max-duration', () => {
    expect(ghzScheduleToStages('--load', { schedule: 'step', start: 10, step: 10, end: 100, stepDuration: '1s', maxDuration: '2500ms' })).toEqual({
      initial: 10,
      stages: [
        { duration: '1000ms', value: 10, ramp: false },
        { duration: '1000ms', value: 20, ramp: false },
        { duration: '500ms', value: 30, ramp: false },
      ],
    });
  });

  it('with max-duration only: steps up until max-duration', () => {
    const result = ghzScheduleToStages('--concurrency', { schedule: 'step', start: 1, step: 2, stepDuration: '2s', maxDuration: '7s' });
    expect(result).toEqual({
      initial: 1,
      stages: [
        { duration: '2000ms', value: 1, ramp: false },
        { duration: '2000ms', value: 3, ramp: false },
        { duration: '2000ms', value: 5, ramp: false },
        { duration: '1000ms', value: 7, ramp: false },
      ],
    });
  });

  it('the stages last max-duration in total', () => {
    const result = ghzScheduleToStages('--load', { schedule: 'step', start: 5, step: 5, end: 20, stepDuration: '300ms', maxDuration: '10s' })!;
    const totalMs = result.stages.reduce((sum, s) => sum + Number(s.duration.replace('ms', '')), 0);
    expect(totalMs).toBe(10_000);
  });
});

describe('ghzScheduleToStages: line', () => {
  it('ramps from start by step per second until end', () => {
    // 10 → 30 at +5/s: a 4 s ramp.
    expect(ghzScheduleToStages('--load', { schedule: 'line', start: 10, step: 5, end: 30 })).toEqual({
      initial: 10,
      stages: [{ duration: '4000ms', value: 30, ramp: true }],
    });
  });

  it('with end and a longer max-duration: holds end for the rest', () => {
    expect(ghzScheduleToStages('--load', { schedule: 'line', start: 10, step: 5, end: 30, maxDuration: '6s' })).toEqual({
      initial: 10,
      stages: [
        { duration: '4000ms', value: 30, ramp: true },
        { duration: '2000ms', value: 30, ramp: false },
      ],
    });
  });

  it('with end and a shorter max-duration: the ramp is cut where it has got to', () => {
    expect(ghzScheduleToStages('--load', { schedule: 'line', start: 10, step: 5, end: 30, maxDuration: '2s' })).toEqual({
      initial: 10,
      stages: [{ duration: '2000ms', value: 20, ramp: true }],
    });
  });

  it('with max-duration only: ramps for the whole of it', () => {
    expect(ghzScheduleToStages('--concurrency', { schedule: 'line', start: 2, step: 1, maxDuration: '3s' })).toEqual({
      initial: 2,
      stages: [{ duration: '3000ms', value: 5, ramp: true }],
    });
  });

  it('rounds the ramp duration to whole milliseconds', () => {
    // 1 → 2 at +3/s takes 333.3… ms.
    const result = ghzScheduleToStages('--load', { schedule: 'line', start: 1, step: 3, end: 2 })!;
    expect(result.stages).toHaveLength(1);
    expect(result.stages[0]!.duration).toBe('333ms');
    expect(result.stages[0]!.value).toBeCloseTo(2, 9);
  });
});

describe('ghzScheduleToStages: errors are USAGE and name the flag', () => {
  const step: GhzSchedule = { schedule: 'step', start: 10, step: 10, end: 30, stepDuration: '1s' };

  it.each<[string, GhzSchedule, RegExp]>([
    ['a step schedule without step', { ...step, step: undefined }, /--load-step: step schedule needs a number other than 0 \(negative falls\), got nothing/],
    ['a zero step', { ...step, step: 0 }, /--load-step: .*got 0/],
    ['a negative start', { ...step, start: -1 }, /--load-start: .*got -1/],
    ['a line schedule without start', { schedule: 'line', step: 1, end: 5 }, /--load-start: line schedule needs/],
    ['a step schedule without step-duration', { ...step, stepDuration: undefined }, /--load-step-duration: a step schedule needs it/],
    ['neither end nor max-duration', { ...step, end: undefined }, /--load-end or --load-max-duration/],
    ['a bad max-duration', { ...step, maxDuration: 'soon' }, /--load-max-duration: expected a duration such as "10s", got "soon"/],
    ['a zero max-duration', { ...step, maxDuration: '0s' }, /--load-max-duration: expected a duration/],
    ['a bad step-duration', { ...step, stepDuration: '5' }, /--load-step-duration: expected a duration/],
    ['an unknown schedule kind', { ...step, schedule: 'exponential' }, /--load-schedule: expected const, step or line, got "exponential"/],
  ])('%s', (_name, options, message) => {
    expect(usageError(() => ghzScheduleToStages('--load', options))).toMatch(message);
  });

  // A rising step with an end below start can never reach it: a usage mistake, not a crash
  // and not an empty or 1 ms schedule.
  it.each<[string, GhzSchedule]>([
    ['step, with max-duration', { schedule: 'step', start: 30, step: 5, end: 10, stepDuration: '1s', maxDuration: '5s' }],
    ['step, without max-duration', { schedule: 'step', start: 30, step: 5, end: 10, stepDuration: '1s' }],
    ['line', { schedule: 'line', start: 30, step: 5, end: 10 }],
  ])('an end below start is a USAGE error (%s)', (_name, options) => {
    expect(usageError(() => ghzScheduleToStages('--load', options))).toMatch(/--load-end/);
  });

  it('names the concurrency flags for the concurrency schedule', () => {
    expect(usageError(() => ghzScheduleToStages('--concurrency', { schedule: 'step', start: 1, end: 4, stepDuration: '1s' }))).toMatch(/^--concurrency-step:/);
  });
});

describe('mergeStages', () => {
  const rate: StagesInput = {
    initial: 100,
    stages: [
      { duration: '1000ms', value: 100, ramp: false },
      { duration: '2000ms', value: 250.5, ramp: true },
    ],
  };
  const streams: StagesInput = {
    initial: 2,
    stages: [
      { duration: '1000ms', value: 2.4, ramp: true },
      { duration: '1000ms', value: 0.2, ramp: false },
    ],
  };

  it('is empty without any schedule', () => {
    expect(mergeStages(undefined, undefined)).toEqual({});
  });

  it('turns a rate schedule into load.rate and rate stages', () => {
    expect(mergeStages(rate, undefined)).toEqual({
      rate: 100,
      stages: [
        { duration: '1000ms', rate: 100, ramp: false },
        { duration: '2000ms', rate: 250.5, ramp: true },
      ],
    });
  });

  it('turns a concurrency schedule into load.streams and whole, positive stream stages', () => {
    expect(mergeStages(undefined, streams)).toEqual({
      streams: 2,
      stages: [
        { duration: '1000ms', streams: 2, ramp: true },
        { duration: '1000ms', streams: 1, ramp: false },
      ],
    });
  });

  it('refuses both at once as USAGE', () => {
    expect(usageError(() => mergeStages(rate, streams))).toMatch(/--load-schedule and --concurrency-schedule/);
  });

  it('feeds ghzScheduleToStages output straight in', () => {
    const merged = mergeStages(ghzScheduleToStages('--load', { schedule: 'line', start: 50, step: 50, end: 150 }), undefined);
    expect(merged).toEqual({ rate: 50, stages: [{ duration: '2000ms', rate: 150, ramp: true }] });
  });
});
