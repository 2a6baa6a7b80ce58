import type { WorkerShare } from '../types/worker-protocol.js';

import { scaleSchedule } from '../schedule/load-schedule.js';
import { splitEvenly } from '../schedule/split-evenly.js';
import type { PlannedLoad } from './run-plan.js';

export { splitEvenly };

/**
 * The planned load → one share per worker. Streams, connections and the message and call budgets are split
 * evenly with the remainders on the first workers, so every worker gets connections ≤ streams
 * (the plan guarantees workers ≤ connections ≤ streams). `maxStreamsPerConnection`: the
 * server's SETTINGS_MAX_CONCURRENT_STREAMS, when it advertises one. Pure: no clock, no I/O.
 */
export function planRun(scenario: { load: PlannedLoad }, maxStreamsPerConnection?: number): WorkerShare[] {
  const { streams, connections, workers, messages, calls, durationMs, rateSchedule, streamSchedule, warmupMs, startAtMs } = scenario.load;
  // A segment of a larger run (--segment i/n) numbers its streams within the whole run's.
  const streamIdStride = scenario.load.streamIdStride ?? streams;
  const streamShares = splitEvenly(streams, workers);
  const connectionShares = splitEvenly(connections, workers);
  const budgetShares = messages === undefined ? undefined : splitEvenly(messages, workers);
  const callShares = calls === undefined ? undefined : splitEvenly(calls, workers);
  // Each worker skips its even part of the first calls, as it makes its even part of the calls.
  const skipShares = scenario.load.skipCalls === undefined ? undefined : splitEvenly(scenario.load.skipCalls, workers);
  let firstStreamId = scenario.load.firstStreamId ?? 0;
  return streamShares.map((workerStreams, workerId) => {
    const share: WorkerShare = {
      workerId,
      streams: workerStreams,
      connections: connectionShares[workerId]!,
      firstStreamId,
      streamIdStride,
      workerCount: workers,
      warmupMs,
      // The open model's rate is split in proportion to the streams each worker drives.
      ...(rateSchedule ? { rateSchedule: scaleSchedule(rateSchedule, workerStreams / streams) } : {}),
      ...(streamSchedule ? { streamSchedule } : {}),
      ...(budgetShares ? { messageBudget: budgetShares[workerId]! } : {}),
      ...(callShares ? { callBudget: callShares[workerId]! } : {}),
      ...(skipShares?.[workerId] ? { skipCalls: skipShares[workerId] } : {}),
      ...(durationMs === undefined ? {} : { durationMs }),
      ...(maxStreamsPerConnection === undefined ? {} : { maxStreamsPerConnection }),
      ...(startAtMs === undefined ? {} : { startAtMs }),
    };
    firstStreamId += workerStreams;
    return share;
  });
}
