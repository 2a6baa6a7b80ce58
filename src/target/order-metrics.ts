import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { ORDER_SERVICE_NAME } from './order-messages.js';
import type { ServerCounters } from './server-counters.js';
import { statusName } from '../grpc/status-names.js';

/** The one instrumented method of pb.OrderService. */
const ORDER_METHOD_NAME = 'CreateOrderStream';

export interface OrderMetrics {
  /**
   * A registry of its own (not prom-client's global one) holding the default process and
   * Node.js metrics plus the grpc_server_* counters.
   */
  registry: Registry;
  /**
   * Wraps `counters` so that every record also updates the grpc_server_* counters; the
   * wrapper's snapshot() is the wrapped counters' snapshot.
   */
  instrument(counters: ServerCounters): ServerCounters;
}

/**
 * Creates the Prometheus metrics of the reference Order service, named as in
 * go-grpc-prometheus so dashboards for Go services work unchanged:
 * grpc_server_started_total, grpc_server_handled_total{grpc_code},
 * grpc_server_msg_received_total and grpc_server_msg_sent_total, all labelled with
 * grpc_service and grpc_method. A stream cancelled by the client counts as handled with
 * grpc_code="CANCELLED". Health and reflection calls are not counted. The reservation protocol
 * adds order_service_orders_total, order_service_responses_total{status},
 * order_service_confirms_total{valid}, order_service_pushes_total,
 * order_service_reservations_expired_total and the gauge order_service_reservations_held.
 */
export function createOrderMetrics(): OrderMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const methodLabels = ['grpc_service', 'grpc_method'] as const;
  const started = new Counter({
    name: 'grpc_server_started_total',
    help: 'Streams started on the server.',
    labelNames: methodLabels,
    registers: [registry],
  });
  const handled = new Counter({
    name: 'grpc_server_handled_total',
    help: 'Streams completed on the server, by final status.',
    labelNames: [...methodLabels, 'grpc_code'] as const,
    registers: [registry],
  });
  const received = new Counter({
    name: 'grpc_server_msg_received_total',
    help: 'Stream messages received by the server.',
    labelNames: methodLabels,
    registers: [registry],
  });
  const sent = new Counter({
    name: 'grpc_server_msg_sent_total',
    help: 'Stream messages sent by the server.',
    labelNames: methodLabels,
    registers: [registry],
  });

  const orders = new Counter({ name: 'order_service_orders_total', help: 'Reservation protocol: ORDER requests received.', registers: [registry] });
  const responses = new Counter({
    name: 'order_service_responses_total',
    help: 'Reservation protocol: responses sent, by status (pushes included).',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const confirms = new Counter({
    name: 'order_service_confirms_total',
    help: 'Reservation protocol: CONFIRM requests, by whether they named a reservation the stream held.',
    labelNames: ['valid'] as const,
    registers: [registry],
  });
  const pushes = new Counter({ name: 'order_service_pushes_total', help: 'Reservation protocol: unsolicited STOCK_UPDATE messages sent.', registers: [registry] });
  const expired = new Counter({
    name: 'order_service_reservations_expired_total',
    help: 'Reservations dropped unconfirmed because their stream held the most it may.',
    registers: [registry],
  });
  const held = new Gauge({ name: 'order_service_reservations_held', help: 'Reservations held now, over every stream.', registers: [registry] });
  for (const valid of ['true', 'false']) confirms.inc({ valid }, 0);

  const method = { grpc_service: ORDER_SERVICE_NAME, grpc_method: ORDER_METHOD_NAME };
  // Export the per-method series at 0 from the start rather than only after first use.
  for (const counter of [started, received, sent]) counter.inc(method, 0);
  const handledWith = (code: string) => handled.inc({ ...method, grpc_code: code });

  return {
    registry,
    instrument: (counters) => ({
      snapshot: () => counters.snapshot(),
      recordStreamOpened: (peer) => {
        counters.recordStreamOpened(peer);
        started.inc(method);
      },
      recordStreamCompleted: () => {
        counters.recordStreamCompleted();
        handledWith('OK');
      },
      recordStreamCancelled: () => {
        counters.recordStreamCancelled();
        handledWith('CANCELLED');
      },
      recordMessageReceived: () => {
        counters.recordMessageReceived();
        received.inc(method);
      },
      recordMessageSent: () => {
        counters.recordMessageSent();
        sent.inc(method);
      },
      recordErrorSent: (code) => {
        counters.recordErrorSent(code);
        handledWith(statusName(code));
      },
      recordOrderReceived: () => {
        counters.recordOrderReceived();
        orders.inc();
      },
      recordStatusSent: (status) => {
        counters.recordStatusSent(status);
        responses.inc({ status });
      },
      recordConfirm: (valid) => {
        counters.recordConfirm(valid);
        confirms.inc({ valid: String(valid) });
      },
      recordPushSent: () => {
        counters.recordPushSent();
        pushes.inc();
      },
      recordReservationsHeld: (delta) => {
        counters.recordReservationsHeld(delta);
        held.inc(delta);
      },
      recordReservationExpired: () => {
        counters.recordReservationExpired();
        expired.inc();
      },
    }),
  };
}
