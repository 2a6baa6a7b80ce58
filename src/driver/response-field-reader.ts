import type { BidiMethod } from './load-method.js';
import { readVarint } from './protobuf-wire-bytes.js';

/** Where a reader leaves what it found in one response; one object per stream, reused. */
export interface ResponseFields {
  /** The correlation field as text (String(value), "undefined" when absent). */
  key: string | undefined;
  /** The split field as text ("" when absent). */
  label: string | undefined;
  /** The whole decoded response, when the reader was made `whole` (a flow reads its fields). */
  response?: Record<string, unknown>;
}

/** The response fields a flow reads (dotted paths); `presenceOnly`: those it only tests for presence (never captures or compares with values). */
export interface FlowFields {
  fields: readonly string[];
  presenceOnly: readonly string[];
}

/** What a presence-only field reads as when set: its text is never built. */
export const FIELD_SET = true;

/** Reads the response in bytes `start` to `end` of `payload` (a received chunk may hold more than one). */
export type ResponseFieldReader = (payload: Buffer, out: ResponseFields, start: number, end: number) => void;

interface FieldDescriptor {
  name: string;
  number: number;
  label?: string;
  type?: string;
}

/**
 * Reads the correlation and split fields of an encoded response. `flowFields`: a flow reads
 * these response fields from `out.response` (a presence-only one, when scanned, as FIELD_SET). When every field wanted is a
 * singular top-level string field it scans the wire format for just those (no full decode);
 * otherwise, and for any payload the scan cannot follow, it decodes the whole message as grpc-js would.
 */
export function createResponseFieldReader(method: BidiMethod, correlateBy: string | undefined, splitField: string | undefined, flowFields?: FlowFields): ResponseFieldReader {
  const deserialize = method.definition.responseDeserialize as (bytes: Buffer) => Record<string, unknown>;
  const decodeAll: ResponseFieldReader = (payload, out, start, end) => {
    const response = deserialize(start === 0 && end === payload.length ? payload : payload.subarray(start, end));
    out.key = correlateBy === undefined ? undefined : String(response[correlateBy]);
    out.label = splitField === undefined ? undefined : String(response[splitField] ?? '');
    if (flowFields) out.response = response;
  };
  const fields = ((method.definition.responseType.type as { field?: FieldDescriptor[] }).field ?? []) as FieldDescriptor[];
  const stringField = (name: string | undefined): number | undefined => {
    if (name === undefined) return 0;
    const field = fields.find((f) => f.name === name);
    return field && field.type === 'TYPE_STRING' && field.label !== 'LABEL_REPEATED' ? field.number : undefined;
  };
  if (flowFields) return flowFieldReader(flowFields, correlateBy, splitField, stringField, decodeAll);
  const keyNumber = stringField(correlateBy);
  const labelNumber = stringField(splitField);
  if (keyNumber === undefined || labelNumber === undefined) return decodeAll;
  const wanted = [keyNumber, labelNumber];
  const values: FieldValues = [undefined, undefined];
  return (payload, out, start, end) => {
    if (!scanStrings(payload, start, end, wanted, values, NONE_PRESENCE_ONLY)) {
      decodeAll(payload, out, start, end);
      return;
    }
    // Absent fields read as an absent field decodes: key "undefined", label "".
    // No field is presence-only here: both are text.
    out.key = correlateBy === undefined ? undefined : ((values[0] as string | undefined) ?? 'undefined');
    out.label = splitField === undefined ? undefined : ((values[1] as string | undefined) ?? '');
  };
}

/**
 * A flow's reader: the fields it names (and the correlation and split fields), scanned into a
 * small object when all are singular top-level strings (absent ones left out, as a decode leaves
 * them; a presence-only one as FIELD_SET, "" when empty), else the whole decoded message.
 */
function flowFieldReader(
  flowFields: FlowFields,
  correlateBy: string | undefined,
  splitField: string | undefined,
  stringField: (name: string | undefined) => number | undefined,
  decodeAll: ResponseFieldReader,
): ResponseFieldReader {
  const names = [...new Set([...flowFields.fields, ...(correlateBy === undefined ? [] : [correlateBy]), ...(splitField === undefined ? [] : [splitField])])];
  const wanted = names.map((name) => (name.includes('.') ? undefined : stringField(name)));
  if (wanted.some((number) => number === undefined || number === 0)) return decodeAll;
  const numbers = wanted as number[];
  // The correlation and split fields are used as text, so never presence-only.
  const presenceOnly = names.map((name) => flowFields.presenceOnly.includes(name) && name !== correlateBy && name !== splitField);
  const values: FieldValues = names.map(() => undefined);
  return (payload, out, start, end) => {
    if (!scanStrings(payload, start, end, numbers, values, presenceOnly)) {
      decodeAll(payload, out, start, end);
      return;
    }
    // A new object per response: grpc-js may hold several before emitting them.
    const response: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) if (values[i] !== undefined) response[names[i]!] = values[i];
    out.response = response;
    out.key = correlateBy === undefined ? undefined : String(response[correlateBy]);
    out.label = splitField === undefined ? undefined : String(response[splitField] ?? '');
  };
}

/** The scanned fields' values: text, or FIELD_SET for a presence-only field that is set. */
type FieldValues = Array<string | typeof FIELD_SET | undefined>;
const NONE_PRESENCE_ONLY: readonly boolean[] = [false, false];

/**
 * Protobuf wire scan of bytes `start` to `end` for string fields: `values[i]` gets the last value of field `numbers[i]`
 * (number 0 = not wanted), undefined when absent; where `presenceOnly[i]`, FIELD_SET (or "" when empty) without building the text. False when the bytes are not a message this
 * scan can follow (groups, truncation, a wanted field of another wire type): the caller decodes them fully.
 */
function scanStrings(buf: Buffer, start: number, end: number, numbers: readonly number[], values: FieldValues, presenceOnly: readonly boolean[]): boolean {
  values.fill(undefined);
  let pos = start;
  while (pos < end) {
    // Tag: a varint of at most 5 bytes (field numbers < 2^29); one byte for field numbers below 16.
    let tag = buf[pos]!;
    if (tag < 0x80) pos++;
    else {
      const read = readVarint(buf, pos);
      if (read === undefined || read[1] > end) return false;
      [tag, pos] = read;
    }
    const wireType = tag % 8;
    const number = Math.floor(tag / 8);
    const index = numbers.indexOf(number);
    if (number === 0 || (wireType !== 2 && index >= 0)) return false;
    switch (wireType) {
      case 0:
        for (let i = 0; ; i++) {
          if (pos >= end || i >= 10) return false;
          if ((buf[pos++]! & 0x80) === 0) break;
        }
        break;
      case 1:
        pos += 8;
        break;
      case 5:
        pos += 4;
        break;
      case 2: {
        // One byte for lengths below 128.
        let length = pos < end ? buf[pos]! : 0x80;
        if (length < 0x80) pos++;
        else {
          const read = readVarint(buf, pos);
          if (read === undefined || read[1] > end) return false;
          [length, pos] = read;
        }
        if (pos + length > end) return false;
        if (index >= 0) {
          let text: string | undefined;
          // The same number twice (key and label the same field) fills both.
          for (let i = index; i < numbers.length; i++) {
            if (numbers[i] !== number) continue;
            if (presenceOnly[i] === true) values[i] = length > 0 ? FIELD_SET : '';
            else values[i] = text ??= buf.toString('utf8', pos, pos + length);
          }
        }
        pos += length;
        break;
      }
      default:
        return false;
    }
    if (pos > end) return false;
  }
  return true;
}
