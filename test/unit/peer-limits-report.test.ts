import { describe, expect, it } from 'vitest';
import { mergePeerLimits, peerLimitsReport } from '../../src/report/peer-limits-report.js';

const load = { load: { streams: 100, connections: 2 } } as Parameters<typeof peerLimitsReport>[1];

describe('peerLimitsReport', () => {
  it('states the cap with figures when slots were held back', () => {
    const results = [
      { concurrency: { heldBackStreams: 40, peakStreamsPerConnection: 10, refusedStreams: 0 } },
      { concurrency: { heldBackStreams: 40, peakStreamsPerConnection: 9, refusedStreams: 1 } },
    ];

    expect(peerLimitsReport({ maxConcurrentStreams: 10 }, load, results)).toEqual({
      maxConcurrentStreams: 10,
      capped: { by: 'SETTINGS_MAX_CONCURRENT_STREAMS', streamsAsked: 100, connections: 2, streamsAccepted: 20, streamsHeldBack: 80, peakStreamsPerConnection: 10, streamsRefused: 1 },
    });
  });

  it('says nothing of a cap when nothing was held back or refused', () => {
    const results = [{ concurrency: { heldBackStreams: 0, peakStreamsPerConnection: 50, refusedStreams: 0 } }, {}];

    expect(peerLimitsReport({ maxHeaderListSizeBytes: 16384 }, load, results)).toEqual({ maxHeaderListSizeBytes: 16384 });
  });

  it('refusals alone cap by REFUSED_STREAM', () => {
    const results = [{ concurrency: { heldBackStreams: 0, peakStreamsPerConnection: 12, refusedStreams: 3 } }];

    expect(peerLimitsReport({}, load, results).capped).toMatchObject({ by: 'REFUSED_STREAM', streamsAccepted: 100, streamsRefused: 3 });
  });
});

describe('mergePeerLimits', () => {
  const capped = { by: 'SETTINGS_MAX_CONCURRENT_STREAMS' as const, streamsAsked: 50, connections: 1, streamsAccepted: 10, streamsHeldBack: 40, peakStreamsPerConnection: 10, streamsRefused: 1 };
  const part = { peerLimits: { maxConcurrentStreams: 10, capped } };

  it('adds up segments, the parallel parts of one run', () => {
    expect(mergePeerLimits([part, part], 'segments')?.capped).toEqual({ ...capped, streamsAsked: 100, connections: 2, streamsAccepted: 20, streamsHeldBack: 80, streamsRefused: 2 });
  });

  it('keeps one round of rounds that asked the same, adding only the refusals', () => {
    expect(mergePeerLimits([part, part], 'sequential')?.capped).toEqual({ ...capped, streamsRefused: 2 });
  });

  it('is absent when no report read the limits', () => {
    expect(mergePeerLimits([{}, {}], 'segments')).toBeUndefined();
    expect(mergePeerLimits([{ peerLimits: { maxHeaderListSizeBytes: 100 } }, {}], 'segments')).toEqual({ maxHeaderListSizeBytes: 100 });
  });
});
