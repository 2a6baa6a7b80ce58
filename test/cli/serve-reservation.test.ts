import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { scrapeMetric, startServeChild, type ServeChild } from '../helpers/cli-process.js';
import { openOrderClient, type OrderClient } from '../helpers/order-client.js';
import { runReservationStream } from '../helpers/reservation-client.js';

const children: ServeChild[] = [];
const clients: OrderClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(children.splice(0).map((child) => child.stop()));
});

describe('grpc-bench serve --protocol reservation', () => {
  it('serves the protocol from its flags, on the stable version and the canary alike, with the counts in /metrics', async () => {
    const child = await startServeChild([
      '--protocol', 'reservation', '--stage-delays', '1ms,2ms,1ms', '--reject-ratio', '1', '--push-rate', '200', '--metrics-port', '0',
      '--canary', '--canary-header', 'x-user-group=testers', '--canary-protocol', 'reservation', '--canary-reject-ratio', '0',
    ]);
    children.push(child);
    expect(child.readyLine).toContain('(reservation protocol: v1, v2)');
    const client = openOrderClient(child.address);
    clients.push(client);
    const toCanary = new grpc.Metadata();
    toCanary.set('x-user-group', 'testers');

    const [stable, canary] = await Promise.all([
      runReservationStream(client, { orders: 4, prefix: 's', pushesBeforeEnd: 2 }),
      runReservationStream(client, { orders: 3, prefix: 'c', metadata: toCanary }),
    ]);

    expect(stable.status.code).toBe(grpc.status.OK);
    expect(stable.byStatus).toMatchObject({ ACCEPTED: 4, RESERVED: 4, REJECTED: 4 });
    expect(stable.responses.filter((r) => r.status !== 'STOCK_UPDATE').every((r) => r.served_by === 'v1')).toBe(true);
    expect(canary.byStatus).toMatchObject({ ACCEPTED: 3, RESERVED: 3, CONFIRMED: 3 });
    expect(canary.responses.every((r) => r.served_by === 'v2')).toBe(true);
    const metricsUrl = child.metricsUrl!;
    expect(await scrapeMetric(metricsUrl, 'order_service_orders_total')).toBe(7);
    expect(await scrapeMetric(metricsUrl, 'order_service_responses_total', 'status="REJECTED"')).toBe(4);
    expect(await scrapeMetric(metricsUrl, 'order_service_responses_total', 'status="CONFIRMED"')).toBe(3);
    expect(await scrapeMetric(metricsUrl, 'order_service_confirms_total', 'valid="true"')).toBe(7);
    const pushesSeen = (stable.byStatus['STOCK_UPDATE'] ?? 0) + (canary.byStatus['STOCK_UPDATE'] ?? 0);
    expect(pushesSeen).toBeGreaterThanOrEqual(2);
    expect(await scrapeMetric(metricsUrl, 'order_service_pushes_total')).toBe(pushesSeen);
  });
});
