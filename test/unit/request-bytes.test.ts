import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertRequestData } from '../../src/driver/convert-request-data.js';
import { frameMessage } from '../../src/driver/grpc-frame-decoder.js';
import { createSerializer } from '../../src/driver/grpc-js-transport.js';
import { createFramer } from '../../src/driver/http2-transport.js';
import { compileMessageTemplate, type TemplateContext } from '../../src/scenario/compile-message-template.js';
import { decodeTyped, encodeTyped, loadTypedMethod, loadTypedMethodFromDescriptors } from '../helpers/typed-proto.js';

/**
 * For generated request data in every accepted JSON spelling: the converted data, built into
 * messages by the template compiler, gives the same bytes on the grpc-js path (its request
 * serializer, spliced when it can) and the http2 path (its framer, spliced when it can) as
 * protobufjs's own fromObject + encode of the same message — and types built from reflection
 * descriptors give those bytes too. A decoder then reads the values that were generated.
 */

type Message = Record<string, unknown>;

const method = loadTypedMethod();
const reflected = loadTypedMethodFromDescriptors();

const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/** A 64-bit integer as a decimal string or, when exact, as a number. */
const jsonInt64 = (range: { min: bigint; max: bigint }) =>
  fc.tuple(fc.bigInt(range), fc.boolean()).map(([value, asNumber]) => ({ value, json: asNumber && value >= -(2n ** 53n) && value <= 2n ** 53n ? Number(value) : value.toString() }));

/** Bytes in each base64 spelling ProtoJSON accepts. */
const jsonBytes = fc.tuple(fc.uint8Array({ maxLength: 20 }), fc.constantFrom('standard', 'unpadded', 'url', 'url-unpadded')).map(([bytes, form]) => {
  let text = Buffer.from(bytes).toString('base64');
  if (form.startsWith('url')) text = text.replace(/\+/g, '-').replace(/\//g, '_');
  if (form.endsWith('unpadded')) text = text.replace(/=+$/, '');
  return { value: Buffer.from(bytes).toString('base64'), json: text };
});

const MIN_S = -62_135_596_800;
const MAX_S = 253_402_300_799;

/** A Timestamp as RFC 3339, in UTC or with an offset, with 0 to 9 fractional digits. */
const jsonTimestamp = fc
  .tuple(fc.integer({ min: MIN_S, max: MAX_S }), fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: -23 * 60, max: 23 * 60 }), fc.integer({ min: 0, max: 9 }))
  .map(([seconds, rawNanos, offsetMin, digits]) => {
    const nanos = digits === 0 ? 0 : Math.floor(rawNanos / 10 ** (9 - digits)) * 10 ** (9 - digits);
    const local = seconds + offsetMin * 60;
    const useOffset = local >= MIN_S && local <= MAX_S && offsetMin !== 0;
    const clock = new Date((useOffset ? local : seconds) * 1000).toISOString().slice(0, 19);
    const fraction = digits === 0 ? '' : `.${String(nanos).padStart(9, '0').slice(0, digits)}`;
    const sign = offsetMin < 0 ? '-' : '+';
    const zone = useOffset ? `${sign}${String(Math.floor(Math.abs(offsetMin) / 60)).padStart(2, '0')}:${String(Math.abs(offsetMin) % 60).padStart(2, '0')}` : 'Z';
    return { value: { seconds: String(seconds), nanos }, json: `${clock}${fraction}${zone}` };
  });

/** Text that holds no template braces. */
const literal = fc.string({ maxLength: 12 }).filter((s) => !s.includes('{') && !s.includes('}'));
const tag = fc.constantFrom('{{requestId}}', '{{uuid}}', '{{streamId}}', '{{messageIndex}}', '{{randomString 5}}');
const text = fc.oneof(literal, fc.tuple(literal, tag, literal).map(([a, t, b]) => `${a}${t}${b}`));
const numericTag = fc.constantFrom('{{streamId}}', '{{workerId}}', '{{messageIndex}}', '{{randomInt -5 300}}');

/** Picks the proto name or the lowerCamelCase JSON name for a key. */
const named = (proto: string, camel: string) => fc.constantFrom(proto, camel);

const item = fc.record(
  { sku: fc.tuple(named('sku_id', 'skuId'), text), count: fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), numericTag), tags: fc.array(text, { maxLength: 3 }) },
  { requiredKeys: [] },
).map(({ sku, count, tags }) => ({ ...(sku ? { [sku[0]]: sku[1] } : {}), ...(count === undefined ? {} : { count }), ...(tags ? { tags } : {}) }));

