import { describe, expect, it } from 'vitest';
import { emptyResult, type IntervalSnapshot } from '../../src/types/worker-protocol.js';
import { buildReport, type BuildReportInput } from '../../src/report/build-report.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { planScenario } from '../../src/plan/plan-scenario.js';
import { memoryGrowth, type MemorySample } from '../../src/stats/memory-growth.js';
import { intervalSnapshot } from '../helpers/interval-snapshot.js';
import { nearestSampleBytes } from '../../src/report/interval-memory.js';

const MB = 1e6;
// Every interval but the last is 500 ms long.
const snapshot = (workerId: number, index: number, durationMs: number, heapUsedBytes: number, warmup: boolean): IntervalSnapshot =>
  intervalSnapshot({ workerId, index, durationMs, endMs: index * 500 + durationMs, heapUsedBytes, warmup });

/** 1 s warm-up, then 4 s of load leaking 6 MB/min per worker, then shutdown. */
function input(): BuildReportInput {
  const scenario = loadScenario({ overrides: { target: '127.0.0.1:1', load: { warmup: '1s', duration: '5s', workers: 2 } } });
  const snapshots: IntervalSnapshot[] = [];
  for (const workerId of [0, 1]) {
    // Start-up: the heap climbs steeply during the warm-up (worker time 0–1000 ms).
    snapshots.push(snapshot(workerId, 0, 500, 5 * MB, true));
    // Load: one snapshot every 500 ms from 1000 to 5000 ms, +100 kB/s.
    for (let index = 1; index <= 9; index++) snapshots.push(snapshot(workerId, index, 500, 20 * MB + 100_000 * (index - 1) * 0.5, false));
    // Shutdown: after sending stopped at 5000 ms, the last snapshot sees the heap collected.
    snapshots.push(snapshot(workerId, 10, 300, 2 * MB, false));
  }
  const rss: MemorySample[] = [
    { tMs: 0, bytes: 50 * MB },
    { tMs: 500, bytes: 120 * MB },
    ...[1000, 2000, 3000, 4000, 5000].map((tMs) => ({ tMs, bytes: 150 * MB + 1000 * (tMs - 1000) })),
    { tMs: 5500, bytes: 90 * MB },
  ];
  return {
    plan: planScenario(scenario),
    target: '127.0.0.1:1',
    protoPath: 'order.proto',
    startedAt: new Date(0),
    results: [0, 1].map((workerId) => ({ ...emptyResult(workerId), elapsedMs: 5300, sendingMs: 5000 })),
    snapshots,
    workerErrors: [],
    processCpuUs: 0,
    processWallMs: 6000,
    clientRss: { samples: rss, fitSpan: { fromMs: 1000, toMs: 5000 } },
    targetMemory: { source: 'test', samples: rss, fitSpan: { fromMs: 1000, toMs: 5000 } },
  };
}

describe('buildReport memory figures', () => {
  it('fits the worker heaps only between the end of the warm-up and the end of sending', () => {
    const heap = buildReport(input()).memory.clientHeap;

    // Two workers, each +100 kB/s: 12 MB/min, on a straight line.
    expect(heap.growthBytesPerMin).toBeCloseTo(12 * MB, 3);
    expect(heap.r2).toBeCloseTo(1, 9);
    // Start and end are still the first and last samples.
    expect(heap).toMatchObject({ startBytes: 10 * MB, endBytes: 4 * MB, samples: 11 });
  });

  it('fits client and target RSS on the span it is given, keeping start, peak and end from every sample', () => {
    const built = input();
    const { client, target } = buildReport(built).memory;
    const steady = built.clientRss.samples.filter((s) => s.tMs >= 1000 && s.tMs <= 5000);

    for (const figures of [client, target!]) {
      expect(figures.growthBytesPerMin).toBe(memoryGrowth(steady).growthBytesPerMin);
      expect(figures.growthBytesPerMin).toBeCloseTo(60 * MB, 3);
      expect(figures).toMatchObject({ startBytes: 50 * MB, peakBytes: 154 * MB, endBytes: 90 * MB, samples: 8 });
    }
  });

  it('gives each interval the client RSS and target memory sample nearest its end, and none when the series is empty', () => {
    const built = input();
    built.targetMemory = { source: 'test', samples: [{ tMs: 900, bytes: 7 }, { tMs: 3100, bytes: 9 }] };
    const intervals = buildReport(built).intervals;
    // Intervals end at 1000, 1500 … 5000 and 5300 ms; RSS samples at 1000, 2000 … 5000 and 5500 ms; a tie takes the earlier.
    expect(intervals.map((i) => i.tMs)).toEqual([1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 5300]);
    expect(intervals.map((i) => i.clientRssBytes)).toEqual([150, 150, 151, 151, 152, 152, 153, 153, 154, 90].map((m) => m * MB));
    expect(intervals.map((i) => i.targetMemoryBytes)).toEqual([7, 7, 7, 9, 9, 9, 9, 9, 9, 9]);

    const unwatched = buildReport({ ...input(), clientRss: { samples: [] }, targetMemory: undefined }).intervals[0]!;
    expect('clientRssBytes' in unwatched || 'targetMemoryBytes' in unwatched).toBe(false);
  });
});

describe('nearestSampleBytes', () => {
  const samples = [{ tMs: -100, bytes: 1 }, { tMs: 500, bytes: 2 }, { tMs: 1000, bytes: 3 }];
  it('takes the sample nearest in time, the earlier on a tie, and the ends beyond the samples', () => {
    expect([-500, 199, 200, 201, 750, 751, 5000].map((t) => nearestSampleBytes(samples, t))).toEqual([1, 1, 1, 2, 2, 3, 3]);
    expect(nearestSampleBytes([], 0)).toBeUndefined();
  });
});
