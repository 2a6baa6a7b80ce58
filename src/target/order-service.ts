import { performance } from 'node:perf_hooks';
import { Metadata, type ServerDuplexStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { CreateOrderRequest, CreateOrderResponse } from './order-messages.js';
import type { ServerCounters } from './server-counters.js';
import { statusName } from '../grpc/status-names.js';
import { DEFAULT_KNOBS, mergeKnobs, type ServiceKnobs } from './service-knobs.js';
import { createRejectDraw, type RejectDraw } from './reject-draw.js';
import { doRequestWork, nextId } from './request-work.js';
import { serveReservationStream, type ReservationService } from './reservation-stream.js';

export { retainedLeakBytes } from './request-work.js';

/** Response header carrying the version that serves the stream (the same as `served_by`). */
export const SERVED_BY_HEADER = 'x-served-by';

export interface OrderService {
  /** Handlers keyed by method name, for `server.addService(OrderService.service, ...)`. */
  readonly implementation: UntypedServiceImplementation;
  /** A copy of the knobs currently in force. */
  knobs(): ServiceKnobs;
  /** Changes knobs for requests arriving from now on; throws RangeError on invalid values. */
  setKnobs(partial: Partial<ServiceKnobs>): void;
  /** Holds every answer due in the next `ms` milliseconds until they are over (a one-off stall). */
  stall(ms: number): void;
}

/** One accepted request waiting for its delay to elapse and for earlier answers to go out. */
interface PendingAnswer {
  ready: boolean;
  timer: NodeJS.Timeout | undefined;
  outcome: { kind: 'answer'; response: CreateOrderResponse } | { kind: 'error'; code: number; details: string };
}

/**
 * The CreateOrderStream handler. A stream opened while `protocol` is 'reservation' speaks the
 * reservation protocol (reservation-stream.ts); otherwise, the echo protocol: per request: wait latencyMs + U[0, jitterMs] (no timer at
 * all when that is zero), then answer once, or with probability errorRatio end the stream
 * with errorCode instead. Answers leave in request order. After the client half-closes the
 * stream ends OK once every pending answer has been written.
 */
export function createOrderService(counters: ServerCounters, initial: Partial<ServiceKnobs> = {}): OrderService {
  let current: ServiceKnobs = mergeKnobs(DEFAULT_KNOBS, initial);
  let stallUntilMs = 0;
  let rejectDraw: { seed: number; draw: RejectDraw } = { seed: current.rejectSeed, draw: createRejectDraw(current.rejectSeed) };
  const reservationService: ReservationService = {
    counters,
    knobs: () => current,
    drawReject: (ratio) => rejectDraw.draw(ratio),
    stallLeftMs: () => stallUntilMs - performance.now(),
  };

  function createOrderStream(call: ServerDuplexStream<CreateOrderRequest, CreateOrderResponse>): void {
    counters.recordStreamOpened(call.getPeer());
    // The version also goes out as a response header, so results can be split by header too.
    const headers = new Metadata();
    headers.set(SERVED_BY_HEADER, current.version);
    call.sendMetadata(headers);
    if (current.protocol === 'reservation') {
      serveReservationStream(call, reservationService);
      return;
    }
    const queue: PendingAnswer[] = [];
    let halfClosed = false;
    let finished = false;

    const finish = () => {
      finished = true;
      for (const entry of queue) {
        if (entry.timer !== undefined) clearTimeout(entry.timer);
      }
      queue.length = 0;
    };

    // Writes every answer at the head of the queue that is due; later answers that are
    // already due wait for earlier ones so the order matches the requests.
    const flush = () => {
      while (!finished && queue.length > 0 && queue[0]!.ready) {
        const { outcome } = queue.shift()!;
        if (outcome.kind === 'error') {
          finish();
          counters.recordErrorSent(outcome.code);
          // grpc-js turns an 'error' event on a server stream into the call's final status.
          call.emit('error', { code: outcome.code, details: outcome.details });
          return;
        }
        counters.recordMessageSent();
        call.write(outcome.response);
      }
      if (!finished && halfClosed && queue.length === 0) {
        finish();
        counters.recordStreamCompleted();
        call.end();
      }
    };

    call.on('data', (request: CreateOrderRequest) => {
      counters.recordMessageReceived();
      if (finished) return;
      const knobs = current;
      doRequestWork(knobs);
      const entry: PendingAnswer = {
        ready: false,
        timer: undefined,
        outcome:
          Math.random() < knobs.errorRatio
            ? {
                kind: 'error',
                code: knobs.errorCode,
                details: `order service ${knobs.version}: injected ${statusName(knobs.errorCode)} (errorRatio ${knobs.errorRatio})`,
              }
            : {
                kind: 'answer',
                response: {
                  request_id: request.request_id,
                  order_id: nextId('ord'),
                  status: 'CREATED',
                  served_by: knobs.version,
                },
              },
      };
      queue.push(entry);
      const stallMs = stallUntilMs - performance.now();
      const delayMs = Math.max(knobs.latencyMs + (knobs.jitterMs > 0 ? Math.random() * knobs.jitterMs : 0), stallMs);
      if (delayMs <= 0) {
        entry.ready = true;
        flush();
        return;
      }
      entry.timer = setTimeout(() => {
        entry.timer = undefined;
        entry.ready = true;
        flush();
      }, delayMs);
    });

    call.on('end', () => {
      halfClosed = true;
      flush();
    });

    call.on('cancelled', () => {
      if (finished) return;
      finish();
      counters.recordStreamCancelled();
    });
  }

  return {
    implementation: { CreateOrderStream: createOrderStream },
    knobs: () => ({ ...current }),
    setKnobs: (partial) => {
      current = mergeKnobs(current, partial);
      if (current.rejectSeed !== rejectDraw.seed) rejectDraw = { seed: current.rejectSeed, draw: createRejectDraw(current.rejectSeed) };
    },
    stall: (ms) => {
      stallUntilMs = performance.now() + ms;
    },
  };
}
