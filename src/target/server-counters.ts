import { statusName } from '../grpc/status-names.js';

/** Plain copy of the server-side counters at one instant. */
export interface ServerCountersSnapshot {
  streamsOpened: number;
  /** Client half-closed and the server ended the stream with OK. */
  streamsCompleted: number;
  /** Cancelled by the client (or by a forced shutdown) before the server ended it. */
  streamsCancelled: number;
  messagesReceived: number;
  messagesSent: number;
  /** Streams the server ended with a non-OK status. */
  errorsSent: number;
  /** errorsSent broken down by status name, e.g. { RESOURCE_EXHAUSTED: 3 }. */
  errorsByStatus: Record<string, number>;
  /** Distinct client HTTP/2 connections, i.e. distinct `call.getPeer()` strings seen. */
  connectionsSeen: number;
  /** Streams opened and not yet completed, cancelled or errored. */
  activeStreams: number;
}

/** Live counters: the service records into it; readers take a `snapshot()`. */
export interface ServerCounters {
  snapshot(): ServerCountersSnapshot;
  recordStreamOpened(peer: string): void;
  recordStreamCompleted(): void;
  recordStreamCancelled(): void;
  recordMessageReceived(): void;
  recordMessageSent(): void;
  recordErrorSent(code: number): void;
}

export function createServerCounters(): ServerCounters {
  const peers = new Set<string>();
  const errorsByStatus: Record<string, number> = {};
  let streamsOpened = 0;
  let streamsCompleted = 0;
  let streamsCancelled = 0;
  let messagesReceived = 0;
  let messagesSent = 0;
  let errorsSent = 0;
  let activeStreams = 0;

  return {
    snapshot: () => ({
      streamsOpened,
      streamsCompleted,
      streamsCancelled,
      messagesReceived,
      messagesSent,
      errorsSent,
      errorsByStatus: { ...errorsByStatus },
      connectionsSeen: peers.size,
      activeStreams,
    }),
    recordStreamOpened: (peer) => {
      peers.add(peer);
      streamsOpened += 1;
      activeStreams += 1;
    },
    recordStreamCompleted: () => {
      streamsCompleted += 1;
      activeStreams -= 1;
    },
    recordStreamCancelled: () => {
      streamsCancelled += 1;
      activeStreams -= 1;
    },
    recordMessageReceived: () => {
      messagesReceived += 1;
    },
    recordMessageSent: () => {
      messagesSent += 1;
    },
    recordErrorSent: (code) => {
      const name = statusName(code);
      errorsSent += 1;
      errorsByStatus[name] = (errorsByStatus[name] ?? 0) + 1;
      activeStreams -= 1;
    },
  };
}

/** Records into every one of `targets`: a total plus a per-version view, for example. */
export function teeCounters(...targets: ServerCounters[]): ServerCounters {
  return {
    snapshot: () => targets[0]!.snapshot(),
    recordStreamOpened: (peer) => targets.forEach((t) => t.recordStreamOpened(peer)),
    recordStreamCompleted: () => targets.forEach((t) => t.recordStreamCompleted()),
    recordStreamCancelled: () => targets.forEach((t) => t.recordStreamCancelled()),
    recordMessageReceived: () => targets.forEach((t) => t.recordMessageReceived()),
    recordMessageSent: () => targets.forEach((t) => t.recordMessageSent()),
    recordErrorSent: (code) => targets.forEach((t) => t.recordErrorSent(code)),
  };
}
