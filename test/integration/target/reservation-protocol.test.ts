import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../../src/monitor/parse-prometheus-text.js';
import type { CreateOrderResponse } from '../../../src/target/order-messages.js';
import { countRejects } from '../../../src/target/reject-draw.js';
import { MAX_RESERVATIONS_PER_STREAM } from '../../../src/target/reservation-stream.js';
import type { ServiceKnobs } from '../../../src/target/service-knobs.js';
import { startOrderServer, type OrderServerHandle, type OrderServerOptions } from '../../../src/target/start-order-server.js';
import { collectStream, openOrderClient, orderRequest, type OrderClient } from '../../helpers/order-client.js';
import { confirmRequest, exchange, runReservationStream } from '../../helpers/reservation-client.js';

const servers: OrderServerHandle[] = [];
const clients: OrderClient[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) server.forceShutdown();
});

async function start(knobs: Partial<ServiceKnobs>, options: OrderServerOptions = {}): Promise<OrderServerHandle> {
  const server = await startOrderServer({ port: 0, knobs: { protocol: 'reservation', ...knobs }, ...options });
  servers.push(server);
  return server;
}

function connect(address: string): OrderClient {
  const client = openOrderClient(address);
  clients.push(client);
  return client;
}

describe('reference Order service: the reservation protocol', () => {
  it('answers an order ACCEPTED then RESERVED, and a confirm with its reservation id CONFIRMED, with stage delays', async () => {
    const server = await start({ stageDelaysMs: { accepted: 2, reserved: 3, decided: 1 } });

    const outcome = await runReservationStream(connect(server.address), { orders: 1, prefix: 'o' });

    expect(outcome.status.code).toBe(grpc.status.OK);
    expect(outcome.responses.map((r) => r.status)).toEqual(['ACCEPTED', 'RESERVED', 'CONFIRMED']);
    const [accepted, reserved, confirmed] = outcome.responses as [CreateOrderResponse, CreateOrderResponse, CreateOrderResponse];
    expect(accepted).toMatchObject({ request_id: 'o-0', served_by: 'v1', reservation_id: '' });
    expect(reserved.request_id).toBe('o-0');
    expect(reserved.order_id).toBe(accepted.order_id);
    expect(reserved.reservation_id).toMatch(/^res-/);
    expect(confirmed).toMatchObject({ request_id: 'o-0-confirm', order_id: accepted.order_id, reservation_id: reserved.reservation_id });
    expect(server.counters.snapshot()).toMatchObject({
      ordersReceived: 1,
      responsesByStatus: { ACCEPTED: 1, RESERVED: 1, CONFIRMED: 1 },
      confirmsValid: 1,
      confirmsInvalid: 0,
      reservationsHeld: 0,
      messagesReceived: 2,
      messagesSent: 3,
      streamsCompleted: 1,
    });
  });

  it('rejects the share the seeded draws give, and every order that asks to be rejected; client and server counts agree', async () => {
    const seed = 7;
    const rejectRatio = 0.3;
    const server = await start({ rejectRatio, rejectSeed: seed });
    const client = connect(server.address);

    const outcomes = await Promise.all([
      runReservationStream(client, { orders: 40, prefix: 'a' }),
      runReservationStream(client, { orders: 40, prefix: 'b' }),
    ]);

    const clientCount = (status: string) => outcomes.reduce((sum, o) => sum + (o.byStatus[status] ?? 0), 0);
    const expectedRejects = countRejects(seed, rejectRatio, 80);
    expect(expectedRejects).toBeGreaterThan(0);
    expect(expectedRejects).toBeLessThan(80);
    const counters = server.counters.snapshot();
    expect(counters.responsesByStatus).toEqual({ ACCEPTED: 80, RESERVED: 80, CONFIRMED: 80 - expectedRejects, REJECTED: expectedRejects });
    expect(clientCount('REJECTED')).toBe(expectedRejects);
    expect(clientCount('CONFIRMED')).toBe(80 - expectedRejects);
    expect(counters).toMatchObject({ ordersReceived: 80, confirmsValid: 80, confirmsInvalid: 0, reservationsHeld: 0, streamsCompleted: 2 });

    // Decided by a field of the request: no draw can confirm these.
    server.setKnobs({ rejectRatio: 0 });
    const forced = await runReservationStream(client, { orders: 6, prefix: 'f', rejectOrders: new Set([1, 4]) });
    expect(forced.byStatus).toEqual({ ACCEPTED: 6, RESERVED: 6, CONFIRMED: 4, REJECTED: 2 });
    const rejectedIds = forced.responses.filter((r) => r.status === 'REJECTED').map((r) => r.request_id).sort();
    expect(rejectedIds).toEqual(['f-1-confirm', 'f-4-confirm']);
  });

  it('answers a confirm of an unknown or already confirmed reservation INVALID_RESERVATION, and counts it', async () => {
    const server = await start({});
    const call = connect(server.address).createOrderStream();
    const outcome = collectStream(call);
    let reservationId: string | undefined;
    call.on('data', (response: CreateOrderResponse) => {
      if (response.status !== 'RESERVED') return;
      reservationId = response.reservation_id!;
      call.write(confirmRequest('c-1', reservationId));
      call.write(confirmRequest('c-2', reservationId));
      call.write(confirmRequest('c-3', 'res-made-up'));
      call.end();
    });
    call.write(orderRequest('o-1'));

    const { responses, status } = await outcome;

    expect(status.code).toBe(grpc.status.OK);
    const answers = Object.fromEntries(responses.filter((r) => r.request_id.startsWith('c-')).map((r) => [r.request_id, r]));
    expect(answers['c-1']).toMatchObject({ status: 'CONFIRMED', reservation_id: reservationId });
    expect(answers['c-2']).toMatchObject({ status: 'INVALID_RESERVATION', reservation_id: reservationId });
    expect(answers['c-2']!.error).toContain(`no reservation "${reservationId}"`);
    expect(answers['c-3']).toMatchObject({ status: 'INVALID_RESERVATION', reservation_id: 'res-made-up' });
    expect(server.counters.snapshot()).toMatchObject({ confirmsValid: 1, confirmsInvalid: 2, responsesByStatus: { ACCEPTED: 1, RESERVED: 1, CONFIRMED: 1, INVALID_RESERVATION: 2 } });
  });

  it('pushes STOCK_UPDATE messages nobody asked for, counted alike on both sides and never answering a request', async () => {
    const server = await start({ pushRatePerSec: 500 });

    const outcome = await runReservationStream(connect(server.address), { orders: 3, prefix: 'p', pushesBeforeEnd: 5 });

    expect(outcome.status.code).toBe(grpc.status.OK);
    const pushes = outcome.responses.filter((r) => r.status === 'STOCK_UPDATE');
    expect(pushes.length).toBeGreaterThanOrEqual(5);
    expect(pushes.every((p) => p.request_id === '' && p.stock?.sku_id === 'sku-1' && typeof p.stock.available === 'number')).toBe(true);
    const counters = server.counters.snapshot();
    expect(counters.pushesSent).toBe(pushes.length);
    expect(counters.responsesByStatus['STOCK_UPDATE']).toBe(pushes.length);
    expect(counters.messagesSent).toBe(outcome.responses.length);
    expect(outcome.byStatus).toMatchObject({ ACCEPTED: 3, RESERVED: 3, CONFIRMED: 3 });
  });

  it('holds at most a bounded number of reservations per stream and releases them when the stream ends', async () => {
    const server = await start({});
    const orders = MAX_RESERVATIONS_PER_STREAM + 6;

    const outcome = await runReservationStream(connect(server.address), { orders, prefix: 'm', confirm: false });

    expect(outcome.status.code).toBe(grpc.status.OK);
    expect(outcome.byStatus['RESERVED']).toBe(orders);
    expect(server.counters.snapshot()).toMatchObject({ reservationsExpired: 6, reservationsHeld: 0, confirmsValid: 0 });
  });

  it('keeps the echo protocol as the default, and serves the protocol on a canary too', async () => {
    const server = await startOrderServer({ port: 0, canary: { weight: 0, header: { name: 'x-user-group', value: 'testers' }, knobs: { protocol: 'reservation' } } });
    servers.push(server);
    const client = connect(server.address);

    const echoed = await exchange(client, [orderRequest('e-1')]);
    expect(echoed.responses.map((r) => r.status)).toEqual(['CREATED']);
    const metadata = new grpc.Metadata();
    metadata.set('x-user-group', 'testers');
    const canaryCall = client.createOrderStream(metadata);
    const canaryOutcome = collectStream(canaryCall);
    canaryCall.write(orderRequest('k-1'));
    canaryCall.end();
    const { responses } = await canaryOutcome;

    expect(responses.map((r) => [r.status, r.served_by])).toEqual([
      ['ACCEPTED', 'v2'],
      ['RESERVED', 'v2'],
    ]);
    expect(server.canary!.counters.snapshot()).toMatchObject({ ordersReceived: 1, reservationsHeld: 0 });
  });

  it('exports the protocol counters as Prometheus metrics equal to the server counters', async () => {
    const server = await start({ rejectRatio: 0.5, rejectSeed: 3 }, { metricsPort: 0 });

    await runReservationStream(connect(server.address), { orders: 10, prefix: 'x' });
    await exchange(connect(server.address), [confirmRequest('bad', 'res-nope')]);

    const metrics = parsePrometheusText(await (await fetch(server.metricsUrl!)).text());
    const value = (name: string, labels: Record<string, string> = {}) =>
      metrics.get(name)?.find((sample) => Object.entries(labels).every(([k, v]) => sample.labels[k] === v))?.value;
    const counters = server.counters.snapshot();
    expect(value('order_service_orders_total')).toBe(10);
    for (const status of ['ACCEPTED', 'RESERVED', 'CONFIRMED', 'REJECTED', 'INVALID_RESERVATION']) {
      expect(value('order_service_responses_total', { status }), status).toBe(counters.responsesByStatus[status]);
    }
    expect(value('order_service_confirms_total', { valid: 'true' })).toBe(10);
    expect(value('order_service_confirms_total', { valid: 'false' })).toBe(1);
    expect(value('order_service_reservations_held')).toBe(0);
  });
});
