import fc from 'fast-check';
import { constants } from 'node:http2';
import { describe, expect, it } from 'vitest';
import { binaryHeaderValue, isBase64 } from '../../src/grpc/binary-metadata.js';
import { frameMessage, GrpcFrameDecoder, type GrpcMessageSink } from '../../src/driver/grpc-frame-decoder.js';
import { percentDecode, statusFromHeaders, statusFromHttpStatus, statusFromResetCode } from '../../src/driver/grpc-status-from-headers.js';
import { metadataHeaders } from '../../src/driver/http2-transport.js';
import { loadBidiMethod } from '../../src/driver/load-method.js';
import { createResponseFieldReader, FIELD_SET, type ResponseFieldReader, type ResponseFields } from '../../src/driver/response-field-reader.js';
import { statusName } from '../../src/grpc/status-names.js';
import { ORDER_PROTO_PATH } from '../../src/target/order-proto-path.js';

class Collect implements GrpcMessageSink {
  messages: Array<{ payload: string | undefined; compressed: boolean }> = [];
  errors: string[] = [];
  onMessage(payload: Buffer | undefined, compressed: boolean, start: number, end: number): void {
    this.messages.push({ payload: payload?.subarray(start, end).toString('hex'), compressed });
  }
  onFrameError(reason: string): void {
    this.errors.push(reason);
  }
  onMessageTooLarge(lengthBytes: number, maxBytes: number): void {
    this.errors.push(`too large: ${lengthBytes} > ${maxBytes}`);
  }
}

/** Cuts `bytes` at the given offsets (sorted, deduplicated, within range). */
function cut(bytes: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let last = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(last, point));
    last = point;
  }
  chunks.push(bytes.subarray(last));
  return chunks;
}

describe('GrpcFrameDecoder', () => {
  const payloads = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 });

  it('yields the same messages however the byte stream is cut into chunks', () => {
    fc.assert(
      fc.property(payloads, fc.array(fc.nat(), { maxLength: 20 }), (messages, cuts) => {
        const wire = Buffer.concat(messages.map((m) => frameMessage(m)));
        const sink = new Collect();
        const decoder = new GrpcFrameDecoder(sink, true);
        for (const chunk of cut(wire, cuts)) decoder.push(chunk);
        expect(sink.messages.map((m) => m.payload)).toEqual(messages.map((m) => Buffer.from(m).toString('hex')));
        expect(sink.errors).toEqual([]);
        expect(decoder.midMessage).toBe(false);
      }),
    );
  });

  it('byte by byte, counting only: one call per message, no payload', () => {
    const wire = Buffer.concat([frameMessage(Buffer.from('abc')), frameMessage(Buffer.alloc(0)), frameMessage(Buffer.alloc(70_000, 7))]);
    const sink = new Collect();
    const decoder = new GrpcFrameDecoder(sink, false);
    for (let i = 0; i < wire.length; i++) decoder.push(wire.subarray(i, i + 1));
    expect(sink.messages).toEqual([
      { payload: undefined, compressed: false },
      { payload: undefined, compressed: false },
      { payload: undefined, compressed: false },
    ]);
  });

  it('knows when the stream stopped inside a message', () => {
    const decoder = new GrpcFrameDecoder(new Collect(), true);
    decoder.push(frameMessage(Buffer.from('hello')).subarray(0, 7));
    expect(decoder.midMessage).toBe(true);
  });

  it('stops at a message announced larger than the limit, before reading its bytes; one at the limit passes', () => {
    const sink = new Collect();
    const decoder = new GrpcFrameDecoder(sink, true, 4);
    decoder.push(Buffer.concat([frameMessage(Buffer.from('abcd')), frameMessage(Buffer.from('abcde')), frameMessage(Buffer.from('x'))]).subarray(0, 15));
    expect(sink.messages).toEqual([{ payload: Buffer.from('abcd').toString('hex'), compressed: false }]);
    expect(sink.errors).toEqual(['too large: 5 > 4']);
  });

  it('reports the compressed flag, and rejects a flag that is neither 0 nor 1', () => {
    const sink = new Collect();
    const decoder = new GrpcFrameDecoder(sink, true);
    decoder.push(Buffer.from([1, 0, 0, 0, 1, 0xaa, 2, 0, 0, 0, 0]));
    expect(sink.messages).toEqual([{ payload: 'aa', compressed: true }]);
    expect(sink.errors).toEqual(['invalid message prefix: compressed flag 2']);
  });
});

