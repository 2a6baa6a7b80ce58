/** An interval as reports hold it: its end (tMs, ms since its run's load start) and length. */
interface TimedInterval {
  tMs: number;
  durationMs: number;
}

/** One merged interval: the segments' intervals whose middle lies in one window, and their latest end. */
export interface WallClockGroup<T> {
  /** End of the latest interval in the group, ms since the earliest segment's load start. */
  tMs: number;
  group: T[];
}

/**
 * Segments' intervals lined up by wall-clock time, not by number: each interval is placed on one
 * timeline (its segment's startedAt + tMs, from the earliest startedAt) and joins the window its
 * middle lies in, so a segment started a few ms late still meets its siblings' same second.
 * Windows are the longest interval wide (the snapshot period), from the earliest start. Pure.
 */
export function groupByWallClock<T extends TimedInterval>(parts: ReadonlyArray<{ startedAt: string; intervals: readonly T[] }>): WallClockGroup<T>[] {
  const starts = parts.map((p) => Date.parse(p.startedAt));
  const originMs = Math.min(...starts);
  const widthMs = Math.max(1, ...parts.flatMap((p) => p.intervals.map((i) => i.durationMs)));
  const windows = new Map<number, WallClockGroup<T>>();
  parts.forEach((part, k) => {
    const offsetMs = starts[k]! - originMs;
    for (const interval of part.intervals) {
      const endMs = offsetMs + interval.tMs;
      const window = Math.max(0, Math.floor((endMs - interval.durationMs / 2) / widthMs));
      const entry = windows.get(window) ?? { tMs: 0, group: [] };
      entry.tMs = Math.max(entry.tMs, endMs);
      entry.group.push(interval);
      windows.set(window, entry);
    }
  });
  return [...windows.entries()].sort((a, b) => a[0] - b[0]).map(([, entry]) => entry);
}
