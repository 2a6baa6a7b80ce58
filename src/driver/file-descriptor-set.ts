/**
 * Just enough of the protobuf wire format for server reflection: the name and imports of a
 * serialized FileDescriptorProto, and a FileDescriptorSet built from serialized files.
 */

export interface FileDescriptorHeader {
  /** FileDescriptorProto.name (field 1), e.g. "pb/order.proto". */
  name: string;
  /** FileDescriptorProto.dependency (field 3): the names of the files it imports. */
  dependencies: string[];
}

function readVarint(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length && i < at + 10; i++) {
    const byte = bytes[i]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, i + 1];
    scale *= 128;
  }
  throw new RangeError(`truncated varint at byte ${at}`);
}

function writeVarint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return out;
}

/** Reads fields 1 and 3 of a serialized FileDescriptorProto; throws RangeError on malformed bytes. */
export function readFileDescriptorHeader(bytes: Uint8Array): FileDescriptorHeader {
  const decoder = new TextDecoder();
  let name = '';
  const dependencies: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    const [tag, afterTag] = readVarint(bytes, at);
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    at = afterTag;
    if (wireType === 0) {
      at = readVarint(bytes, at)[1];
    } else if (wireType === 1 || wireType === 5) {
      at += wireType === 1 ? 8 : 4;
    } else if (wireType === 2) {
      const [length, start] = readVarint(bytes, at);
      at = start + length;
      if (at > bytes.length) throw new RangeError(`field ${field} runs past the end of the descriptor`);
      const text = () => decoder.decode(bytes.subarray(start, at));
      if (field === 1) name = text();
      else if (field === 3) dependencies.push(text());
    } else {
      throw new RangeError(`unsupported wire type ${wireType} for field ${field}`);
    }
  }
  if (at !== bytes.length) throw new RangeError('the descriptor ends inside a field');
  return { name, dependencies };
}

/** FileDescriptorSet { repeated FileDescriptorProto file = 1; } from serialized files. */
export function encodeFileDescriptorSet(files: ReadonlyArray<Uint8Array>): Buffer {
  const parts: Uint8Array[] = [];
  for (const file of files) {
    parts.push(Uint8Array.from([0x0a, ...writeVarint(file.length)]), file);
  }
  return Buffer.concat(parts);
}
