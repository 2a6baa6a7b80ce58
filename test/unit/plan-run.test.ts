import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planRun, splitEvenly } from '../../src/plan/plan-run.js';
import type { WorkerShare } from '../../src/types/worker-protocol.js';
import type { PlannedLoad } from '../../src/plan/run-plan.js';

type Load = PlannedLoad;
type LoadSize = Pick<Load, 'streams' | 'connections' | 'workers' | 'messages' | 'durationMs'>;

/** A load with the sizes under test and every other setting at its default. */
function makeLoad(size: LoadSize): Load {
  return { warmupMs: 0, ...size } as Load;
}

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);

/** Everything a plan must satisfy, whatever the load. */
function expectValidPlan(load: Load, shares: WorkerShare[]): void {
  expect(shares).toHaveLength(load.workers);
  expect(shares.map((s) => s.workerId)).toEqual(shares.map((_, i) => i));
  expect(sum(shares.map((s) => s.streams))).toBe(load.streams);
  expect(sum(shares.map((s) => s.connections))).toBe(load.connections);
  for (const share of shares) {
    expect(share.connections).toBeGreaterThanOrEqual(1);
    expect(share.connections).toBeLessThanOrEqual(share.streams);
    expect(share.streamIdStride).toBe(load.streams);
    expect(share.durationMs).toBe(load.durationMs);
  }
  if (load.messages === undefined) {
    for (const share of shares) expect(share.messageBudget).toBeUndefined();
  } else {
    expect(sum(shares.map((s) => s.messageBudget!))).toBe(load.messages);
  }
  // Stream id ranges [first, first + streams) are disjoint and together cover 0..streams-1.
  const ids = shares.flatMap((s) => Array.from({ length: s.streams }, (_, slot) => s.firstStreamId + slot));
  expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: load.streams }, (_, i) => i));
  // Re-opened streams (slot id + generation × stride) stay unique across the run.
  const reopened = shares.flatMap((s) =>
    [0, 1, 2].flatMap((generation) => Array.from({ length: s.streams }, (_, slot) => s.firstStreamId + slot + generation * s.streamIdStride)),
  );
  expect(new Set(reopened).size).toBe(reopened.length);
}

describe('splitEvenly', () => {
  it.each([
    [10, 3, [4, 3, 3]],
    [9, 3, [3, 3, 3]],
    [2, 4, [1, 1, 0, 0]],
    [0, 2, [0, 0]],
    [7, 1, [7]],
  ])('splits %i into %i parts as %j', (total, parts, expected) => {
    expect(splitEvenly(total, parts)).toEqual(expected);
  });
});

describe('planRun', () => {
  it.each<[string, LoadSize]>([
    ['one of everything', { streams: 1, connections: 1, workers: 1, messages: 1 }],
    ['the integration run', { streams: 8, connections: 2, workers: 2, messages: 400 }],
    ['uneven streams', { streams: 10, connections: 3, workers: 3, messages: 100 }],
    ['as many connections as streams', { streams: 5, connections: 5, workers: 2, durationMs: 1000 }],
    ['a budget smaller than the worker count', { streams: 6, connections: 4, workers: 4, messages: 3 }],
    ['time-bound, no budget', { streams: 50, connections: 4, workers: 4, durationMs: 10_000 }],
    ['both bounds', { streams: 7, connections: 2, workers: 2, durationMs: 2000, messages: 99 }],
  ])('%s', (_name, size) => {
    const load = makeLoad(size);
    const shares = planRun({ load });
    expectValidPlan(load, shares);
  });

  it('puts the remainders on the first workers', () => {
    const shares = planRun({ load: makeLoad({ streams: 10, connections: 3, workers: 3, messages: 100 }) });
    expect(shares.map((s) => [s.streams, s.connections, s.messageBudget, s.firstStreamId])).toEqual([
      [4, 1, 34, 0],
      [3, 1, 33, 4],
      [3, 1, 33, 7],
    ]);
  });

  it('splits load.skipCalls evenly, remainders first, beside the calls', () => {
    const shares = planRun({ load: { ...makeLoad({ streams: 6, connections: 3, workers: 3, durationMs: 1000 }), calls: 100, skipCalls: 10 } });
    expect(shares.map((s) => [s.callBudget, s.skipCalls])).toEqual([[34, 4], [33, 3], [33, 3]]);
  });

  it('holds for any streams ≥ connections ≥ workers and any budget', () => {
    const load = fc
      .integer({ min: 1, max: 500 })
      .chain((streams) => fc.record({ streams: fc.constant(streams), connections: fc.integer({ min: 1, max: streams }) }))
      .chain(({ streams, connections }) =>
        fc.record({
          streams: fc.constant(streams),
          connections: fc.constant(connections),
          workers: fc.integer({ min: 1, max: Math.min(connections, 64) }),
          messages: fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: undefined }),
          durationMs: fc.option(fc.integer({ min: 1, max: 3_600_000 }), { nil: undefined }),
        }),
      )
      .map((l): Load => {
        const { messages, durationMs, ...rest } = l;
        return makeLoad({ ...rest, ...(messages === undefined ? {} : { messages }), ...(durationMs === undefined ? {} : { durationMs }) });
      });
    fc.assert(
      fc.property(load, (l) => {
        expectValidPlan(l, planRun({ load: l }));
      }),
      { numRuns: 500 },
    );
  });

  it('is pure: the same load gives the same plan', () => {
    const load = makeLoad({ streams: 9, connections: 4, workers: 3, messages: 1000, durationMs: 5000 });
    expect(planRun({ load })).toEqual(planRun({ load }));
  });
});
