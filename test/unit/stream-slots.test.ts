import { describe, expect, it } from 'vitest';
import { REOPEN_BACKOFF_MS, StreamSlots } from '../../src/driver/stream-slots.js';

const slotsOf = (slots: number, connections: number, maxStreamsPerConnection?: number) =>
  new StreamSlots<string>({ slots, connections, maxStreamsPerConnection, firstStreamId: 100, streamIdStride: 1000 });

describe('StreamSlots', () => {
  it('spreads slots over connections round-robin', () => {
    const slots = slotsOf(6, 4);
    expect([0, 1, 2, 3, 4, 5].map((s) => slots.connectionOf(s))).toEqual([0, 1, 2, 3, 0, 1]);
  });

  it('holds back the slots beyond the per-connection limit, for every connection alike', () => {
    const slots = slotsOf(7, 2, 2);
    expect([0, 1, 2, 3, 4, 5, 6].map((s) => slots.allowed(s))).toEqual([true, true, true, true, false, false, false]);
    expect(slots.heldBack()).toBe(3);
    expect(slotsOf(7, 2).heldBack()).toBe(0);
  });

  it('gives each generation of a slot a new id, one stride further', () => {
    const slots = slotsOf(2, 1);
    expect([slots.nextStreamId(0), slots.nextStreamId(1), slots.nextStreamId(0), slots.nextStreamId(0)]).toEqual([100, 101, 1100, 2100]);
  });

  it('tracks open streams, their slots and the peaks per connection and in all', () => {
    const slots = slotsOf(4, 2);
    slots.opened(0, 'a');
    slots.opened(2, 'c');
    slots.opened(1, 'b');
    expect(slots.isOpen(2)).toBe(true);
    expect(slots.slotHeldBy('c')).toBe(2);
    expect(slots.peakStreamsPerConnection).toBe(2);
    expect(slots.ended('c', true)).toBe(2);
    expect(slots.isOpen(2)).toBe(false);
    slots.opened(3, 'd');
    expect([...slots.open]).toEqual(['a', 'b', 'd']);
    expect(slots.peakOpen).toBe(3);
    expect(slots.peakStreamsPerConnection).toBe(2);
  });

  it('backs off re-opening after failures in a row: doubling, capped, reset by a stream that got going', () => {
    const slots = slotsOf(1, 1);
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      slots.opened(0, `s${i}`);
      slots.ended(`s${i}`, false);
      delays.push(slots.reopenDelayMs());
    }
    expect(delays).toEqual([10, 20, 40, 80, 160, 320, 640, REOPEN_BACKOFF_MS.max, REOPEN_BACKOFF_MS.max]);
    slots.opened(0, 'ok');
    slots.ended('ok', true);
    expect(slots.reopenDelayMs()).toBe(0);
  });
});
