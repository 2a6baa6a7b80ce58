import { hasTemplate } from '../scenario/compile-message-template.js';
import { LENGTH_DELIMITED, readVarint } from './protobuf-wire-bytes.js';

/**
 * Learns how a request template encodes, by probing the method's own serializer: the static
 * fields as bytes (encoded once), the templated string fields as keys to write per message,
 * and embedded messages holding templated fields as keys whose length is recomputed per
 * message — all in the order protobufjs writes fields (by number). Anything else templated
 * is Unsupported.
 */

type Message = Record<string, unknown>;
type Serialize = (value: Message) => Uint8Array;

/** One piece of a message's encoding, in the order protobufjs writes fields (by number). */
export type Part =
  | { kind: 'bytes'; bytes: Buffer }
  /** A templated string field (`index` -1) or element of a repeated string field. */
  | { kind: 'string'; key: string; index: number; tag: Buffer; encodeAlone: (text: string) => Buffer }
  /** An embedded message (or repeated-message element) that holds templated fields. */
  | { kind: 'message'; key: string; index: number; tag: Buffer; parts: Part[] };

/** The template holds a templated value this layout cannot splice. */
export class Unsupported extends Error {}

function unsupported(why: string): never {
  throw new Unsupported(why);
}

/** Strips `depth` enclosing length-delimited headers from an encoding of a nested field. */
function unwrap(bytes: Uint8Array, depth: number): Buffer {
  let view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let d = 0; d < depth; d++) {
    const key = readVarint(view, 0);
    if (!key || key[0] % 8 !== LENGTH_DELIMITED) unsupported('an enclosing field is not length-delimited');
    const length = readVarint(view, key[1]);
    if (!length || length[1] + length[0] !== view.length) unsupported('an enclosing field has an unexpected length');
    view = view.subarray(length[1]);
  }
  return Buffer.from(view);
}

/** The key varint of a length-delimited field, checked to be exactly one such varint. */
function asTag(bytes: Buffer): Buffer {
  const key = readVarint(bytes, 0);
  if (!key || key[1] !== bytes.length || key[0] % 8 !== LENGTH_DELIMITED) unsupported('not a length-delimited field');
  return bytes;
}

function fieldNumberOf(record: Buffer): number {
  const key = readVarint(record, 0) ?? unsupported('unreadable field key');
  return Math.floor(key[0] / 8);
}

/** The field's key when it encodes a string value as a string field does; otherwise unsupported. */
function stringTag(encode: (value: unknown) => Buffer): Buffer {
  let tag: Buffer | undefined;
  for (const probe of ['x', 'yz~\u00e9\u20ac']) {
    const record = encode(probe);
    const body = Buffer.from(probe, 'utf8');
    const tagLength = record.length - 1 - body.length;
    if (tagLength < 1 || record[tagLength] !== body.length || !record.subarray(tagLength + 1).equals(body)) unsupported('not a string field');
    const candidate = asTag(record.subarray(0, tagLength));
    if (tag && !tag.equals(candidate)) unsupported('inconsistent string field key');
    tag = candidate;
  }
  return Buffer.from(tag!);
}

/** The field's key when an empty object encodes as an empty embedded message; otherwise unsupported. */
function messageTag(encode: (value: unknown) => Buffer): Buffer {
  const record = encode({});
  if (record.length < 2 || record[record.length - 1] !== 0) unsupported('not a message field');
  return Buffer.from(asTag(record.subarray(0, record.length - 1)));
}

function isPlainObject(value: unknown): value is Message {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Whether building the message rewrites this value (the template compiler's own test). */
function isTemplated(value: unknown): boolean {
  if (typeof value === 'string') return hasTemplate(value);
  if (Array.isArray(value)) return value.some(isTemplated);
  if (isPlainObject(value)) return Object.values(value).some(isTemplated);
  return false;
}

interface FieldParts {
  number: number;
  parts: Part[];
}

/**
 * The parts of one message level. `wrap` places a level-sized object where this level sits
 * in the request; its encoding carries `depth` headers that `unwrap` strips.
 */
function compileLevel(data: Message, serialize: Serialize, wrap: (level: Message) => Message, depth: number): Part[] {
  const fields: FieldParts[] = [];
  for (const [key, value] of Object.entries(data)) {
    const encodeField = (fieldValue: unknown): Buffer => unwrap(serialize(wrap({ [key]: fieldValue })), depth);
    if (!isTemplated(value)) {
      const record = encodeField(value);
      if (record.length > 0) fields.push({ number: fieldNumberOf(record), parts: [{ kind: 'bytes', bytes: record }] });
    } else if (typeof value === 'string') {
      const tag = stringTag(encodeField);
      fields.push({ number: fieldNumberOf(tag), parts: [{ kind: 'string', key, index: -1, tag, encodeAlone: encodeField }] });
    } else if (Array.isArray(value)) {
      // Repeated strings and messages are one record per element (never packed), so elements splice independently.
      const encodeElement = (element: unknown): Buffer => encodeField([element]);
      let number = -1;
      const parts = value.map((element, index): Part => {
        if (!isTemplated(element)) return { kind: 'bytes', bytes: encodeElement(element) };
        let part: Part;
        if (typeof element === 'string') part = { kind: 'string', key, index, tag: stringTag(encodeElement), encodeAlone: encodeElement };
        else if (isPlainObject(element)) {
          part = { kind: 'message', key, index, tag: messageTag(encodeElement), parts: compileLevel(element, serialize, (level) => wrap({ [key]: [level] }), depth + 1) };
        } else unsupported('a templated element of an unsupported kind');
        number = fieldNumberOf(part.tag);
        return part;
      });
      fields.push({ number, parts });
    } else if (isPlainObject(value)) {
      const tag = messageTag(encodeField);
      const parts = compileLevel(value, serialize, (level) => wrap({ [key]: level }), depth + 1);
      fields.push({ number: fieldNumberOf(tag), parts: [{ kind: 'message', key, index: -1, tag, parts }] });
    } else unsupported('a templated value of an unsupported kind');
  }
  // protobufjs writes fields by ascending number, whatever the order of the keys.
  fields.sort((a, b) => a.number - b.number);
  if (fields.some((f, i) => i > 0 && f.number === fields[i - 1]!.number)) unsupported('two keys for one field');
  return mergeBytes(fields.flatMap((f) => f.parts));
}

/** Adjacent static pieces become one copy. */
function mergeBytes(parts: Part[]): Part[] {
  const merged: Part[] = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if (part.kind === 'bytes' && last?.kind === 'bytes') last.bytes = Buffer.concat([last.bytes, part.bytes]);
    else if (part.kind === 'bytes') merged.push({ kind: 'bytes', bytes: part.bytes });
    else merged.push(part);
  }
  return merged.filter((p) => p.kind !== 'bytes' || p.bytes.length > 0);
}

/** The parts of a whole request built from `data`; throws Unsupported (or the serializer's error). */
export function learnRequestLayout(data: Message, serialize: Serialize): Part[] {
  return compileLevel(data, serialize, (level) => level, 0);
}
