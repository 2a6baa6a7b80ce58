import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { TYPED_CALL, TYPED_PROTO_PATH } from '../helpers/typed-proto.js';
import { startTypedServer, type TypedServerHandle } from '../helpers/typed-server.js';

/**
 * A run of each transport with request data in ProtoJSON forms (a Timestamp with an offset,
 * 64-bit integers past 2^53, URL-safe base64, an Any, a Struct and a bool-keyed map,
 * templates in a string and a number field): the server must decode exactly the values that
 * were meant, whether the method came from the .proto or from server reflection (whose
 * descriptor-built types take maps as entry lists).
 */

const servers: TypedServerHandle[] = [];

afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

const DATA = {
  requestId: '{{requestId}}',
  big: '-9007199254740993',
  ubig: 18446744073709551615n.toString(),
  at: '2024-02-29T12:00:00.25+02:00',
  ttl: '-1.5s',
  blob: '-_8',
  colour: 'GREEN',
  items: [{ skuId: 's-{{streamId}}', count: '{{randomInt 3 3}}' }],
  maybeBig: '5',
  attributes: { k: 'v' },
  extra: { '@type': 'type.googleapis.com/typed.Item', skuId: 'inside', count: 7 },
  byFlag: { false: { count: 2 } },
};

describe.each([
  ['grpc-js', 'the .proto'],
  ['http2', 'the .proto'],
  ['grpc-js', 'server reflection'],
  ['http2', 'server reflection'],
] as const)('request data on the %s transport, the method from %s', (transport, source) => {
  it('reaches the server as the values the JSON forms mean', async () => {
    const reflection = source === 'server reflection';
    const server = await startTypedServer({ reflection });
    servers.push(server);
    const protoSettings = reflection ? {} : { proto: TYPED_PROTO_PATH, importPaths: [dirname(TYPED_PROTO_PATH)] };
    const scenario = loadScenario({
      overrides: { name: `typed-${transport}`, target: server.address, insecure: true, transport, ...protoSettings, call: TYPED_CALL, data: DATA, load: { streams: 2, workers: 1, messages: 6 }, stream: { messages: 3 } },
    });

    const { report } = await runScenario(scenario);

    expect(report.counts.messagesReceived).toBe(6);
    expect(server.received).toHaveLength(6);
    for (const request of server.received) {
      expect(request).toMatchObject({
        big: '-9007199254740993',
        ubig: '18446744073709551615',
        at: { seconds: String(Date.UTC(2024, 1, 29, 10) / 1000), nanos: 250_000_000 },
        ttl: { seconds: '-1', nanos: -500_000_000 },
        colour: 'GREEN',
        maybe_big: { value: '5' },
        attributes: { fields: { k: { stringValue: 'v', kind: 'stringValue' } } },
        extra: { type_url: 'type.googleapis.com/typed.Item' },
        by_flag: { false: {} },
      });
      expect(request['by_flag']).toEqual({ false: { count: 2 } });
      expect([...(request['blob'] as Buffer)]).toEqual([0xfb, 0xff]);
      expect((request['extra'] as { value: Buffer }).value.toString('hex')).toBe(Buffer.from([0x0a, 6, ...Buffer.from('inside'), 0x10, 7]).toString('hex'));
      const [item] = request['items'] as Array<{ sku_id: string; count: number }>;
      expect(item!.count).toBe(3);
      expect(item!.sku_id).toMatch(/^s-\d+$/);
      expect(request['request_id']).toMatch(/^0-\d+-[0-2]$/);
    }
  });
});
