import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScheduleBacklog } from '../../src/driver/schedule-backlog.js';
import { constantSchedule, intendedTimeOf, type Schedule } from '../../src/schedule/load-schedule.js';

/** 10 messages/s for 1 s: messages 0..9 due at 0, 100, …, 900 ms. */
const tenPerSecond = constantSchedule(10, 1000);

describe('ScheduleBacklog', () => {
  it('holds what fell due and was not taken, in schedule order, with each one’s intended time', () => {
    const backlog = new ScheduleBacklog(tenPerSecond);
    expect(backlog.advance(0)).toBe(1);
    expect(backlog.take()).toBe(0);
    expect(backlog.waiting).toBe(0);
    expect(backlog.nextDueMs()).toBe(100);

    // Nothing was taken between 100 and 450 ms: messages 1..4 wait.
    expect(backlog.advance(450)).toBe(4);
    expect(backlog.waiting).toBe(4);
    expect([backlog.take(), backlog.take()]).toEqual([100, 200]);
    expect(backlog.waiting).toBe(2);
    expect(backlog.nextDueMs()).toBe(500);
  });

  it('never moves back, and stops at the end of the schedule', () => {
    const backlog = new ScheduleBacklog(tenPerSecond);
    expect(backlog.advance(950)).toBe(10);
    expect(backlog.advance(300)).toBe(0);
    expect(backlog.advance(60_000)).toBe(0);
    expect(backlog.due).toBe(10);
    expect(backlog.nextDueMs()).toBe(Infinity);
    expect(backlog.finished).toBe(false);
    for (let k = 0; k < 10; k++) backlog.take();
    expect(backlog.finished).toBe(true);
  });

  it('holds an absurd rate in two numbers: 100,000,000/s for 3 s falls due at once', () => {
    const backlog = new ScheduleBacklog(constantSchedule(100_000_000, 3000));
    expect(backlog.total).toBe(300_000_000);
    expect(backlog.advance(3000)).toBe(300_000_000);
    expect(backlog.take()).toBe(0);
    expect(backlog.take()).toBeCloseTo(0.00001, 12);
    expect(backlog.waiting).toBe(299_999_998);
    expect(backlog.measuredBetween(backlog.sent, backlog.due)).toBe(299_999_998);
  });

  it('ends at the message budget, however long the schedule', () => {
    const backlog = new ScheduleBacklog(constantSchedule(1000, Infinity), 25);
    expect(backlog.total).toBe(25);
    expect(backlog.advance(3_600_000)).toBe(25);
    expect(backlog.nextDueMs()).toBe(Infinity);
  });

  it('counts as measured only the messages due at or after the warm-up', () => {
    // Warm-up 250 ms: messages 0, 1, 2 (0, 100, 200 ms) are in it; 3 (300 ms) is the first after.
    const backlog = new ScheduleBacklog(tenPerSecond, Infinity, 250);
    expect(backlog.measuredBetween(0, 3)).toBe(0);
    expect(backlog.measuredBetween(0, 4)).toBe(1);
    expect(backlog.measuredBetween(2, 10)).toBe(7);
    expect(backlog.measuredBetween(5, 5)).toBe(0);
    // A message due exactly at the end of the warm-up is measured.
    const atBoundary = new ScheduleBacklog(tenPerSecond, Infinity, 300);
    expect(atBoundary.measuredBetween(0, 10)).toBe(7);
  });

  it('takes every message once, in order, whatever the elapsed times it is advanced to', () => {
    const schedule: Schedule = { initial: 0, stages: [{ durationMs: 1000, value: 200, ramp: true }, { durationMs: 500, value: 50, ramp: false }] };
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 2000, noNaN: true }), fc.nat(40)), { maxLength: 30 }), (steps) => {
        const backlog = new ScheduleBacklog(schedule);
        let expected = 0;
        let elapsedMs = 0;
        for (const [forwardMs, takes] of steps) {
          elapsedMs += forwardMs / 10;
          backlog.advance(elapsedMs);
          for (let i = 0; i < takes && backlog.waiting > 0; i++) {
            const intended = backlog.take();
            expect(intended).toBe(intendedTimeOf(schedule, expected++));
            expect(intended).toBeLessThanOrEqual(elapsedMs);
          }
          expect(backlog.sent + backlog.waiting).toBe(backlog.due);
          expect(backlog.nextDueMs()).toBeGreaterThan(elapsedMs);
        }
      }),
    );
  });
});
