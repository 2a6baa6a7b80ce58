import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REFUSED_STREAM_DETAILS } from '../../src/driver/refused-stream.js';
import { ShareRecorder, type LiveFigures } from '../../src/driver/share-recorder.js';
import { MAX_SPLIT_VERSIONS, OTHER_VERSION } from '../../src/driver/split-versions.js';
import type { StreamOutcome } from '../../src/driver/stream-driver.js';
import { decodeHistogram } from '../../src/stats/latency-histogram.js';

const live: LiveFigures = {
  type: 'interval',
  workerId: 0,
  index: 0,
  durationMs: 1000,
  endMs: 1000,
  warmup: false,
  activeStreams: 1,
  activeConnections: 1,
  inFlight: 0,
  heapUsedBytes: 0,
  eventLoopUtilization: 0,
};

const outcome = (statusName: string, details = '', extra: Partial<StreamOutcome> = {}): StreamOutcome => ({
  statusName,
  details,
  unanswered: 0,
  received: 1,
  cancelledByUs: false,
  endedByClient: false,
  openedAtMs: 0,
  endedAtMs: 20,
  firstResponseMs: 2,
  callStartedAtMs: 0,
  ...extra,
});

const countOf = (encoded: string | undefined) => decodeHistogram(encoded!).totalCount;

