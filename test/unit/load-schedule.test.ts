import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  constantSchedule,
  dueMessageCount,
  intendedTimeOf,
  messagesDueBy,
  scaleSchedule,
  scheduleDurationMs,
  scheduledMessageCount,
  valueAt,
  type Schedule,
  type ScheduleStage,
} from '../../src/schedule/load-schedule.js';

const hold = (durationMs: number, value: number): ScheduleStage => ({ durationMs, value, ramp: false });
const ramp = (durationMs: number, value: number): ScheduleStage => ({ durationMs, value, ramp: true });

/** 10 messages/s for 1 s: messages 0..9 at 0, 100, …, 900 ms. */
const tenPerSecond = constantSchedule(10, 1000);
/** 100/s for 1 s, then 300/s for 1 s: 400 messages. */
const twoHolds: Schedule = { initial: 100, stages: [hold(1000, 100), hold(1000, 300)] };
/** 0 → 100/s linearly over 2 s: 100 messages, the integral of the ramp. */
const rampUp: Schedule = { initial: 0, stages: [ramp(2000, 100)] };
/** 100/s → 0 linearly over 2 s: 100 messages. */
const rampDown: Schedule = { initial: 100, stages: [ramp(2000, 0)] };
/** 10/s for 1 s, a 1 s pause, 10/s for 1 s. */
const withPause: Schedule = { initial: 10, stages: [hold(1000, 10), hold(1000, 0), hold(1000, 10)] };

describe('valueAt', () => {
  it.each([
    ['a constant rate', tenPerSecond, 0, 10],
    ['a constant rate after it ends (last level holds)', tenPerSecond, 5000, 10],
    ['the first hold stage', twoHolds, 999.999, 100],
    ['a stage boundary (belongs to the next stage)', twoHolds, 1000, 300],
    ['the second hold stage', twoHolds, 1500, 300],
    ['the end of the schedule', twoHolds, 2000, 300],
    ['a ramp at its start', rampUp, 0, 0],
    ['a ramp a quarter of the way', rampUp, 500, 25],
    ['a ramp half way', rampUp, 1000, 50],
    ['a ramp at its end', rampUp, 2000, 100],
    ['a ramp down half way', rampDown, 1000, 50],
    ['a pause', withPause, 1500, 0],
  ])('%s', (_name, schedule, elapsedMs, expected) => {
    expect(valueAt(schedule, elapsedMs)).toBeCloseTo(expected, 9);
  });

  it('ramps from the previous stage value, not from the initial one', () => {
    const schedule: Schedule = { initial: 10, stages: [hold(1000, 100), ramp(1000, 200)] };
    expect(valueAt(schedule, 1000)).toBeCloseTo(100, 9);
    expect(valueAt(schedule, 1500)).toBeCloseTo(150, 9);
  });
});

describe('messagesDueBy', () => {
  it.each([
    ['constant: none due before the start', tenPerSecond, 0, 0],
    ['constant: 1 due after 100 ms', tenPerSecond, 100, 1],
    ['constant: 2.5 due after 250 ms', tenPerSecond, 250, 2.5],
    ['constant: 10 due exactly at the end', tenPerSecond, 1000, 10],
    ['constant: stays at 10 after the end', tenPerSecond, 60_000, 10],
    ['holds: within the first stage', twoHolds, 500, 50],
    ['holds: exactly at the stage boundary', twoHolds, 1000, 100],
    ['holds: within the second stage', twoHolds, 1500, 250],
    ['holds: exactly at the end', twoHolds, 2000, 400],
    ['holds: after the end', twoHolds, 2500, 400],
    // ∫₀ᵗ 50·s ds (s in seconds) = 25·t².
    ['ramp up: after 1 s (a quarter of the area)', rampUp, 1000, 25],
    ['ramp up: after 0.5 s', rampUp, 500, 6.25],
    ['ramp up: at the end', rampUp, 2000, 100],
    ['ramp down: after 1 s (three quarters of the area)', rampDown, 1000, 75],
    ['ramp down: at the end', rampDown, 2000, 100],
    ['pause: nothing added during it', withPause, 1500, 10],
    ['pause: resumes after it', withPause, 2500, 15],
    ['negative elapsed time', tenPerSecond, -100, 0],
  ])('%s', (_name, schedule, elapsedMs, expected) => {
    expect(messagesDueBy(schedule, elapsedMs)).toBeCloseTo(expected, 9);
  });
});