describe('gRPC status from HTTP/2', () => {
  it('percent-decodes grpc-message as UTF-8 and keeps malformed escapes', () => {
    expect(percentDecode('stock 100%25 gone %E2%80%94 Lager leer %E2%9C%93')).toBe('stock 100% gone — Lager leer ✓');
    expect(percentDecode('50%')).toBe('50%');
    expect(percentDecode('%zz')).toBe('%zz');
    expect(percentDecode('plain')).toBe('plain');
  });

  it('reads grpc-status and grpc-message from trailers or a trailers-only response', () => {
    expect(statusFromHeaders({ 'grpc-status': '5', 'grpc-message': 'nope' })).toEqual({ code: 5, details: 'nope' });
    expect(statusFromHeaders({ 'grpc-status': '0' })).toEqual({ code: 0, details: '' });
    expect(statusFromHeaders({ 'content-type': 'application/grpc' })).toBeUndefined();
    expect(statusName(statusFromHeaders({ 'grpc-status': 'x' })!.code)).toBe('UNKNOWN');
  });

  it.each([
    [400, 'INTERNAL'],
    [401, 'UNAUTHENTICATED'],
    [403, 'PERMISSION_DENIED'],
    [404, 'UNIMPLEMENTED'],
    [429, 'UNAVAILABLE'],
    [502, 'UNAVAILABLE'],
    [503, 'UNAVAILABLE'],
    [504, 'UNAVAILABLE'],
    [500, 'UNKNOWN'],
    [302, 'UNKNOWN'],
  ])('HTTP %i without grpc-status → %s', (httpStatus, name) => {
    expect(statusName(statusFromHttpStatus(httpStatus).code)).toBe(name);
  });

  it.each([
    [constants.NGHTTP2_NO_ERROR, 'INTERNAL'],
    [constants.NGHTTP2_PROTOCOL_ERROR, 'INTERNAL'],
    [constants.NGHTTP2_INTERNAL_ERROR, 'INTERNAL'],
    [constants.NGHTTP2_FLOW_CONTROL_ERROR, 'INTERNAL'],
    [constants.NGHTTP2_REFUSED_STREAM, 'UNAVAILABLE'],
    [constants.NGHTTP2_CANCEL, 'CANCELLED'],
    [constants.NGHTTP2_ENHANCE_YOUR_CALM, 'RESOURCE_EXHAUSTED'],
    [constants.NGHTTP2_INADEQUATE_SECURITY, 'PERMISSION_DENIED'],
  ])('RST_STREAM code %i → %s', (code, name) => {
    expect(statusName(statusFromResetCode(code).code)).toBe(name);
  });
});

describe('metadata as request headers', () => {
  it('lower-cases keys, sends "-bin" values as unpadded base64 of their bytes', () => {
    const bytes = Buffer.from([0, 1, 0xfe, 0xff]);
    expect(metadataHeaders({ 'X-Tenant': 'acme', 'trace-bin': bytes.toString('base64') })).toEqual({ 'x-tenant': 'acme', 'trace-bin': 'AAH+/w' });
    expect(binaryHeaderValue('AAH-_w')).toBe('AAH+/w');
  });

  it('rejects keys gRPC does not allow', () => {
    expect(() => metadataHeaders({ ':path': '/x' })).toThrow(/metadata key/);
  });

  it('tells base64 from other text', () => {
    expect(isBase64('AAH+/w==')).toBe(true);
    expect(isBase64('AAH-_w')).toBe(true);
    expect(isBase64('not base64!')).toBe(false);
    expect(isBase64('A')).toBe(false);
  });
});

