import { describe, expect, it } from 'vitest';
import { emptyCounters, type IntervalSnapshot } from '../../src/types/worker-protocol.js';
import { resultFromSnapshots } from '../../src/report/result-from-snapshots.js';
import { createLatencyHistogram, decodeHistogram, encodeHistogram, recordLatencyUs } from '../../src/stats/latency-histogram.js';
import { intervalSnapshot } from '../helpers/interval-snapshot.js';

function snapshot(workerId: number, index: number, durationMs: number, warmup: boolean, sent: number, received: number, latenciesUs: number[]): IntervalSnapshot {
  const histogram = createLatencyHistogram({ recording: true });
  for (const us of latenciesUs) recordLatencyUs(histogram, us);
  const counters = { ...emptyCounters(), messagesSent: sent, messagesReceived: received, streamsOpened: index === 0 ? 4 : 0 };
  return intervalSnapshot({ workerId, index, durationMs, warmup, counters, histogram: encodeHistogram(histogram), activeStreams: 4, activeConnections: 1, inFlight: sent - received });
}

describe('resultFromSnapshots (a crashed worker)', () => {
  // Worker 1: 1.5 s of warm-up in two intervals, then two measured intervals; worker 2's snapshot is not its own.
  const snapshots = [
    snapshot(1, 0, 1000, true, 50, 50, [100]),
    snapshot(1, 1, 500, true, 25, 25, [100]),
    snapshot(1, 2, 1000, false, 60, 58, [200, 300]),
    snapshot(2, 0, 1000, false, 999, 999, [9_000]),
    snapshot(1, 3, 700, false, 40, 39, [400]),
  ];
  const result = resultFromSnapshots(1, snapshots);

  it('counts only its own intervals after the warm-up, and what was unanswered as in flight', () => {
    expect(result.counters.messagesSent).toBe(100);
    expect(result.counters.messagesReceived).toBe(97);
    expect(result.inFlightAtStop).toBe(3);
    expect(decodeHistogram(result.histogram).totalCount).toBe(3);
  });

  it('measures elapsed and sending time from the start of the load, warm-up included, like a finished worker', () => {
    expect(result.elapsedMs).toBe(3200);
    expect(result.sendingMs).toBe(3200);
    expect(result.snapshotCount).toBe(4);
  });

  it('keeps a split run\'s responses by label, so the report\'s versions hold them', () => {
    const withLabels = (index: number, warmup: boolean, v1: number, v2: number): IntervalSnapshot => {
      const histogram = (count: number): string => {
        const h = createLatencyHistogram({ recording: true });
        for (let i = 0; i < count; i++) recordLatencyUs(h, 100 + i);
        return encodeHistogram(h);
      };
      return { ...snapshot(7, index, 1000, warmup, v1 + v2, v1 + v2, []), labels: { v1: { messagesReceived: v1, histogram: histogram(v1) }, v2: { messagesReceived: v2, histogram: histogram(v2) } } };
    };

    const labelled = resultFromSnapshots(7, [withLabels(0, true, 50, 50), withLabels(1, false, 3, 1), withLabels(2, false, 2, 0)]);

    expect(Object.keys(labelled.labels ?? {}).sort()).toEqual(['v1', 'v2']);
    expect(labelled.labels!['v1']!.messagesReceived).toBe(5);
    expect(decodeHistogram(labelled.labels!['v1']!.histogram).totalCount).toBe(5);
    expect(labelled.labels!['v2']!.messagesReceived).toBe(1);
    expect(result.labels).toBeUndefined();
  });
});
