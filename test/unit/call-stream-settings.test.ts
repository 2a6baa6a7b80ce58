import { describe, expect, it } from 'vitest';
import { callStreamSettings } from '../../src/driver/call-stream-settings.js';
import { WholeCallPending, type SendTimes } from '../../src/driver/pending-requests.js';
import { callKindOf } from '../../src/types/call-kind.js';
import type { StreamSettings } from '../../src/types/stream-settings.js';

const DEFAULTS: StreamSettings = { intervalMs: 0, window: 1 };

describe('callStreamSettings', () => {
  it('names the kind from requestStream and responseStream', () => {
    expect([callKindOf(false, false), callKindOf(true, false), callKindOf(false, true), callKindOf(true, true)]).toEqual(['unary', 'clientStreaming', 'serverStreaming', 'bidi']);
  });

  it('unary and server streaming send one request per call, whatever the stream settings say', () => {
    for (const kind of ['unary', 'serverStreaming'] as const) {
      expect(callStreamSettings(kind, { ...DEFAULTS, messages: 50, window: 8 }, 3, false)).toMatchObject({ messages: 1, window: 1 });
    }
  });

  it('server streaming ends after stream.messages responses or stream.duration, as ghz; unary ignores both', () => {
    expect(callStreamSettings('serverStreaming', { ...DEFAULTS, messages: 5, durationMs: 300 }, 1, true)).toMatchObject({ messages: 1, receiveMessages: 5, durationMs: 300 });
    expect(callStreamSettings('serverStreaming', DEFAULTS, 1, true).receiveMessages).toBeUndefined();
    expect(callStreamSettings('unary', { ...DEFAULTS, messages: 5 }, 1, true).receiveMessages).toBeUndefined();
  });

  it('client streaming sends stream.messages, else the data list, else one; no window holds it back', () => {
    expect(callStreamSettings('clientStreaming', { ...DEFAULTS, messages: 7 }, 3, true)).toMatchObject({ messages: 7 });
    expect(callStreamSettings('clientStreaming', DEFAULTS, 3, true)).toMatchObject({ messages: 3 });
    expect(callStreamSettings('clientStreaming', DEFAULTS, 1, false)).toMatchObject({ messages: 1 });
    // A lifetime alone bounds a call of one repeated message.
    expect(callStreamSettings('clientStreaming', { ...DEFAULTS, durationMs: 500 }, 1, false).messages).toBeUndefined();
    expect(callStreamSettings('clientStreaming', DEFAULTS, 1, false).window).toBeGreaterThan(1e9);
  });

  it('bidi keeps its settings unless a data list or a count of calls needs each stream to end', () => {
    expect(callStreamSettings('bidi', DEFAULTS, 1, false)).toEqual(DEFAULTS);
    expect(callStreamSettings('bidi', DEFAULTS, 4, false)).toMatchObject({ messages: 4 });
    expect(callStreamSettings('bidi', DEFAULTS, 1, true)).toMatchObject({ messages: 1 });
    expect(callStreamSettings('bidi', { ...DEFAULTS, durationMs: 200 }, 1, true).messages).toBeUndefined();
    expect(callStreamSettings('bidi', { ...DEFAULTS, messages: 9 }, 4, true)).toMatchObject({ messages: 9 });
  });
});

describe('WholeCallPending', () => {
  it('keeps the first request of a call; one response takes them all, counted from the first', () => {
    const pending = new WholeCallPending();
    pending.add(undefined, 10, 11);
    pending.add(undefined, 20, 21);
    pending.add(undefined, 30, 31);
    expect(pending.size).toBe(3);
    expect(pending.oldestSentAtMs()).toBe(11);
    expect(pending.countSentSince(11)).toBe(3);
    expect(pending.countSentSince(12)).toBe(0);
    const times: SendTimes = { intendedAtMs: 0, sentAtMs: 0 };
    expect(pending.take(undefined, times)).toBe(true);
    expect(times).toEqual({ intendedAtMs: 10, sentAtMs: 11 });
    expect(pending.size).toBe(0);
    expect(pending.take(undefined, times)).toBe(false);
    expect(pending.oldestSentAtMs()).toBe(Infinity);
  });
});
