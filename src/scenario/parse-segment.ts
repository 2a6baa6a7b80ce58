/** Part `index` (from 1) of a run split into `count` parts run by separate processes or machines. */
export interface Segment {
  index: number;
  count: number;
}

const SEGMENT_PATTERN = /^\s*(\d{1,9})\s*\/\s*(\d{1,9})\s*$/;

/**
 * `"2/3"` → { index: 2, count: 3 }. Pure. Returns the problem as a string (for the schema to
 * report at its path, followed by the value given) when the text is not `i/n` with 1 ≤ i ≤ n.
 */
export function parseSegment(text: string): Segment | string {
  const match = SEGMENT_PATTERN.exec(text);
  if (!match) return 'expected "i/n" such as "1/3" (part i of n, from 1)';
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) return 'the segment count must be ≥ 1';
  if (index < 1 || index > count) return `the segment index must be within 1..${count}`;
  return { index, count };
}

/**
 * Why a run cannot be split into `count` segments, or undefined when it can: every segment
 * needs at least one connection (hence one stream) and, with a message budget, one message.
 */
export function segmentProblem(load: { streams: number; connections: number; messages?: number | undefined; calls?: number | undefined }, count: number): string | undefined {
  if (count > load.connections) {
    return `${count} segments need at least ${count} connections (one per segment), but load.connections is ${load.connections}`;
  }
  if (count > load.streams) return `${count} segments need at least ${count} streams (one per segment), but load.streams is ${load.streams}`;
  if (load.messages !== undefined && count > load.messages) {
    return `${count} segments need at least ${count} messages (one per segment), but load.messages is ${load.messages}`;
  }
  if (load.calls !== undefined && count > load.calls) {
    return `${count} segments need at least ${count} calls (one per segment), but load.calls is ${load.calls}`;
  }
  return undefined;
}
