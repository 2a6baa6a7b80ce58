import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OpenModelPacer, SEND_GRACE_MS, type ScheduledStream } from '../../src/driver/open-model-pacer.js';
import { SendBudget } from '../../src/driver/send-budget.js';
import { constantSchedule } from '../../src/schedule/load-schedule.js';
import { emptyCounters } from '../../src/types/worker-protocol.js';
import { createLatencyHistogram } from '../../src/stats/latency-histogram.js';

/** A stream with a window: room while fewer than `window` requests wait for an answer. */
class WindowedStream implements ScheduledStream {
  readonly sentIntendedAtMs: number[] = [];
  inFlight = 0;
  constructor(private readonly window: number) {}
  hasRoom(): boolean {
    return this.inFlight < this.window;
  }
  sendScheduled(intendedAtMs: number): void {
    this.sentIntendedAtMs.push(intendedAtMs);
    this.inFlight++;
  }
}

/** The clock starts here so that a started load is never at time 0 (which means "not started"). */
const LOAD_STARTS_AT_MS = 1000;

function pacedShare(options: { perSecond: number; durationMs: number; warmupMs?: number; messageBudget?: number }) {
  const counters = emptyCounters();
  const scheduleLagUs = createLatencyHistogram();
  const sendLagUs = createLatencyHistogram();
  const budget = new SendBudget<unknown>(options.messageBudget, () => undefined);
  let stops = 0;
  const clock = globalThis.performance;
  const pacer: OpenModelPacer<WindowedStream> = new OpenModelPacer<WindowedStream>({
    rateSchedule: constantSchedule(options.perSecond, options.durationMs),
    messageBudget: options.messageBudget,
    warmupMs: options.warmupMs ?? 0,
    budget,
    counters,
    scheduleLagUs,
    sendLagUs,
    // As the share does: sending stops once, and the pacer stops with it.
    stopSending: () => {
      if (stops++ === 0) pacer.stop(clock.now());
    },
    clock,
  });
  return { pacer, counters, scheduleLagUs, sendLagUs, budget, stops: () => stops, clock };
}

/** A share whose load starts now, with one stream of `window` ready before the first tick. */
function startedShare(options: Parameters<typeof pacedShare>[0], window: number) {
  const share = pacedShare(options);
  const stream = new WindowedStream(window);
  share.pacer.streamHasRoom(stream);
  const startedAtMs = share.clock.now();
  share.pacer.loadStarted(startedAtMs, startedAtMs + (options.warmupMs ?? 0));
  share.pacer.start();
  return { share, stream };
}

/** The server answers everything in flight and the stream says it has room again. */
function answerAll(share: ReturnType<typeof pacedShare>, stream: WindowedStream): void {
  stream.inFlight = 0;
  share.pacer.streamHasRoom(stream);
}

describe('OpenModelPacer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    vi.advanceTimersByTime(LOAD_STARTS_AT_MS);
  });
  afterEach(() => vi.useRealTimers());

  it('sends each request when it falls due on a stream with room, then stops at the deadline', () => {
    const { share, stream } = startedShare({ perSecond: 10, durationMs: 1000 }, 100);
    vi.advanceTimersByTime(2000);
    expect(stream.sentIntendedAtMs).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900].map((ms) => LOAD_STARTS_AT_MS + ms));
    expect(share.stops()).toBe(1);
    expect(share.counters.sendsDeferred).toBe(0);
    expect(share.scheduleLagUs.totalCount).toBe(10);
    expect(share.sendLagUs.totalCount).toBe(0);
    expect(share.pacer.unsent).toBe(0);
    expect(share.pacer.scheduled).toBe(10);
  });

  it('defers what finds no room, sends it from the backlog in schedule order once a stream has room, its lateness counted', () => {
    const { share, stream } = startedShare({ perSecond: 10, durationMs: 1000 }, 1);
    vi.advanceTimersByTime(350); // due: 0, 100, 200, 300; only the first found room
    expect(stream.sentIntendedAtMs).toEqual([LOAD_STARTS_AT_MS]);
    expect(share.counters.sendsDeferred).toBe(3);
    answerAll(share, stream);
    expect(stream.sentIntendedAtMs).toEqual([LOAD_STARTS_AT_MS, LOAD_STARTS_AT_MS + 100]);
    expect(share.sendLagUs.totalCount).toBe(1);
    expect(share.pacer.unsent).toBe(2);
    // Each deferred request is counted once, however many ticks it waits.
    vi.advanceTimersByTime(2000);
    expect(share.counters.sendsDeferred).toBe(3 + 6);
    expect(share.stops()).toBe(1);
    expect(share.pacer.unsent).toBe(8);
  });

  it('stops sending at the deadline plus its grace, however much is still waiting', () => {
    const { share, stream } = startedShare({ perSecond: 1000, durationMs: 100 }, 1);
    vi.advanceTimersByTime(100 + SEND_GRACE_MS - 1);
    expect(share.stops()).toBe(0);
    answerAll(share, stream);
    expect(stream.sentIntendedAtMs).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(share.stops()).toBe(1);
    answerAll(share, stream);
    // Past the grace nothing more goes out, even to a stream with room.
    expect(stream.sentIntendedAtMs).toHaveLength(2);
    expect(share.pacer.unsent).toBe(100 - 2);
  });

  it('stops once the message budget has gone out, each send taken from the budget', () => {
    const { share, stream } = startedShare({ perSecond: 10, durationMs: 10_000, messageBudget: 3 }, 100);
    vi.advanceTimersByTime(250);
    expect(stream.sentIntendedAtMs).toHaveLength(3);
    expect(share.stops()).toBe(1);
    expect(share.budget.remaining).toBe(0);
  });

  it('counts neither deferred nor scheduled requests that fell due in the warm-up', () => {
    const { share } = startedShare({ perSecond: 10, durationMs: 1000, warmupMs: 500 }, 0);
    vi.advanceTimersByTime(2000);
    expect(share.counters.sendsDeferred).toBe(5);
    expect(share.pacer.scheduled).toBe(5);
    expect(share.pacer.unsent).toBe(10);
  });

  it('a share stopped before its load started counts nothing as due', () => {
    const share = pacedShare({ perSecond: 10, durationMs: 1000 });
    vi.advanceTimersByTime(500);
    share.pacer.stop(share.clock.now());
    expect(share.pacer.scheduled).toBe(0);
    expect(share.pacer.unsent).toBe(0);
    expect(share.counters.sendsDeferred).toBe(0);
  });
});
