import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TimerSet } from '../../src/driver/timer-set.js';

describe('TimerSet', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs one-shot and repeating timers, forgetting one-shots once they fire', () => {
    const timers = new TimerSet();
    const calls: string[] = [];
    timers.after(30, () => calls.push('once'));
    timers.every(20, () => calls.push('tick'));
    expect(timers.size).toBe(2);
    vi.advanceTimersByTime(45);
    expect(calls).toEqual(['tick', 'once', 'tick']);
    expect(timers.size).toBe(1);
  });

  it('clear() stops every timer', () => {
    const timers = new TimerSet();
    const calls: string[] = [];
    timers.after(10, () => calls.push('once'));
    timers.every(5, () => calls.push('tick'));
    timers.clear();
    vi.advanceTimersByTime(100);
    expect(calls).toEqual([]);
    expect(timers.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
