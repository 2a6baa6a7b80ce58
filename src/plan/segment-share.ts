import { BenchError } from '../errors/bench-error.js';
import { segmentProblem } from '../scenario/parse-segment.js';
import { scaleSchedule } from '../schedule/load-schedule.js';
import { splitEvenly } from '../schedule/split-evenly.js';
import type { PlannedLoad } from './run-plan.js';

/**
 * The load segment `index` of `count` runs: streams, connections and the message and call budgets split
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
export function segmentShare(load: PlannedLoad, index: number, count: number): PlannedLoad {
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
  const calls = load.calls === undefined ? undefined : splitEvenly(load.calls, count)[at]!;
  const skipCalls = load.skipCalls === undefined ? undefined : splitEvenly(load.skipCalls, count)[at]!;
  const { rateSchedule, streamSchedule } = load;
  return {
    ...load,
    streams,
    connections,
    workers: Math.min(load.workers, connections, streams, messages ?? Infinity, calls ?? Infinity),
    ...(messages === undefined ? {} : { messages }),
    ...(calls === undefined ? {} : { calls }),
    ...(skipCalls === undefined ? {} : { skipCalls }),
    ...(rateSchedule ? { rateSchedule: scaleSchedule(rateSchedule, share) } : {}),
    ...(streamSchedule ? { streamSchedule: scaleSchedule(streamSchedule, share) } : {}),
    firstStreamId: (load.firstStreamId ?? 0) + streamShares.slice(0, at).reduce((sum, n) => sum + n, 0),
    streamIdStride: load.streamIdStride ?? load.streams,
  };
}
