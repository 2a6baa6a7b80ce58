import { ORDER_PROTO_PATH } from '../../src/target/order-proto-path.js';

/** The reservation flow of scenarios/reservation-flow.yaml, as a scenario against `address`. */
export function reservationScenario(address: string, transport: 'grpc-js' | 'http2'): Record<string, unknown> {
  return {
    name: 'reservation',
    target: address,
    insecure: true,
    transport,
    proto: ORDER_PROTO_PATH,
    call: 'pb.OrderService/CreateOrderStream',
    load: { streams: 4, connections: 2, workers: 2, duration: '1s' },
    stream: {
      correlateBy: 'request_id',
      window: 2,
      flow: {
        unsolicited: { status: 'STOCK_UPDATE' },
        steps: [
          { send: 'order', message: { request_id: '{{requestId}}', user_id: 'u_{{streamId}}', items: [{ sku_id: 's_001', count: 1 }] } },
          { await: 'reserved', until: { status: 'RESERVED', reservation_id: { present: true } }, within: '2s', capture: { reservation: 'reservation_id' } },
          { send: 'confirm', message: { request_id: '{{requestId}}', kind: 'CONFIRM', reservation_id: '{{reservation}}' } },
          { await: 'decided', until: { status: ['CONFIRMED', 'REJECTED', 'INVALID_RESERVATION'] }, within: '2s', checks: { confirmed: { status: 'CONFIRMED' } } },
          { pause: '5ms' },
        ],
      },
    },
    thresholds: { 'step.decided.count': '>0', 'step.reserved.p99': '<60s', 'checks.confirmed.fails': '==0' },
  };
}