describe('ShareRecorder', () => {
  it('records latency from when a request was due, and the uncorrected one from when it was sent', () => {
    const recorder = new ShareRecorder({ uncorrected: true, labelled: false });
    recorder.recordResponse({ intendedAtMs: 100, sentAtMs: 140 }, 150, undefined);
    const snapshot = recorder.takeInterval(live);
    // Within the histogram's stated 0.1 % error.
    expect(Math.abs(decodeHistogram(snapshot.histogram).getValueAtPercentile(100) - 50_000)).toBeLessThanOrEqual(50);
    expect(Math.abs(decodeHistogram(snapshot.uncorrectedHistogram!).getValueAtPercentile(100) - 10_000)).toBeLessThanOrEqual(10);
    expect(snapshot.counters.messagesReceived).toBe(1);
    expect(snapshot.labels).toBeUndefined();
    recorder.dispose();
  });

  it("keeps ghz's call details as a sample: OK calls and failed ones, their details redacted and cut, calls it cancelled left out; OK latencies apart", () => {
    const recorder = new ShareRecorder({ uncorrected: false, labelled: false, redactDetails: (text) => text.replace('s3cret', '[redacted]') });
    recorder.recordStreamEnd(outcome('OK'));
    recorder.recordStreamEnd(outcome('UNAVAILABLE', `token s3cret ${'x'.repeat(2000)}`, { endedAtMs: 40 }));
    recorder.recordStreamEnd(outcome('CANCELLED', '', { cancelledByUs: true }));
    recorder.takeInterval(live);
    const { callSample, okCallLatencyHistogram, callLatencyHistogram } = recorder.result();
    expect(callSample!.seen).toBe(2);
    expect(callSample!.kept.map((c) => [c.status, c.durationUs])).toEqual([['OK', 20_000], ['UNAVAILABLE', 40_000]]);
    expect(callSample!.kept[1]!.error).toBe(`token [redacted] ${'x'.repeat(512 - 'token [redacted] '.length)}…`);
    expect([countOf(callLatencyHistogram), countOf(okCallLatencyHistogram)]).toEqual([2, 1]);
    recorder.dispose();
  });

  it('counts stream ends by status, failures, refusals and what was cancelled in flight', () => {
    const recorder = new ShareRecorder({ uncorrected: false, labelled: false });
    recorder.recordStreamEnd(outcome('OK'));
    recorder.recordStreamEnd(outcome('OK', '', { unanswered: 2 }));
    recorder.recordStreamEnd(outcome('UNAVAILABLE', REFUSED_STREAM_DETAILS, { received: 0, firstResponseMs: undefined }));
    recorder.recordStreamEnd(outcome('CANCELLED', '', { cancelledByUs: true, unanswered: 3 }));
    recorder.takeInterval(live);
    const result = recorder.result();
    expect(result.statusCodes).toEqual({ OK: 2, UNAVAILABLE: 1 });
    expect(result.counters).toMatchObject({ streamsCompleted: 2, streamsFailed: 1, streamsCancelled: 1, messagesFailed: 2, errors: 2 });
    expect(result.errorDetails).toEqual({ 'UNANSWERED: stream ended OK with 2 request(s) unanswered': 1, [`UNAVAILABLE: ${REFUSED_STREAM_DETAILS}`]: 1 });
    expect(result.refusedStreams).toBe(1);
    expect(result.inFlightAtStop).toBe(3);
    expect(countOf(result.streamFirstResponseHistogram)).toBe(3);
    expect(countOf(result.streamDurationHistogram)).toBe(4);
    expect(countOf(result.messagesPerStreamHistogram)).toBe(4);
    expect(result.uncorrectedHistogram).toBeUndefined();
    recorder.dispose();
  });

  it('redacts error details before tallying them', () => {
    const recorder = new ShareRecorder({ uncorrected: false, labelled: false, redactDetails: (d) => d.replace('s3cret', '[redacted]') });
    recorder.countError('UNAUTHENTICATED', 'key s3cret rejected');
    expect(recorder.result().errorDetails).toEqual({ 'UNAUTHENTICATED: key [redacted] rejected': 1 });
    recorder.dispose();
  });

  it('reports each interval’s counter deltas and statuses once, and the interval histograms sum to the total', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 1, max: 5_000 }), { maxLength: 30 }), { minLength: 1, maxLength: 6 }), (intervals) => {
        const recorder = new ShareRecorder({ uncorrected: true, labelled: true });
        let snapshotReceived = 0;
        let snapshotStreams = 0;
        let labelled = 0;
        for (const latenciesMs of intervals) {
          for (const ms of latenciesMs) recorder.recordResponse({ intendedAtMs: 0, sentAtMs: 0 }, ms, ms % 2 ? 'odd' : undefined);
          recorder.recordStreamEnd(outcome('OK'));
          const snapshot = recorder.takeInterval(live);
          snapshotReceived += snapshot.counters.messagesReceived;
          snapshotStreams += snapshot.statusCodes['OK'] ?? 0;
          expect(countOf(snapshot.histogram)).toBe(latenciesMs.length);
          expect(countOf(snapshot.uncorrectedHistogram)).toBe(latenciesMs.length);
          labelled += snapshot.labels?.['odd']?.messagesReceived ?? 0;
        }
        const all = intervals.flat();
        const result = recorder.result();
        expect(snapshotReceived).toBe(all.length);
        expect(result.counters.messagesReceived).toBe(all.length);
        expect(snapshotStreams).toBe(intervals.length);
        expect(countOf(result.histogram)).toBe(all.length);
        expect(countOf(result.uncorrectedHistogram)).toBe(all.length);
        const odd = all.filter((ms) => ms % 2).length;
        expect(labelled).toBe(odd);
        expect(result.labels?.['odd']?.messagesReceived ?? 0).toBe(odd);
        recorder.dispose();
      }),
      { numRuns: 30 },
    );
  });

  it('keeps at most MAX_SPLIT_VERSIONS labels apart and the rest together as (other): a label unique per response adds no histograms', () => {
    const recorder = new ShareRecorder({ uncorrected: false, labelled: true });
    for (let i = 0; i < 1000; i++) recorder.recordResponse({ intendedAtMs: 0, sentAtMs: 0 }, 5, `reservation-${i % 100}`);
    const snapshot = recorder.takeInterval(live);
    const labels = recorder.result().labels!;
    expect(Object.keys(labels)).toHaveLength(MAX_SPLIT_VERSIONS + 1);
    expect(labels['reservation-0']!.messagesReceived).toBe(10);
    expect(labels[OTHER_VERSION]!.messagesReceived).toBe(1000 - 10 * MAX_SPLIT_VERSIONS);
    expect(countOf(snapshot.labels![OTHER_VERSION]!.histogram)).toBe(1000 - 10 * MAX_SPLIT_VERSIONS);
    recorder.dispose();
  });

  it('gives the schedule lag p99 in ms, 0 when nothing was scheduled', () => {
    const recorder = new ShareRecorder({ uncorrected: true, labelled: false });
    expect(recorder.result().scheduleLagP99Ms).toBe(0);
    for (let i = 0; i < 100; i++) recorder.scheduleLagUs.recordValue(1500);
    expect(Math.abs(recorder.result().scheduleLagP99Ms - 1.5)).toBeLessThanOrEqual(0.0015);
    recorder.dispose();
  });
});
