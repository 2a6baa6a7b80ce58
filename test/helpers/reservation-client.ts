import type * as grpc from '@grpc/grpc-js';
import type { CreateOrderRequest, CreateOrderResponse } from '../../src/target/order-messages.js';
import { collectStream, orderRequest, type OrderClient, type StreamOutcome } from './order-client.js';

export interface ReservationOutcome extends StreamOutcome {
  /** Responses by status, as the client saw them (pushes included). */
  byStatus: Record<string, number>;
  /** The reservation ids the confirms carried, in the order sent. */
  confirmedIds: string[];
}

export interface ReservationRun {
  /** Orders placed on the stream, each with request id `${prefix}-${i}`. */
  orders: number;
  prefix: string;
  /** Sets `reject` on these order numbers. */
  rejectOrders?: ReadonlySet<number>;
  /** Confirms each RESERVED with its reservation id (default true). */
  confirm?: boolean;
  /** Half-closes only once this many STOCK_UPDATE pushes arrived (default 0). */
  pushesBeforeEnd?: number;
  /** Request headers of the stream (a canary route's header, say). */
  metadata?: grpc.Metadata;
}

export function confirmRequest(requestId: string, reservationId: string): CreateOrderRequest {
  return { request_id: requestId, user_id: 'user-1', items: [], kind: 'CONFIRM', reservation_id: reservationId };
}

/**
 * Drives the reservation protocol on one new stream as a client would: places the orders,
 * confirms each RESERVED with the id it carries, and half-closes once every order is decided
 * (CONFIRMED/REJECTED, or RESERVED when not confirming) and enough pushes have arrived.
 */
export function runReservationStream(client: OrderClient, run: ReservationRun): Promise<ReservationOutcome> {
  const call = client.createOrderStream(run.metadata);
  const outcome = collectStream(call);
  const byStatus: Record<string, number> = {};
  const confirmedIds: string[] = [];
  const confirm = run.confirm ?? true;
  let decided = 0;
  let pushes = 0;
  let ended = false;
  const endWhenDone = () => {
    if (!ended && decided === run.orders && pushes >= (run.pushesBeforeEnd ?? 0)) {
      ended = true;
      call.end();
    }
  };
  call.on('data', (response: CreateOrderResponse) => {
    byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
    if (response.status === 'STOCK_UPDATE') pushes += 1;
    if (response.status === 'RESERVED') {
      if (confirm) {
        confirmedIds.push(response.reservation_id!);
        call.write(confirmRequest(`${response.request_id}-confirm`, response.reservation_id!));
      } else {
        decided += 1;
      }
    }
    if (response.status === 'CONFIRMED' || response.status === 'REJECTED') decided += 1;
    endWhenDone();
  });
  for (let i = 0; i < run.orders; i++) call.write({ ...orderRequest(`${run.prefix}-${i}`), reject: run.rejectOrders?.has(i) ?? false });
  endWhenDone();
  return outcome.then((result) => ({ ...result, byStatus, confirmedIds }));
}

/** Sends `requests` on one new stream, half-closes, and collects every response. */
export function exchange(client: OrderClient, requests: CreateOrderRequest[]): Promise<StreamOutcome> {
  const call: grpc.ClientDuplexStream<CreateOrderRequest, CreateOrderResponse> = client.createOrderStream();
  const outcome = collectStream(call);
  for (const request of requests) call.write(request);
  call.end();
  return outcome;
}
