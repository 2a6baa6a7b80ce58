import { BenchError } from '../errors/bench-error.js';
import type { ScenarioLoad } from './scenario-load.js';
import { scaleSchedule } from '../schedule/load-schedule.js';
import { splitEvenly } from '../schedule/split-evenly.js';

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
export function segmentProblem(load: Pick<ScenarioLoad, 'streams' | 'connections' | 'messages'>, count: number): string | undefined {
  if (count > load.connections) {
    return `${count} segments need at least ${count} connections (one per segment), but load.connections is ${load.connections}`;
  }
  if (count > load.streams) return `${count} segments need at least ${count} streams (one per segment), but load.streams is ${load.streams}`;
  if (load.messages !== undefined && count > load.messages) {
    return `${count} segments need at least ${count} messages (one per segment), but load.messages is ${load.messages}`;
  }
  return undefined;
}

/**
 * The load segment `index` of `count` runs: streams, connections and the message budget split
 * evenly with the remainders on the first segments (as the plan splits a run over workers),
 * so the segments' shares sum exactly to the whole run. The open model's rate schedule and the
 * active-stream schedule are scaled by the segment's share of the streams (the stream
 * schedule is rounded per segment). Its stream ids start after the earlier segments' and
 * re-opened streams step by the whole run's stream count, so ids — and with them
 * {{streamId}} and {{requestId}} — are unique across all segments. The time bounds, the
 * warm-up and every other setting are the whole run's. Worker threads are a property of each process: at most
 * `load.workers`, never more than the segment's connections.
 *
 * Pure: no clock, no I/O. Throws SCENARIO_INVALID naming `segment` when the split is impossible.
 */
export function segmentShare(load: ScenarioLoad, index: number, count: number): ScenarioLoad {
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 1 || index > count) {
    throw new BenchError('SCENARIO_INVALID', `segment: expected i/n with 1 ≤ i ≤ n, got ${index}/${count}`);
  }
  const problem = segmentProblem(load, count);
  if (problem !== undefined) throw new BenchError('SCENARIO_INVALID', `segment: ${problem}`);
  const at = index - 1;
  const streamShares = splitEvenly(load.streams, count);
  const streams = streamShares[at]!;
  const connections = splitEvenly(load.connections, count)[at]!;
  const share = streams / load.streams;
  const messages = load.messages === undefined ? undefined : splitEvenly(load.messages, count)[at]!;
  const { rateSchedule, streamSchedule } = load;
  return {
    ...load,
    streams,
    connections,
    workers: Math.min(load.workers, connections, streams, messages ?? Infinity),
    ...(messages === undefined ? {} : { messages }),
    ...(rateSchedule ? { rateSchedule: scaleSchedule(rateSchedule, share) } : {}),
    ...(streamSchedule ? { streamSchedule: scaleSchedule(streamSchedule, share) } : {}),
    firstStreamId: (load.firstStreamId ?? 0) + streamShares.slice(0, at).reduce((sum, n) => sum + n, 0),
    streamIdStride: load.streamIdStride ?? load.streams,
  };
}
