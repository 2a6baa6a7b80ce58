/**
 * The few protobuf wire-format primitives the spliced request encoder needs: base-128 varints
 * (lengths and field keys) and UTF-8 lengths of strings, written without temporary objects.
 */

/** Wire type of length-delimited fields (strings, bytes, embedded messages). */
export const LENGTH_DELIMITED = 2;

/** Bytes a non-negative 32-bit varint takes. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

/** Writes a non-negative 32-bit varint at `offset`; returns the offset after it. */
export function writeVarint(target: Uint8Array, offset: number, value: number): number {
  while (value >= 0x80) {
    target[offset++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  target[offset++] = value;
  return offset;
}

/** Reads a varint of at most 32 bits: [value, offset after it], or undefined when malformed or too long. */
export function readVarint(bytes: Uint8Array, offset: number): [number, number] | undefined {
  let value = 0;
  for (let shift = 0; shift < 35 && offset < bytes.length; shift += 7) {
    const byte = bytes[offset++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return value <= 0xffffffff ? [value, offset] : undefined;
  }
  return undefined;
}

/**
 * UTF-8 length of a string, or -1 when it holds a lone surrogate: protobufjs and Buffer encode
 * those differently, so such a string is left to protobufjs.
 */
export function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) length += 1;
    else if (code < 0x800) length += 2;
    else if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (code > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return -1;
      length += 4;
      i++;
    } else length += 3;
  }
  return length;
}