describe('intendedTimeOf', () => {
  it('spaces a constant rate evenly, message 0 at once', () => {
    const times = Array.from({ length: 10 }, (_, k) => intendedTimeOf(tenPerSecond, k));
    times.forEach((t, k) => expect(t).toBeCloseTo(k * 100, 9));
  });

  it('is Infinity for the first message past the end of the schedule', () => {
    // 10 messages fit in 1 s at 10/s; message 10 would be due exactly at the end.
    expect(intendedTimeOf(tenPerSecond, 10)).toBe(Infinity);
    expect(intendedTimeOf(tenPerSecond, 11)).toBe(Infinity);
    expect(intendedTimeOf(twoHolds, 399)).toBeCloseTo(1000 + (299 / 300) * 1000, 9);
    expect(intendedTimeOf(twoHolds, 400)).toBe(Infinity);
  });

  it.each([
    ['holds: last message of the first stage', twoHolds, 99, 990],
    ['holds: first message of the second stage, exactly at the boundary', twoHolds, 100, 1000],
    ['holds: inside the second stage', twoHolds, 250, 1500],
    ['ramp up: message 0 at the start', rampUp, 0, 0],
    // 25·t² = k → t = √(k/25) s.
    ['ramp up: message 1', rampUp, 1, 200],
    ['ramp up: message 25', rampUp, 25, 1000],
    ['ramp up: message 64', rampUp, 64, 1600],
    // 100·t − 25·t² = k → t = 2 − √(4 − k/25) s.
    ['ramp down: message 75', rampDown, 75, 1000],
    ['ramp down: message 99', rampDown, 99, 1800],
    ['pause: last message before it', withPause, 9, 900],
    ['pause: first message after it', withPause, 10, 2000],
    ['pause: second message after it', withPause, 11, 2100],
  ])('%s', (_name, schedule, k, expectedMs) => {
    expect(intendedTimeOf(schedule, k)).toBeCloseTo(expectedMs, 6);
  });

  it('starts at the first stage with a rate when the schedule opens with a pause', () => {
    const schedule: Schedule = { initial: 0, stages: [hold(500, 0), hold(1000, 4)] };
    expect(intendedTimeOf(schedule, 0)).toBe(500);
    expect(intendedTimeOf(schedule, 1)).toBeCloseTo(750, 9);
    expect(intendedTimeOf(schedule, 4)).toBe(Infinity);
  });

  it('never ends on an endless constant schedule', () => {
    const endless = constantSchedule(1000, Infinity);
    expect(scheduleDurationMs(endless)).toBe(Infinity);
    expect(intendedTimeOf(endless, 1_000_000)).toBeCloseTo(1_000_000, 6);
    expect(messagesDueBy(endless, 3_600_000)).toBeCloseTo(3_600_000, 6);
  });
});

describe('scheduledMessageCount', () => {
  it.each([
    ['10/s for 1 s', tenPerSecond, 10],
    ['two holds', twoHolds, 400],
    ['a ramp up', rampUp, 100],
    ['a ramp down', rampDown, 100],
    ['a pause between two holds', withPause, 20],
    ['an absurd rate: 100,000,000/s for 3 s', constantSchedule(100_000_000, 3000), 300_000_000],
    ['a fractional integral: 2.5/s for 1 s (messages 0, 1 and 2)', constantSchedule(2.5, 1000), 3],
    ['an endless schedule', constantSchedule(1000, Infinity), Infinity],
    ['an endless pause after a hold', { initial: 10, stages: [hold(1000, 10), hold(Infinity, 0)] }, 10],
  ])('%s', (_name, schedule, expected) => {
    expect(scheduledMessageCount(schedule)).toBe(expected);
  });
});

describe('dueMessageCount', () => {
  it.each([
    ['message 0 is due at the start', tenPerSecond, 0, 1],
    ['still one just before message 1', tenPerSecond, 99.999, 1],
    ['message 1 exactly at 100 ms', tenPerSecond, 100, 2],
    ['all ten after the last one', tenPerSecond, 950, 10],
    ['no more after the end', tenPerSecond, 60_000, 10],
    ['before the start', tenPerSecond, -5, 0],
    ['holds: at the boundary', twoHolds, 1000, 101],
    ['ramp up: message 25 is due at 1 s', rampUp, 1000, 26],
    ['pause: nothing new during it', withPause, 1999, 10],
    ['an absurd rate after 1.5 s', constantSchedule(100_000_000, 3000), 1500, 150_000_001],
    ['an absurd rate after the end', constantSchedule(100_000_000, 3000), 3000, 300_000_000],
    ['an endless schedule', constantSchedule(1000, Infinity), 3_600_000, 3_600_001],
  ])('%s', (_name, schedule, elapsedMs, expected) => {
    expect(dueMessageCount(schedule, elapsedMs)).toBe(expected);
  });
});

