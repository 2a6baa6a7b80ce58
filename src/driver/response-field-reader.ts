import type { BidiMethod } from './load-method.js';

/** Where a reader leaves what it found in one response; one object per stream, reused. */
export interface ResponseFields {
  /** The correlation field as text (String(value), "undefined" when absent). */
  key: string | undefined;
  /** The split field as text ("" when absent). */
  label: string | undefined;
  /** The whole decoded response, when the reader was made `whole` (a flow reads its fields). */
  response?: Record<string, unknown>;
}

export type ResponseFieldReader = (payload: Buffer, out: ResponseFields) => void;

interface FieldDescriptor {
  name: string;
  number: number;
  label?: string;
  type?: string;
}

/**
 * Reads the correlation and split fields of an encoded response; `whole`: decodes every
 * response and keeps it in `out.response` (a flow's conditions read any field). When both are singular
 * string fields it scans the wire format for just those two (no message object); otherwise,
 * and for any payload the scan cannot follow, it decodes the whole message as grpc-js would.
 */
export function createResponseFieldReader(method: BidiMethod, correlateBy: string | undefined, splitField: string | undefined, whole = false): ResponseFieldReader {
  const deserialize = method.definition.responseDeserialize as (bytes: Buffer) => Record<string, unknown>;
  const decodeAll: ResponseFieldReader = (payload, out) => {
    const response = deserialize(payload);
    out.key = correlateBy === undefined ? undefined : String(response[correlateBy]);
    out.label = splitField === undefined ? undefined : String(response[splitField] ?? '');
    if (whole) out.response = response;
  };
  if (whole) return decodeAll;
  const fields = ((method.definition.responseType.type as { field?: FieldDescriptor[] }).field ?? []) as FieldDescriptor[];
  const stringField = (name: string | undefined): number | undefined => {
    if (name === undefined) return 0;
    const field = fields.find((f) => f.name === name);
    return field && field.type === 'TYPE_STRING' && field.label !== 'LABEL_REPEATED' ? field.number : undefined;
  };
  const keyNumber = stringField(correlateBy);
  const labelNumber = stringField(splitField);
  if (keyNumber === undefined || labelNumber === undefined) return decodeAll;
  return (payload, out) => {
    if (!scanStrings(payload, keyNumber, labelNumber, out)) {
      decodeAll(payload, out);
      return;
    }
    if (correlateBy === undefined) out.key = undefined;
    if (splitField === undefined) out.label = undefined;
  };
}

/**
 * Protobuf wire scan for two string fields (number 0 = not wanted). Absent fields read as
 * an absent field decodes: key "undefined", label "". False when the bytes are not a
 * message this scan can follow (groups, truncation): the caller decodes them fully.
 */
function scanStrings(buf: Buffer, keyNumber: number, labelNumber: number, out: ResponseFields): boolean {
  let key = 'undefined';
  let label = '';
  const end = buf.length;
  let pos = 0;
  while (pos < end) {
    // Tag: a varint of at most 5 bytes (field numbers < 2^29).
    let tag = 0;
    let shift = 0;
    let byte: number;
    do {
      if (pos >= end || shift > 28) return false;
      byte = buf[pos++]!;
      tag += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    const wireType = tag % 8;
    const number = Math.floor(tag / 8);
    if (number === 0 || (wireType !== 2 && (number === keyNumber || number === labelNumber))) return false;
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
        let length = 0;
        shift = 0;
        do {
          if (pos >= end || shift > 28) return false;
          byte = buf[pos++]!;
          length += (byte & 0x7f) * 2 ** shift;
          shift += 7;
        } while (byte & 0x80);
        if (pos + length > end) return false;
        if (number === keyNumber) key = buf.toString('utf8', pos, pos + length);
        if (number === labelNumber) label = buf.toString('utf8', pos, pos + length);
        pos += length;
        break;
      }
      default:
        return false;
    }
    if (pos > end) return false;
  }
  out.key = key;
  out.label = label;
  return true;
}
