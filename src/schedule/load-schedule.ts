/**
 * A load schedule: how the open model's message rate and the number of active streams change
 * over the run. Pure functions of elapsed time — no clock — so they are table-tested.
 */
import type { Schedule } from '../types/schedule.js';

export type { Schedule, ScheduleStage } from '../types/schedule.js';

export function scheduleDurationMs(schedule: Schedule): number {
  return schedule.stages.reduce((sum, s) => sum + s.durationMs, 0);
}

/** The value in force at `elapsedMs`; after the last stage, its final value. */
export function valueAt(schedule: Schedule, elapsedMs: number): number {
  let start = 0;
  let previous = schedule.initial;
  for (const stage of schedule.stages) {
    if (elapsedMs < start + stage.durationMs) {
      if (!stage.ramp) return stage.value;
      return previous + ((stage.value - previous) * (elapsedMs - start)) / stage.durationMs;
    }
    start += stage.durationMs;
    previous = stage.value;
  }
  return previous;
}

/**
 * Messages due by `elapsedMs` for a rate schedule (messages/s): the integral of the rate.
 * Message k (from 0) is due once this reaches k, so message 0 goes at once.
 */
export function messagesDueBy(schedule: Schedule, elapsedMs: number): number {
  let start = 0;
  let previous = schedule.initial;
  let total = 0;
  for (const stage of schedule.stages) {
    const inStageMs = Math.min(Math.max(elapsedMs - start, 0), stage.durationMs);
    const from = stage.ramp ? previous : stage.value;
    const to = stage.ramp ? previous + ((stage.value - previous) * inStageMs) / stage.durationMs : stage.value;
    total += ((from + to) / 2) * (inStageMs / 1000);
    if (elapsedMs < start + stage.durationMs) return total;
    start += stage.durationMs;
    previous = stage.value;
  }
  return total;
}

/**
 * The intended send time (ms from the start) of message k (from 0): the inverse of
 * messagesDueBy. Infinity when the schedule ends before message k is due.
 */
export function intendedTimeOf(schedule: Schedule, k: number): number {
  let start = 0;
  let previous = schedule.initial;
  let before = 0;
  for (const stage of schedule.stages) {
    const from = stage.ramp ? previous : stage.value;
    const to = stage.value;
    const inStage = ((from + to) / 2) * (stage.durationMs / 1000);
    if (inStage > 0 && before + inStage > k) {
      const needed = k - before;
      const slopePerSec = ((to - from) * 1000) / stage.durationMs; // rate change per second
      // The root of from·s + slope·s²/2 = needed, in a form that stays exact as slope → 0.
      const root = Math.sqrt(Math.max(from * from + 2 * slopePerSec * needed, 0));
      const seconds = needed === 0 ? 0 : (2 * needed) / (from + root);
      return start + Math.min(Math.max(seconds * 1000, 0), stage.durationMs);
    }
    before += inStage;
    start += stage.durationMs;
    previous = stage.value;
  }
  return Infinity;
}

/**
 * How many messages the schedule holds: those with a finite intended time (Infinity for a
 * schedule that never ends at a rate above zero).
 */
export function scheduledMessageCount(schedule: Schedule): number {
  let total = 0;
  let previous = schedule.initial;
  for (const stage of schedule.stages) {
    const from = stage.ramp ? previous : stage.value;
    const meanRate = (from + stage.value) / 2;
    if (meanRate > 0) total += meanRate * (stage.durationMs / 1000);
    previous = stage.value;
  }
  if (!Number.isFinite(total)) return Infinity;
  // Message k exists while the integral exceeds k; the two float computations may differ by one.
  let count = Math.ceil(total);
  while (count > 0 && !Number.isFinite(intendedTimeOf(schedule, count - 1))) count--;
  while (Number.isFinite(intendedTimeOf(schedule, count))) count++;
  return count;
}

/**
 * How many messages are due by `elapsedMs` (ms from the start): the k with
 * intendedTimeOf(k) ≤ elapsedMs, so the messages due are exactly 0 … count − 1. The work does
 * not grow with the count: messagesDueBy gives it to within one, intendedTimeOf settles the
 * boundary.
 */
export function dueMessageCount(schedule: Schedule, elapsedMs: number): number {
  if (!(elapsedMs >= 0)) return 0;
  if (elapsedMs === Infinity) return scheduledMessageCount(schedule);
  // Past the end of the schedule intendedTimeOf is Infinity, which the second loop steps back from.
  let count = Math.floor(messagesDueBy(schedule, elapsedMs)) + 1;
  while (intendedTimeOf(schedule, count) <= elapsedMs) count++;
  while (count > 0 && intendedTimeOf(schedule, count - 1) > elapsedMs) count--;
  return count;
}

/** A single constant level for `durationMs` (Infinity = for ever). */
export function constantSchedule(value: number, durationMs: number): Schedule {
  return { initial: value, stages: [{ durationMs, value, ramp: false }] };
}

/** Scales every level (a worker's share of the run's rate). */
export function scaleSchedule(schedule: Schedule, factor: number): Schedule {
  return {
    initial: schedule.initial * factor,
    stages: schedule.stages.map((s) => ({ ...s, value: s.value * factor })),
  };
}
