import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { encodeFileDescriptorSet } from '../../src/driver/file-descriptor-set.js';
import { loadBidiMethod, loadBidiMethodFromDescriptorSet, type BidiMethod } from '../../src/driver/load-method.js';

/** test/fixtures/typed.proto: a request with every field kind, well-known types and a proto2 message. */
export const TYPED_PROTO_PATH = fileURLToPath(new URL('../fixtures/typed.proto', import.meta.url));
export const TYPED_CALL = 'typed.TypedService/Exchange';

/** The typed method as loaded from the .proto. */
export function loadTypedMethod(): BidiMethod {
  return loadBidiMethod(TYPED_PROTO_PATH, [dirname(TYPED_PROTO_PATH)], TYPED_CALL);
}

/** The same method as server reflection would give it: from its serialized file descriptors. */
export function loadTypedMethodFromDescriptors(): BidiMethod {
  const files = loadTypedMethod().definition.requestType.fileDescriptorProtos;
  return loadBidiMethodFromDescriptorSet(encodeFileDescriptorSet(files), TYPED_CALL, 'typed descriptors');
}

/**
 * Decodes with typed.Typed loaded by protobufjs alone (not through proto-loader):
 * 64-bit integers as decimal strings, enums by name, bytes as base64.
 */
export function decodeTyped(bytes: Uint8Array): Record<string, unknown> {
  const type = referenceTypedType();
  const decoded = type.toObject(type.decode(bytes), { longs: String, enums: String, bytes: String, oneofs: false });
  // protobufjs keys an int64 map by an 8-character hash of the number; shown as the number here.
  const byId = decoded['names_by_id'] as Record<string, string> | undefined;
  if (byId) decoded['names_by_id'] = Object.fromEntries(Object.entries(byId).map(([hash, name]) => [protobuf.util.LongBits.fromHash(hash).toLong(false).toString(), name]));
  return decoded;
}

/** protobufjs's own encoding of a message of typed.Typed: fromObject, then encode. */
export function encodeTyped(message: Record<string, unknown>): Buffer {
  const type = referenceTypedType();
  return Buffer.from(type.encode(type.fromObject(message)).finish());
}

let referenceType: protobuf.Type | undefined;

function referenceTypedType(): protobuf.Type {
  referenceType ??= (() => {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => (target.startsWith('google/') || target.startsWith('/') ? target : `${dirname(TYPED_PROTO_PATH)}/${target}`);
    root.loadSync(TYPED_PROTO_PATH, { keepCase: true });
    root.resolveAll();
    return root.lookupType('typed.Typed');
  })();
  return referenceType;
}
