import type protobuf from 'protobufjs';
import type { BidiMethod } from '../driver/bidi-method.js';
import { requestMessageType } from '../driver/request-message-type.js';

/** The method's response message as protobufjs types, from the same source as its request type. */
export function responseMessageType(method: BidiMethod): protobuf.Type {
  const root = requestMessageType(method).type.root;
  const [, servicePath, methodName] = /^\/(.+)\/([^/]+)$/.exec(method.path)!;
  const rpc = root.lookupService(servicePath!).methods[methodName!]!;
  rpc.resolve();
  return rpc.resolvedResponseType!;
}
