import { describe, expect, it } from 'vitest';
import { groupByWallClock } from '../../src/report/group-by-wall-clock.js';

const interval = (tMs: number, durationMs = 1000) => ({ tMs, durationMs, label: `${tMs}` });

describe('groupByWallClock', () => {
  it('puts an interval in the window of the merged timeline its middle lies in', () => {
    const groups = groupByWallClock([
      { startedAt: '2026-01-01T00:00:00.000Z', intervals: [interval(1000), interval(2000), interval(3000)] },
      // Started 30 ms later: its intervals still meet the first segment's same ones.
      { startedAt: '2026-01-01T00:00:00.030Z', intervals: [interval(1000), interval(2000)] },
      // Started 0.9 s later: its first interval (0.9–1.9 s) lies mostly in the second window.
      { startedAt: '2026-01-01T00:00:00.900Z', intervals: [interval(1000)] },
    ]);
    expect(groups.map((g) => [g.tMs, g.group.map((i) => i.label)])).toEqual([
      [1030, ['1000', '1000']],
      [2030, ['2000', '2000', '1000']],
      [3000, ['3000']],
    ]);
  });

  it('lines intervals of segments started at one moment up one to one', () => {
    const start = '2026-01-01T00:00:00.000Z';
    const groups = groupByWallClock([
      { startedAt: start, intervals: [interval(1000), interval(2000)] },
      { startedAt: start, intervals: [interval(1000), interval(2000)] },
    ]);
    expect(groups.map((g) => [g.tMs, g.group.length])).toEqual([
      [1000, 2],
      [2000, 2],
    ]);
  });

  it('keeps a short last interval in the window it ends in', () => {
    const groups = groupByWallClock([{ startedAt: '2026-01-01T00:00:00.000Z', intervals: [interval(1000), interval(1400, 400)] }]);
    expect(groups.map((g) => g.tMs)).toEqual([1000, 1400]);
  });
});
