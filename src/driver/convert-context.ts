import type protobuf from 'protobufjs';
import type { RequestMessageType } from './request-message-type.js';

type Message = Record<string, unknown>;

/** What converting one request's data carries along (convert-request-data.ts, well-known-json.ts). */
export interface ConvertContext {
  info: RequestMessageType;
  /** Inside an Any, encoded once: no template may appear there. */
  frozen: boolean;
  /** Every problem found, as "path: what is wrong". */
  problems: string[];
  /** A message value; undefined when a problem was recorded. */
  convertMessage(type: protobuf.Type, value: unknown, where: string, ctx: ConvertContext): Message | undefined;
  /** A single (not repeated) value of a field; undefined when a problem was recorded. */
  convertSingle(field: protobuf.Field, value: unknown, where: string, ctx: ConvertContext): unknown;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `data.items[0].count`, `data.attrs["a key"]`: the path of a key below `where`. */
export function childPath(where: string, key: string): string {
  return IDENTIFIER.test(key) ? `${where}.${key}` : `${where}[${JSON.stringify(key)}]`;
}

/** The lowerCamelCase JSON name protoc derives from a proto field name: `sku_id` → `skuId`. */
export function lowerCamelCase(name: string): string {
  return name.replace(/_+([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}
