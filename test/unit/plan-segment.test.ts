import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BenchError } from '../../src/errors/bench-error.js';
import { constantSchedule, messagesDueBy } from '../../src/schedule/load-schedule.js';
import { planRun } from '../../src/plan/plan-run.js';
import { parseSegment } from '../../src/scenario/parse-segment.js';
import { segmentShare } from '../../src/plan/segment-share.js';
import type { PlannedLoad } from '../../src/plan/run-plan.js';

type Load = PlannedLoad;

function makeLoad(size: Partial<Load> & Pick<Load, 'streams' | 'connections' | 'workers'>): Load {
  return { warmupMs: 0, ...size };
}

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);

/** Every segment of `count`, as the n processes of a run would compute them. */
function allSegments(load: Load, count: number): Load[] {
  return Array.from({ length: count }, (_, i) => segmentShare(load, i + 1, count));
}

/** Stream ids a fleet of segments uses: every worker's slots, over three generations of re-opened streams. */
function fleetStreamIds(segments: Load[]): number[] {
  return segments.flatMap((segment) =>
    planRun({ load: segment }).flatMap((share) =>
      [0, 1, 2].flatMap((generation) => Array.from({ length: share.streams }, (_, slot) => share.firstStreamId + slot + generation * share.streamIdStride)),
    ),
  );
}

describe('parseSegment', () => {
  it.each([
    ['1/3', { index: 1, count: 3 }],
    ['3/3', { index: 3, count: 3 }],
    [' 2 / 5 ', { index: 2, count: 5 }],
    ['1/1', { index: 1, count: 1 }],
  ])('parses %j', (text, expected) => {
    expect(parseSegment(text)).toEqual(expected);
  });

  it.each([
    ['0/3', 'within 1..3'],
    ['4/3', 'within 1..3'],
    ['1/0', 'count must be ≥ 1'],
    ['1-3', 'expected "i/n"'],
    ['a/b', 'expected "i/n"'],
    ['', 'expected "i/n"'],
    ['1.5/3', 'expected "i/n"'],
    ['1/1234567890', 'expected "i/n"'],
  ])('refuses %j', (text, problem) => {
    const result = parseSegment(text);
    expect(typeof result).toBe('string');
    expect(result).toContain(problem);
  });
});