describe('response field reader', () => {
  const method = loadBidiMethod(ORDER_PROTO_PATH, [], 'pb.OrderService/CreateOrderStream');
  const serialize = method.definition.responseSerialize as (value: object) => Buffer;
  const deserialize = method.definition.responseDeserialize as (bytes: Buffer) => Record<string, unknown>;
  const response = fc.record(
    // Long order ids: lengths of 128 bytes and more take two varint bytes.
    { request_id: fc.string(), order_id: fc.string({ maxLength: 200 }), status: fc.string(), served_by: fc.string({ unit: 'grapheme' }) },
    { requiredKeys: [] },
  );

  /** Bytes around the message, as in a received chunk holding other messages: the reader keeps to its own. */
  const around = fc.tuple(fc.uint8Array({ maxLength: 20 }), fc.uint8Array({ maxLength: 20 }));
  const inChunk = (bytes: Buffer, [before, after]: [Uint8Array, Uint8Array]): [Buffer, number, number] => [Buffer.concat([before, bytes, after]), before.length, before.length + bytes.length];
  /** What `reader` makes of `value` encoded inside a chunk, beside a full decode of it. */
  const readInChunk = (reader: ResponseFieldReader, value: Record<string, unknown>, padding: [Uint8Array, Uint8Array]): { out: ResponseFields; full: Record<string, unknown> } => {
    const bytes = serialize(value);
    const out: ResponseFields = { key: undefined, label: undefined };
    const [chunk, start, end] = inChunk(bytes, padding);
    reader(chunk, out, start, end);
    return { out, full: deserialize(bytes) };
  };

  it('reads correlation and split fields exactly as a full decode does', () => {
    const reader = createResponseFieldReader(method, 'request_id', 'served_by');
    fc.assert(
      fc.property(response, around, (value, padding) => {
        const { out, full } = readInChunk(reader, value, padding);
        expect(out).toEqual({ key: String(full['request_id']), label: String(full['served_by'] ?? '') });
      }),
    );
  });

  it('reads the string fields a flow names exactly as a full decode does, without decoding the rest', () => {
    const reader = createResponseFieldReader(method, 'request_id', undefined, { fields: ['status', 'order_id'], presenceOnly: [] });
    fc.assert(
      fc.property(response, around, (value, padding) => {
        const { out, full } = readInChunk(reader, value, padding);
        const picked = Object.fromEntries(['status', 'order_id', 'request_id'].filter((name) => full[name] !== undefined).map((name) => [name, full[name]]));
        expect(out.response).toEqual(picked);
        expect(out.key).toBe(String(full['request_id']));
      }),
    );
  });

  it('notes a presence-only field as set or not without its text, and reads the others as text', () => {
    const reader = createResponseFieldReader(method, 'request_id', undefined, { fields: ['order_id', 'status', 'request_id'], presenceOnly: ['order_id', 'request_id'] });
    fc.assert(
      fc.property(response, around, (value, padding) => {
        const { out, full } = readInChunk(reader, value, padding);
        // Set exactly when a full decode has a non-empty value; the correlation field stays text.
        expect(out.response?.['order_id'] === FIELD_SET).toBe(full['order_id'] !== undefined && full['order_id'] !== '');
        expect(out.response?.['status']).toBe(full['status']);
        expect(out.response?.['request_id']).toBe(full['request_id']);
        expect(out.key).toBe(String(full['request_id']));
      }),
    );
  });

  it('decodes the whole response for a flow naming a nested field', () => {
    const out: ResponseFields = { key: undefined, label: undefined };
    const bytes = serialize({ status: 'STOCK_UPDATE', stock: { sku_id: 's_1', available: 3 } });
    // A chunk with other bytes around the message: the full decode gets just the message.
    const [chunk, start, end] = inChunk(bytes, [Buffer.from([10, 1, 65]), Buffer.from([0xff])]);
    createResponseFieldReader(method, undefined, undefined, { fields: ['status', 'stock.sku_id'], presenceOnly: [] })(chunk, out, start, end);
    expect(out.response).toEqual(deserialize(bytes));
  });

  it('reads only what is asked for', () => {
    const out: ResponseFields = { key: 'stale', label: 'stale' };
    const bytes = serialize({ request_id: 'r', served_by: 'v2' });
    createResponseFieldReader(method, undefined, 'served_by')(bytes, out, 0, bytes.length);
    expect(out).toEqual({ key: undefined, label: 'v2' });
  });
});
