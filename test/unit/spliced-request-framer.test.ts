import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { frameMessage } from '../../src/driver/grpc-frame-decoder.js';
import { loadBidiMethod, type BidiMethod } from '../../src/driver/load-method.js';
import { createSplicedRequestEncoder, createSplicedRequestFramer } from '../../src/driver/spliced-request-framer.js';
import { compileMessageTemplate, type TemplateContext } from '../../src/scenario/compile-message-template.js';
import { ORDER_PROTO_PATH } from '../../src/target/order-proto-path.js';

const SPLICE_PROTO = fileURLToPath(new URL('../fixtures/splice.proto', import.meta.url));
const envelope = loadBidiMethod(SPLICE_PROTO, [], 'splice.SpliceService/Talk');
const order = loadBidiMethod(ORDER_PROTO_PATH, [], 'pb.OrderService/CreateOrderStream');

type Message = Record<string, unknown>;
const serializerOf = (method: BidiMethod) => method.definition.requestSerialize as (value: Message) => Uint8Array;

/** The framer for `data`, and what the full encoder gives for the same message. */
function framers(method: BidiMethod, data: Message, correlateBy?: string) {
  const template = compileMessageTemplate(data, correlateBy);
  const serialize = serializerOf(method);
  return {
    template,
    spliced: createSplicedRequestFramer(template, serialize),
    full: (message: Message) => frameMessage(serialize(message)),
    /** The payload-only variant (for grpc-js) and what it must equal. */
    encoder: createSplicedRequestEncoder(template, serialize),
    payload: (message: Message) => Buffer.from(serialize(message)),
  };
}

const context = fc.record<TemplateContext>({
  workerId: fc.nat({ max: 64 }),
  streamId: fc.nat(),
  messageIndex: fc.oneof(fc.nat({ max: 200 }), fc.nat()),
});

/** Literal text: any Unicode (lone surrogates included) except the template braces. */
const literal = fc
  .oneof(
    fc.string({ maxLength: 12, unit: 'binary' }),
    fc.string({ maxLength: 200 }),
    fc.string({ maxLength: 8, unit: fc.constantFrom('a', '\u00e9', '\u20ac', '\ud800', '\udc00', '\ud83d', '\ude00') }),
  )
  .filter((s) => !s.includes('{') && !s.includes('}'));
const tag = fc.constantFrom('{{requestId}}', '{{uuid}}', '{{streamId}}', '{{messageIndex}}', '{{workerId}}', '{{timestamp}}', '{{randomInt -5 300}}', '{{randomString 3}}', '{{randomString 200}}', '{{ requestId }}');
const templated = fc.oneof(tag, fc.tuple(literal, tag, literal, fc.option(tag)).map(([a, t, b, u]) => `${a}${t}${b}${u ?? ''}`));
const text = fc.oneof(literal, templated);

/** Object with its keys in a random order (protobufjs writes by field number regardless). */
function shuffledRecord<T extends Message>(shape: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<Message> {
  return fc.tuple(fc.record(shape, { requiredKeys: [] }), fc.nat()).map(([value, seed]) => {
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = (seed + i * 7919) % (i + 1);
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    return Object.fromEntries(entries);
  });
}

/** Templates only in string fields (at any depth, in repeated strings and repeated messages): always spliceable. */
const leaf = shuffledRecord({ label: text, weight: fc.integer({ min: -1000, max: 1000 }), tags: fc.array(text, { maxLength: 3 }) });
const branch = shuffledRecord({ name: text, leaf, leaves: fc.array(leaf, { maxLength: 3 }) });
const staticParts = {
  seq: fc.oneof(fc.constant('12345678901234'), fc.integer()),
  blob: fc.constant('aGVsbG8='),
  kind: fc.constantFrom('KIND_A', 'KIND_B'),
  attrs: fc.dictionary(fc.string({ maxLength: 4 }).filter((s) => !s.includes('{') && !s.includes('}')), literal, { maxKeys: 3 }),
  ratio: fc.double({ noNaN: true }),
  flag: fc.boolean(),
  counts: fc.array(fc.integer(), { maxLength: 4 }),
};
const spliceable = fc.oneof(
  shuffledRecord({ id: text, branch, branches: fc.array(branch, { maxLength: 3 }), notes: fc.array(text, { maxLength: 4 }), text, far_field: text, wide: text, ...staticParts }),
  shuffledRecord({ id: text, picked: leaf, far_field: text, ...staticParts }),
);

describe('createSplicedRequestFramer', () => {
  it('gives the bytes protobufjs gives, for templates in string fields at any depth', () => {
    fc.assert(
      fc.property(spliceable, fc.array(context, { minLength: 1, maxLength: 4 }), (data, contexts) => {
        const { template, spliced, full, encoder, payload } = framers(envelope, data);
        if (template.isStatic) {
          expect(spliced).toBeUndefined();
          return;
        }
        expect(spliced).toBeDefined();
        expect(encoder).toBeDefined();
        for (const c of contexts) {
          const message = template.build(c);
          expect(spliced!(message).toString('hex')).toBe(full(message).toString('hex'));
          expect(encoder!(message).toString('hex')).toBe(payload(message).toString('hex'));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('gives the same bytes for the bench request and a correlated request', () => {
    for (const [data, correlateBy] of [
      [{ request_id: '{{requestId}}', user_id: 'u_123', items: [{ sku_id: 's_001', count: 1 }] }, undefined],
      [{ user_id: 'u-{{streamId}}', items: [{ sku_id: '{{uuid}}', count: 3 }, { sku_id: 'plain', count: 0 }] }, 'request_id'],
    ] as const) {
      const { template, spliced, full } = framers(order, data, correlateBy);
      expect(spliced).toBeDefined();
      for (const messageIndex of [0, 1, 127, 128, 16_384, 2 ** 31]) {
        const message = template.build({ workerId: 1, streamId: 42, messageIndex });
        expect(spliced!(message).equals(full(message))).toBe(true);
      }
    }
  });

  it('handles long strings whose lengths need multi-byte varints in nested messages', () => {
    const { template, spliced, full } = framers(envelope, { branch: { name: '{{randomString 20000}}', leaf: { label: '\u00e9{{randomString 130}}\ud83d\ude00' } } });
    expect(spliced).toBeDefined();
    const message = template.build({ workerId: 0, streamId: 0, messageIndex: 0 });
    expect(spliced!(message).equals(full(message))).toBe(true);
  });

  it('is not created for templates it cannot splice: the caller then encodes in full', () => {
    const unsupported: Message[] = [
      { seq: '{{messageIndex}}' },
      { counts: [1, '{{randomInt 1 5}}'] },
      { attrs: { a: '{{requestId}}' } },
      { blob: '{{requestId}}' },
      { branch: { leaf: { weight: '{{randomInt 1 5}}' } } },
      { kind: '{{requestId}}' },
      { id: '{{requestId}}', ratio: '{{timestamp}}' },
    ];
    for (const data of unsupported) expect(framers(envelope, data).spliced, JSON.stringify(data)).toBeUndefined();
    expect(framers(envelope, { id: 'static' }).spliced).toBeUndefined();
  });
});