describe('segmentShare', () => {
  it.each<[string, Load, number, Array<[number, number, number | undefined, number]>]>([
    // [streams, connections, messages, firstStreamId] per segment
    ['10 streams in 3', makeLoad({ streams: 10, connections: 3, workers: 2, messages: 100 }), 3, [
      [4, 1, 34, 0],
      [3, 1, 33, 4],
      [3, 1, 33, 7],
    ]],
    ['the integration run', makeLoad({ streams: 9, connections: 3, workers: 2, messages: 540 }), 3, [
      [3, 1, 180, 0],
      [3, 1, 180, 3],
      [3, 1, 180, 6],
    ]],
    ['connections split like streams', makeLoad({ streams: 20, connections: 7, workers: 4, messages: 1001 }), 3, [
      [7, 3, 334, 0],
      [7, 2, 334, 7],
      [6, 2, 333, 14],
    ]],
    ['time-bound, no budget', makeLoad({ streams: 5, connections: 2, workers: 2, durationMs: 3000 }), 2, [
      [3, 1, undefined, 0],
      [2, 1, undefined, 3],
    ]],
    ['one segment is the whole run', makeLoad({ streams: 6, connections: 2, workers: 2, messages: 60 }), 1, [[6, 2, 60, 0]]],
  ])('%s', (_name, load, count, expected) => {
    const segments = allSegments(load, count);
    expect(segments.map((s) => [s.streams, s.connections, s.messages, s.firstStreamId])).toEqual(expected);
    for (const segment of segments) {
      expect(segment.streamIdStride).toBe(load.streams);
      expect(segment.durationMs).toBe(load.durationMs);
      expect(segment.workers).toBeLessThanOrEqual(segment.connections);
    }
  });

  it('each process runs at most load.workers threads, never more than its connections', () => {
    const load = makeLoad({ streams: 40, connections: 10, workers: 4, messages: 4000 });
    expect(allSegments(load, 2).map((s) => s.workers)).toEqual([4, 4]);
    expect(allSegments(load, 5).map((s) => s.workers)).toEqual([2, 2, 2, 2, 2]);
  });

  it('scales the open model rate by the share of streams: the segments together send the whole rate', () => {
    const load = makeLoad({ streams: 10, connections: 3, workers: 1, durationMs: 10_000, rateSchedule: constantSchedule(1000, 10_000) });
    const segments = allSegments(load, 3);
    expect(segments.map((s) => s.rateSchedule!.stages[0]!.value)).toEqual([400, 300, 300]);
    expect(sum(segments.map((s) => messagesDueBy(s.rateSchedule!, 10_000)))).toBeCloseTo(10_000, 6);
  });

  it('keeps the settings it does not split', () => {
    const load = makeLoad({ streams: 4, connections: 2, workers: 2, warmupMs: 500, durationMs: 2000, workerHeapMb: 64 });
    const segment = segmentShare(load, 2, 2);
    expect(segment).toMatchObject({ warmupMs: 500, durationMs: 2000, workerHeapMb: 64 });
  });

  it('refuses more segments than connections, naming segment', () => {
    const load = makeLoad({ streams: 10, connections: 3, workers: 3 });
    expect(() => segmentShare(load, 1, 4)).toThrow(BenchError);
    expect(() => segmentShare(load, 1, 4)).toThrow(/^segment: 4 segments need at least 4 connections/);
  });

  it('refuses an index out of range', () => {
    const load = makeLoad({ streams: 10, connections: 3, workers: 3 });
    expect(() => segmentShare(load, 4, 3)).toThrow(/^segment: expected i\/n with 1 ≤ i ≤ n, got 4\/3/);
    expect(() => segmentShare(load, 0, 3)).toThrow(BenchError);
  });

  it('holds for any run and segment count: shares sum to the run, every segment has a connection, ids never collide', () => {
    const arbitrary = fc
      .integer({ min: 1, max: 200 })
      .chain((streams) => fc.record({ streams: fc.constant(streams), connections: fc.integer({ min: 1, max: streams }) }))
      .chain(({ streams, connections }) =>
        fc.record({
          streams: fc.constant(streams),
          connections: fc.constant(connections),
          workers: fc.integer({ min: 1, max: Math.min(connections, 8) }),
          count: fc.integer({ min: 1, max: connections }),
          messages: fc.option(fc.integer({ min: connections, max: 100_000 }), { nil: undefined }),
        }),
      );
    fc.assert(
      fc.property(arbitrary, ({ count, messages, ...size }) => {
        const load = makeLoad({ ...size, ...(messages === undefined ? {} : { messages }) });
        const segments = allSegments(load, count);
        expect(sum(segments.map((s) => s.streams))).toBe(load.streams);
        expect(sum(segments.map((s) => s.connections))).toBe(load.connections);
        if (messages !== undefined) expect(sum(segments.map((s) => s.messages!))).toBe(messages);
        for (const segment of segments) {
          expect(segment.connections).toBeGreaterThanOrEqual(1);
          expect(segment.connections).toBeLessThanOrEqual(segment.streams);
          expect(segment.workers).toBeGreaterThanOrEqual(1);
        }
        // Slot ids of the whole fleet are exactly 0..streams-1, and re-opened streams stay unique too.
        const slotIds = segments.flatMap((s) => Array.from({ length: s.streams }, (_, slot) => s.firstStreamId! + slot));
        expect(slotIds).toEqual(Array.from({ length: load.streams }, (_, i) => i));
        const ids = fleetStreamIds(segments);
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 300 },
    );
  });

  it('is pure: the same load and segment give the same share', () => {
    const load = makeLoad({ streams: 9, connections: 4, workers: 3, messages: 1000, durationMs: 5000 });
    expect(segmentShare(load, 2, 3)).toEqual(segmentShare(load, 2, 3));
  });
});
