import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameMessage } from '../../src/driver/grpc-frame-decoder.js';
import { createFramer } from '../../src/driver/http2-transport.js';
import { createSerializer } from '../../src/driver/grpc-js-transport.js';
import { loadBidiMethod } from '../../src/driver/load-method.js';
import { TEMPLATE_INDEX, tagData } from '../../src/driver/template-routed-framer.js';
import { compileMessageTemplate } from '../../src/scenario/compile-message-template.js';
import { ORDER_PROTO_PATH } from '../../src/target/order-proto-path.js';

describe("a flow's sends, each spliced by its own template", () => {
  const method = loadBidiMethod(ORDER_PROTO_PATH, [], 'pb.OrderService/CreateOrderStream');
  const serialize = method.definition.requestSerialize as (value: object) => Buffer;
  const variables = new Set(['reservation']);
  const templates = [
    compileMessageTemplate(tagData({ user_id: 'u_{{streamId}}', items: [{ sku_id: 's_001', count: 1 }] }, 0), 'request_id', variables),
    compileMessageTemplate(tagData({ kind: 'CONFIRM', reservation_id: '{{reservation}}' }, 1), 'request_id', variables),
    compileMessageTemplate(tagData({ user_id: 'static' }, 2), undefined, variables),
  ];
  const builds = templates.map((template) => template.build);

  it('build every message with its template index, static or not', () => {
    builds.forEach((build, i) => expect((build({ workerId: 1, streamId: 2, messageIndex: 3, variables: { reservation: 'r' } }) as Record<symbol, unknown>)[TEMPLATE_INDEX]).toBe(i));
  });

  it('frame (http2) and encode (grpc-js) every message byte for byte as the serializer does, whichever template built it', () => {
    const frame = createFramer(method, undefined, templates);
    const encode = createSerializer({ method, requestTemplates: templates });
    fc.assert(
      fc.property(fc.nat(2), fc.nat(1000), fc.nat(1000), fc.string(), (which, streamId, messageIndex, reservation) => {
        const message = builds[which]!({ workerId: 1, streamId, messageIndex, variables: { reservation } });
        expect(frame(message)).toEqual(frameMessage(serialize(message)));
        expect(encode(message)).toEqual(serialize(message));
      }),
    );
  });

  it.each([0, 2])('frame and encode the messages of a flow with one template (templated, static) byte for byte, unrouted', (which) => {
    const one = [templates[which]!];
    const frame = createFramer(method, undefined, one);
    const encode = createSerializer({ method, requestTemplates: one });
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), (streamId, messageIndex) => {
        const message = builds[which]!({ workerId: 1, streamId, messageIndex, variables: { reservation: 'r' } });
        expect(frame(message)).toEqual(frameMessage(serialize(message)));
        expect(encode(message)).toEqual(serialize(message));
      }),
    );
  });
});
