import type { Scenario } from '../scenario/scenario-schema.js';
import type { WorkerShare } from '../pool/worker-protocol.js';

/** Splits `total` into `parts` near-equal whole shares, larger ones first. */
export function splitEvenly(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const remainder = total % parts;
  return Array.from({ length: parts }, (_, i) => base + (i < remainder ? 1 : 0));
}

/**
 * Scenario → one share per worker. Streams, connections and the message budget are split
 * evenly with the remainders on the first workers, so every worker gets connections ≤ streams
 * (the schema guarantees workers ≤ connections ≤ streams). Pure: no clock, no I/O.
 */
export function planRun(scenario: Pick<Scenario, 'load'>): WorkerShare[] {
  const { streams, connections, workers, messages, durationMs } = scenario.load;
  const streamShares = splitEvenly(streams, workers);
  const connectionShares = splitEvenly(connections, workers);
  const budgetShares = messages === undefined ? undefined : splitEvenly(messages, workers);
  let firstStreamId = 0;
  return streamShares.map((workerStreams, workerId) => {
    const share: WorkerShare = {
      workerId,
      streams: workerStreams,
      connections: connectionShares[workerId]!,
      firstStreamId,
      streamIdStride: streams,
      ...(budgetShares ? { messageBudget: budgetShares[workerId]! } : {}),
      ...(durationMs === undefined ? {} : { durationMs }),
    };
    firstStreamId += workerStreams;
    return share;
  });
}