describe('schedule helpers', () => {
  it('scheduleDurationMs sums the stages', () => {
    expect(scheduleDurationMs(twoHolds)).toBe(2000);
    expect(scheduleDurationMs(withPause)).toBe(3000);
  });

  it('scaleSchedule scales every level and keeps the timing', () => {
    const scaled = scaleSchedule({ initial: 100, stages: [ramp(1000, 300), hold(500, 200)] }, 0.25);
    expect(scaled).toEqual({ initial: 25, stages: [ramp(1000, 75), hold(500, 50)] });
    expect(messagesDueBy(scaled, 1500)).toBeCloseTo(messagesDueBy({ initial: 100, stages: [ramp(1000, 300), hold(500, 200)] }, 1500) / 4, 9);
  });
});

/** Rates up to 5000/s in hundredths; 0 is a pause. */
const rateArb = fc.integer({ min: 0, max: 500_000 }).map((hundredths) => hundredths / 100);
const positiveRateArb = fc.integer({ min: 1, max: 500_000 }).map((hundredths) => hundredths / 100);
const stageArb = (value: fc.Arbitrary<number>): fc.Arbitrary<ScheduleStage> =>
  fc.record({ durationMs: fc.integer({ min: 1, max: 10_000 }), value, ramp: fc.boolean() });
/**
 * Random schedules: any initial level, a first stage that sends something (a scenario's rates
 * are > 0), then up to five stages that may pause (0), hold or ramp up or down.
 */
const scheduleArb: fc.Arbitrary<Schedule> = fc
  .tuple(rateArb, stageArb(positiveRateArb), fc.array(stageArb(rateArb), { maxLength: 5 }))
  .map(([initial, first, rest]) => ({ initial, stages: [first, ...rest] }));

/** Message indices to probe: the first ones, then a spread over the whole schedule. */
function probeIndices(total: number): number[] {
  const count = Math.floor(total);
  const indices = new Set<number>();
  for (let k = 0; k < Math.min(count, 50); k++) indices.add(k);
  const step = Math.max(1, Math.floor(count / 200));
  for (let k = 0; k < count; k += step) indices.add(k);
  if (count > 0) indices.add(count - 1);
  return [...indices].sort((a, b) => a - b);
}

describe('properties', () => {
  it('messagesDueBy(intendedTimeOf(k)) ≈ k and intendedTimeOf is non-decreasing in k', () => {
    fc.assert(
      fc.property(scheduleArb, (schedule) => {
        const durationMs = scheduleDurationMs(schedule);
        const total = messagesDueBy(schedule, durationMs);
        let previous = -Infinity;
        for (const k of probeIndices(total)) {
          // A message due only through rounding right at the end may or may not exist.
          if (k > total - 1e-6 * Math.max(total, 1)) break;
          const t = intendedTimeOf(schedule, k);
          const due = messagesDueBy(schedule, t);
          if (!(t >= previous && t >= 0 && t <= durationMs)) throw new Error(`message ${k}: intended at ${t} ms after ${previous} ms (schedule ${durationMs} ms)`);
          if (!(Math.abs(due - k) <= 1e-6 * Math.max(k, 1))) throw new Error(`message ${k}: intended at ${t} ms, where ${due} messages are due`);
          previous = t;
        }
        // Past the schedule's integral there is no message left to send.
        expect(intendedTimeOf(schedule, Math.ceil(total) + 1)).toBe(Infinity);
      }),
      { numRuns: 200 },
    );
  });

  it('dueMessageCount counts exactly the messages whose intended time has come', () => {
    fc.assert(
      fc.property(scheduleArb, fc.double({ min: 0, max: 1, noNaN: true }), (schedule, share) => {
        const total = scheduledMessageCount(schedule);
        expect(Number.isFinite(intendedTimeOf(schedule, total - 1))).toBe(true);
        expect(intendedTimeOf(schedule, total)).toBe(Infinity);
        // At a message's own intended time it is due and the next one (unless at the same time) is not.
        const k = Math.min(Math.floor(share * total), total - 1);
        const t = intendedTimeOf(schedule, k);
        const due = dueMessageCount(schedule, t);
        expect(due).toBeGreaterThan(k);
        expect(intendedTimeOf(schedule, due - 1)).toBeLessThanOrEqual(t);
        expect(intendedTimeOf(schedule, due)).toBeGreaterThan(t);
        expect(dueMessageCount(schedule, scheduleDurationMs(schedule))).toBe(total);
      }),
      { numRuns: 200 },
    );
  });

  it('messagesDueBy is non-decreasing in time', () => {
    fc.assert(
      fc.property(scheduleArb, fc.array(fc.double({ min: 0, max: 70_000, noNaN: true }), { minLength: 2, maxLength: 20 }), (schedule, times) => {
        const due = [...times].sort((a, b) => a - b).map((t) => messagesDueBy(schedule, t));
        for (let i = 1; i < due.length; i++) expect(due[i]!).toBeGreaterThanOrEqual(due[i - 1]! - 1e-9);
      }),
    );
  });
});
