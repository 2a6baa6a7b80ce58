import type { ServerDuplexStream } from '@grpc/grpc-js';
import { statusName } from '../grpc/status-names.js';
import type { CreateOrderRequest, CreateOrderResponse, OrderStatus } from './order-messages.js';
import type { RejectDraw } from './reject-draw.js';
import { doRequestWork, nextId } from './request-work.js';
import type { ServerCounters } from './server-counters.js';
import type { ServiceKnobs } from './service-knobs.js';

/**
 * Reservations one stream may hold at once; past it the oldest is dropped (counted as expired),
 * so a client that never confirms cannot grow the server's memory.
 */
export const MAX_RESERVATIONS_PER_STREAM = 1024;

/** What a reservation stream needs from its service. */
export interface ReservationService {
  counters: ServerCounters;
  /** The knobs in force now: read once per request. */
  knobs(): ServiceKnobs;
  /** The service's seeded reject decisions. */
  drawReject: RejectDraw;
  /** Milliseconds left of a one-off stall (≤ 0 when none). */
  stallLeftMs(): number;
}

interface Reservation {
  orderId: string;
  /** The order asked to be rejected. */
  reject: boolean;
}

/** Stock levels pushed on a stream: one SKU, counting down and wrapping, so pushes differ. */
const PUSHED_SKU = 'sku-1';
const STOCK_START = 1000;

/**
 * The reservation protocol on one stream. An ORDER is answered ACCEPTED after
 * stageDelaysMs.accepted, then RESERVED with a new reservation id after stageDelaysMs.reserved;
 * a CONFIRM naming a reservation this stream holds is answered, after stageDelaysMs.decided,
 * REJECTED (when the order or the confirm set `reject`, or the service's seeded draw at
 * rejectRatio says so) or CONFIRMED, and releases the reservation; naming any other id it is
 * answered INVALID_RESERVATION with the reason in `error`. STOCK_UPDATE pushes go out at
 * pushRatePerSec until the client half-closes; the stream then ends OK once every scheduled
 * answer is out. An errorRatio draw ends the stream with errorCode instead of answering.
 */
export function serveReservationStream(call: ServerDuplexStream<CreateOrderRequest, CreateOrderResponse>, service: ReservationService): void {
  const { counters } = service;
  const servedBy = service.knobs().version;
  const reservations = new Map<string, Reservation>();
  const timers = new Set<NodeJS.Timeout>();
  let pushTimer: NodeJS.Timeout | undefined;
  let halfClosed = false;
  let finished = false;
  let stock = STOCK_START;

  const release = () => {
    if (reservations.size > 0) counters.recordReservationsHeld(-reservations.size);
    reservations.clear();
  };

  const finish = () => {
    finished = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    if (pushTimer !== undefined) clearInterval(pushTimer);
    pushTimer = undefined;
    release();
  };

  const endIfDone = () => {
    if (finished || !halfClosed || timers.size > 0) return;
    finish();
    counters.recordStreamCompleted();
    call.end();
  };

  const send = (response: CreateOrderResponse) => {
    if (finished) return;
    counters.recordMessageSent();
    counters.recordStatusSent(response.status);
    call.write(response);
  };

  /** Runs `action` after `delayMs` (at once when ≤ 0); a stream ends only once none is left. */
  const after = (delayMs: number, action: () => void) => {
    const waitMs = Math.max(delayMs, service.stallLeftMs());
    if (waitMs <= 0) {
      action();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
      endIfDone();
    }, waitMs);
    timers.add(timer);
  };

  const answer = (request: CreateOrderRequest, status: OrderStatus, fields: Partial<CreateOrderResponse>): CreateOrderResponse => ({
    request_id: request.request_id,
    order_id: '',
    status,
    served_by: servedBy,
    ...fields,
  });

  const hold = (reservationId: string, reservation: Reservation) => {
    if (reservations.size >= MAX_RESERVATIONS_PER_STREAM) {
      const oldest = reservations.keys().next().value!;
      reservations.delete(oldest);
      counters.recordReservationsHeld(-1);
      counters.recordReservationExpired();
    }
    reservations.set(reservationId, reservation);
    counters.recordReservationsHeld(1);
  };

  const order = (request: CreateOrderRequest, knobs: ServiceKnobs) => {
    counters.recordOrderReceived();
    const orderId = nextId('ord');
    const reject = request.reject === true;
    after(knobs.stageDelaysMs.accepted, () => {
      send(answer(request, 'ACCEPTED', { order_id: orderId }));
      after(knobs.stageDelaysMs.reserved, () => {
        if (finished) return;
        const reservationId = nextId('res');
        // Held before it is sent: a client may confirm as soon as it reads it.
        hold(reservationId, { orderId, reject });
        send(answer(request, 'RESERVED', { order_id: orderId, reservation_id: reservationId }));
      });
    });
  };

  const confirm = (request: CreateOrderRequest, knobs: ServiceKnobs) => {
    const reservationId = request.reservation_id ?? '';
    const held = reservations.get(reservationId);
    counters.recordConfirm(held !== undefined);
    if (held === undefined) {
      const error = reservationId === '' ? 'a confirm needs the reservation_id of a RESERVED response' : `no reservation "${reservationId}" is held on this stream`;
      after(knobs.stageDelaysMs.decided, () => send(answer(request, 'INVALID_RESERVATION', { reservation_id: reservationId, error })));
      return;
    }
    reservations.delete(reservationId);
    counters.recordReservationsHeld(-1);
    // Drawn for every valid confirm, forced or not, so the draws' count is the valid confirms' count.
    const drawn = service.drawReject(knobs.rejectRatio);
    const status = held.reject || request.reject === true || drawn ? 'REJECTED' : 'CONFIRMED';
    after(knobs.stageDelaysMs.decided, () => send(answer(request, status, { order_id: held.orderId, reservation_id: reservationId })));
  };

  const startPushes = (ratePerSec: number) => {
    if (ratePerSec <= 0) return;
    pushTimer = setInterval(() => {
      if (finished || halfClosed) return;
      stock = stock > 0 ? stock - 1 : STOCK_START;
      counters.recordPushSent();
      send({ request_id: '', order_id: '', status: 'STOCK_UPDATE', served_by: servedBy, stock: { sku_id: PUSHED_SKU, available: stock } });
    }, 1000 / ratePerSec);
  };

  call.on('data', (request: CreateOrderRequest) => {
    counters.recordMessageReceived();
    if (finished) return;
    const knobs = service.knobs();
    doRequestWork(knobs);
    if (knobs.errorRatio > 0 && Math.random() < knobs.errorRatio) {
      finish();
      counters.recordErrorSent(knobs.errorCode);
      // grpc-js turns an 'error' event on a server stream into the call's final status.
      call.emit('error', { code: knobs.errorCode, details: `order service ${knobs.version}: injected ${statusName(knobs.errorCode)} (errorRatio ${knobs.errorRatio})` });
      return;
    }
    if (request.kind === 'CONFIRM') confirm(request, knobs);
    else order(request, knobs);
  });

  call.on('end', () => {
    halfClosed = true;
    if (pushTimer !== undefined) clearInterval(pushTimer);
    pushTimer = undefined;
    endIfDone();
  });

  call.on('cancelled', () => {
    if (finished) return;
    finish();
    counters.recordStreamCancelled();
  });

  startPushes(service.knobs().pushRatePerSec);
}