/** One generated request: the data as written, and values a decoder must read back. */
const request = fc
  .record(
    {
      requestId: fc.tuple(named('request_id', 'requestId'), text),
      big: jsonInt64(INT64),
      ubig: jsonInt64({ min: 0n, max: 2n ** 64n - 1n }),
      zigzag: jsonInt64(INT64),
      small: fc.oneof(fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.boolean()).map(([n, asText]) => (asText ? String(n) : n)), numericTag),
      ratio: fc.oneof(fc.float({ noDefaultInfinity: true, noNaN: true }), fc.constantFrom('NaN', 'Infinity', '-Infinity')),
      score: fc.double({ noNaN: true }),
      flag: fc.boolean(),
      blob: jsonBytes,
      colour: fc.constantFrom('RED', 'GREEN', 1, 2, 0),
      item,
      items: fc.array(item, { maxLength: 3 }),
      counts: fc.dictionary(literal, fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxKeys: 3 }),
      namesById: fc.array(fc.tuple(fc.bigInt(INT64), literal), { maxLength: 3 }),
      byFlag: fc.dictionary(fc.constantFrom('true', 'false'), item, { maxKeys: 2 }),
      choice: fc.oneof(fc.record({ text }), fc.record({ picked: item })),
      at: jsonTimestamp,
      ttl: fc.tuple(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 0, max: 999 })).map(([s, ms]) => `${s < 0 ? '-' : ''}${Math.abs(s)}.${String(ms).padStart(3, '0')}s`),
      maybeText: text,
      attributes: fc.dictionary(literal, fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), literal, fc.array(fc.integer(), { maxLength: 2 })), { maxKeys: 3 }),
      mask: fc.constantFrom('skuId', 'item.tags,requestId', ''),
    },
    { requiredKeys: [] },
  )
  .map((parts) => {
    const data: Message = {};
    const expected: Message = {};
    for (const [key, part] of Object.entries(parts) as Array<[string, unknown]>) {
      if (key === 'requestId' || key === 'choice') Object.assign(data, Array.isArray(part) ? { [part[0]]: part[1] } : part);
      else if (key === 'namesById') {
        data[key] = Object.fromEntries((part as Array<[bigint, string]>).map(([id, name]) => [id.toString(), name]));
        expected['names_by_id'] = Object.keys(data[key] as Message).sort();
      } else if (key === 'byFlag') {
        data[key] = part;
        expected['by_flag'] = Object.keys(part as Message).sort();
      }
      else if (part !== null && typeof part === 'object' && 'json' in part) {
        data[key] = (part as { json: unknown }).json;
        if ('value' in part) expected[key] = (part as { value: unknown }).value;
      } else data[key] = part;
    }
    return { data, expected };
  });

const contexts = fc.array(fc.record<TemplateContext>({ workerId: fc.nat({ max: 64 }), streamId: fc.nat(), messageIndex: fc.nat() }), { minLength: 1, maxLength: 3 });

describe('request bytes: grpc-js and http2 paths send what protobufjs encodes', () => {
  it('for generated data in every accepted JSON spelling, templated or not', () => {
    fc.assert(
      fc.property(request, contexts, ({ data, expected }, contextList) => {
        const converted = convertRequestData(method, data);
        const template = compileMessageTemplate(converted);
        const grpcJs = createSerializer({ method, requestTemplate: template });
        const http2 = createFramer(method, template);
        const fromDescriptors = convertRequestData(reflected, data);
        const reflectedTemplate = compileMessageTemplate(fromDescriptors);
        const reflectedHttp2 = createFramer(reflected, reflectedTemplate);
        for (const context of contextList) {
          const message = template.build({ ...context });
          const reference = encodeTyped(message);
          expect(grpcJs(message).toString('hex')).toBe(reference.toString('hex'));
          expect(http2(message).toString('hex')).toBe(frameMessage(reference).toString('hex'));
          if (template.isStatic) {
            // Reflection-built types take maps as entry lists; the bytes must not differ.
            expect(reflectedHttp2(reflectedTemplate.build({ ...context })).toString('hex')).toBe(frameMessage(reference).toString('hex'));
          }
          const decoded = decodeTyped(reference);
          for (const [key, value] of Object.entries(expected)) {
            if (Array.isArray(value)) expect(Object.keys((decoded[key] ?? {}) as Message).sort(), `${key} keys`).toEqual(value);
            else expect(decoded[key], key).toEqual(key === 'at' ? normaliseTimestamp(value as { seconds: string; nanos: number }) : String(value));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** A Timestamp as the decoder gives it: zero parts left out. */
function normaliseTimestamp(value: { seconds: string; nanos: number }): Message {
  return { ...(value.seconds === '0' ? {} : { seconds: value.seconds }), ...(value.nanos === 0 ? {} : { nanos: value.nanos }) };
}
