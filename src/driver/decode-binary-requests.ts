import protobuf from 'protobufjs';
import { BenchError } from '../errors/bench-error.js';
import type { BidiMethod } from './bidi-method.js';
import { requestMessageType } from './request-message-type.js';

/** Serialized messages, each after its length as a varint (protobuf's delimited form); undefined unless that reads the bytes exactly. */
function delimited(bytes: Uint8Array, type: protobuf.Type): protobuf.Message[] | undefined {
  const reader = protobuf.Reader.create(bytes);
  const messages: protobuf.Message[] = [];
  try {
    while (reader.pos < reader.len) messages.push(type.decodeDelimited(reader));
  } catch {
    return undefined;
  }
  return messages.length ? messages : undefined;
}

/**
 * ghz's binary call data (-b, -B): length-delimited messages when the bytes read exactly so,
 * as ghz tries first, else one serialized message; as request data in protobuf's JSON form
 * (bytes in base64, 64-bit integers and enums as text). `source` names the bytes in errors.
 */
export function decodeBinaryRequests(bytes: Uint8Array, method: BidiMethod, source: string): Array<Record<string, unknown>> {
  const { type } = requestMessageType(method);
  let messages = delimited(bytes, type);
  if (!messages) {
    try {
      messages = [type.decode(bytes)];
    } catch (error) {
      throw new BenchError('MESSAGE_INVALID', `${source}: not a serialized ${type.name} (nor length-delimited ones): ${(error as Error).message}`);
    }
  }
  return messages.map((message) => type.toObject(message, { longs: String, enums: String, bytes: String }));
}
