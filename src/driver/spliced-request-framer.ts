import type { CompiledMessage, TemplateContext } from '../scenario/compile-message-template.js';
import { frameMessage } from './grpc-frame-decoder.js';
import { utf8Length, varintSize, writeVarint } from './protobuf-wire-bytes.js';
import { learnRequestLayout, type Part } from './spliced-request-layout.js';

/**
 * Frames templated requests without protobufjs on the hot path. The template's static fields
 * are encoded once (by the method's own serializer); per message only the templated string
 * fields are written, with the length varints of every enclosing message recomputed. The
 * layout (spliced-request-layout.ts) is checked against the serializer before use: when the
 * template holds anything else templated (a number field, a map, bytes…) there is no spliced
 * framer and the caller encodes each message in full.
 */

type Message = Record<string, unknown>;
type Serialize = (value: Message) => Uint8Array;
export type RequestFramer = (message: Message) => Buffer;

/** The gRPC message prefix: compressed flag and big-endian length. */
const PREFIX_BYTES = 5;
/** ASCII strings up to this length are copied by a loop; longer ones by Buffer#write. */
const SHORT_STRING = 48;

/** The value a part reads from the message level it belongs to. */
function valueOf(level: Message, part: { key: string; index: number }): unknown {
  const value = level[part.key];
  return part.index < 0 ? value : (value as unknown[])[part.index];
}

function copyInto(target: Buffer, offset: number, bytes: Buffer): number {
  const length = bytes.length;
  if (length <= 16) for (let i = 0; i < length; i++) target[offset + i] = bytes[i]!;
  else target.set(bytes, offset);
  return offset + length;
}

/**
 * Writes messages in two passes over the parts: sizes first (every enclosing length is
 * known before it is written), then bytes into one buffer of the exact size. What the first
 * pass works out per templated field is kept in slots, in visiting order, for the second.
 */
class SplicedFramer {
  private readonly texts: string[] = [];
  /** UTF-8 length of a string slot (-1: encoded by protobufjs), or a message slot's content length. */
  private readonly sizes: number[] = [];
  private readonly alone: (Buffer | undefined)[] = [];
  private slot = 0;

  /** `prefixed`: the gRPC prefix goes first (the http2 transport); grpc-js frames payloads itself. */
  constructor(
    private readonly parts: Part[],
    private readonly prefixed: boolean,
  ) {}

  readonly encode = (message: Message): Buffer => {
    this.slot = 0;
    const size = this.measure(message, this.parts);
    const start = this.prefixed ? PREFIX_BYTES : 0;
    const out = Buffer.allocUnsafe(start + size);
    if (this.prefixed) {
      out[0] = 0;
      out.writeUInt32BE(size, 1);
    }
    this.slot = 0;
    this.write(message, this.parts, out, start);
    return out;
  };

  private measure(level: Message, parts: Part[]): number {
    let size = 0;
    for (const part of parts) {
      if (part.kind === 'bytes') {
        size += part.bytes.length;
        continue;
      }
      const slot = this.slot++;
      if (part.kind === 'string') {
        // protobufjs's fromObject turns any value of a string field into String(value).
        const text = String(valueOf(level, part));
        const length = utf8Length(text);
        this.sizes[slot] = length;
        if (length < 0) {
          const record = part.encodeAlone(text);
          this.alone[slot] = record;
          size += record.length;
        } else {
          this.texts[slot] = text;
          size += part.tag.length + varintSize(length) + length;
        }
      } else {
        const inner = this.measure(valueOf(level, part) as Message, part.parts);
        this.sizes[slot] = inner;
        size += part.tag.length + varintSize(inner) + inner;
      }
    }
    return size;
  }

  private write(level: Message, parts: Part[], out: Buffer, offset: number): number {
    for (const part of parts) {
      if (part.kind === 'bytes') {
        offset = copyInto(out, offset, part.bytes);
        continue;
      }
      const slot = this.slot++;
      const size = this.sizes[slot]!;
      if (part.kind === 'string') {
        if (size < 0) {
          offset = copyInto(out, offset, this.alone[slot]!);
          this.alone[slot] = undefined;
          continue;
        }
        offset = writeVarint(out, copyInto(out, offset, part.tag), size);
        const text = this.texts[slot]!;
        if (size === text.length && size <= SHORT_STRING) for (let i = 0; i < size; i++) out[offset + i] = text.charCodeAt(i);
        else out.write(text, offset, size, 'utf8');
        offset += size;
      } else {
        offset = writeVarint(out, copyInto(out, offset, part.tag), size);
        offset = this.write(valueOf(level, part) as Message, part.parts, out, offset);
      }
    }
    return offset;
  }
}

/**
 * Contexts whose renderings are compared with the serializer's before the framer is trusted; in
 * the stream driver's field order, so that the template functions see one object shape.
 */
const CHECK_CONTEXTS: TemplateContext[] = [
  { workerId: 0, streamId: 0, messageIndex: 0, callIndex: 0 },
  { workerId: 7, streamId: 1_234_567, messageIndex: 98_765_432, callIndex: 0 },
  { workerId: 1, streamId: 130, messageIndex: 16_383, callIndex: 0 },
];

function createSpliced(template: CompiledMessage, serialize: Serialize, prefixed: boolean): RequestFramer | undefined {
  if (template.isStatic) return undefined;
  try {
    const encoder = new SplicedFramer(learnRequestLayout(template.data, serialize), prefixed);
    for (const context of CHECK_CONTEXTS) {
      const message = template.build({ ...context });
      const expected = prefixed ? frameMessage(serialize(message)) : Buffer.from(serialize(message));
      if (!encoder.encode(message).equals(expected)) return undefined;
    }
    return encoder.encode;
  } catch {
    // Unsupported, or the serializer rejected a probe: encode every message in full instead.
    return undefined;
  }
}

/**
 * A framer for messages built by `template`, byte for byte what `frameMessage(serialize(m))`
 * gives; undefined when the template has no templated field or one this encoder does not
 * handle. Only messages built by that template may be passed to it.
 */
export function createSplicedRequestFramer(template: CompiledMessage, serialize: Serialize): RequestFramer | undefined {
  return createSpliced(template, serialize, true);
}

/** The same without the gRPC prefix: what `serialize(m)` gives, for grpc-js (which frames itself). */
export function createSplicedRequestEncoder(template: CompiledMessage, serialize: Serialize): RequestFramer | undefined {
  return createSpliced(template, serialize, false);
}
