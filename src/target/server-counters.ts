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
  /** Reservation protocol: ORDER requests received. */
  ordersReceived: number;
  /** Reservation protocol: responses sent by status (ACCEPTED, RESERVED, CONFIRMED, …), pushes included. */
  responsesByStatus: Record<string, number>;
  /** Reservation protocol: CONFIRM requests naming a reservation the stream holds. */
  confirmsValid: number;
  /** Reservation protocol: CONFIRM requests naming no reservation the stream holds (answered INVALID_RESERVATION). */
  confirmsInvalid: number;
  /** Reservation protocol: unsolicited STOCK_UPDATE messages sent. */
  pushesSent: number;
  /** Reservations held now, over every stream (released by a confirm, by the stream's end, or when a stream holds too many). */
  reservationsHeld: number;
  /** Reservations dropped unconfirmed because their stream held the most it may (the oldest go first). */
  reservationsExpired: number;
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
  recordOrderReceived(): void;
  /** One response of the reservation protocol sent, by its status; call recordMessageSent too. */
  recordStatusSent(status: string): void;
  recordConfirm(valid: boolean): void;
  recordPushSent(): void;
  /** Reservations held changed by `delta`: +1 when one is taken, -n when n are released. */
  recordReservationsHeld(delta: number): void;
  recordReservationExpired(): void;
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
  const responsesByStatus: Record<string, number> = {};
  let ordersReceived = 0;
  let confirmsValid = 0;
  let confirmsInvalid = 0;
  let pushesSent = 0;
  let reservationsHeld = 0;
  let reservationsExpired = 0;

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
      ordersReceived,
      responsesByStatus: { ...responsesByStatus },
      confirmsValid,
      confirmsInvalid,
      pushesSent,
      reservationsHeld,
      reservationsExpired,
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
    recordOrderReceived: () => {
      ordersReceived += 1;
    },
    recordStatusSent: (status) => {
      responsesByStatus[status] = (responsesByStatus[status] ?? 0) + 1;
    },
    recordConfirm: (valid) => {
      if (valid) confirmsValid += 1;
      else confirmsInvalid += 1;
    },
    recordPushSent: () => {
      pushesSent += 1;
    },
    recordReservationsHeld: (delta) => {
      reservationsHeld += delta;
    },
    recordReservationExpired: () => {
      reservationsExpired += 1;
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
    recordOrderReceived: () => targets.forEach((t) => t.recordOrderReceived()),
    recordStatusSent: (status) => targets.forEach((t) => t.recordStatusSent(status)),
    recordConfirm: (valid) => targets.forEach((t) => t.recordConfirm(valid)),
    recordPushSent: () => targets.forEach((t) => t.recordPushSent()),
    recordReservationsHeld: (delta) => targets.forEach((t) => t.recordReservationsHeld(delta)),
    recordReservationExpired: () => targets.forEach((t) => t.recordReservationExpired()),
  };
}
