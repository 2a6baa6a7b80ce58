import { loadProtosWithOptionsSync } from '@grpc/proto-loader/build/src/util.js';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { protoLoaderOptions, type BidiMethod } from './bidi-method.js';

/** The request message as protobufjs types, with what protobufjs keeps only in the descriptors. */
export interface RequestMessageType {
  type: protobuf.Type;
  /** Full names (".pkg.Msg.FieldEntry") of map-entry messages, where maps are repeated entries. */
  mapEntries: ReadonlySet<string>;
  /** A field's JSON name when the proto sets `json_name`. */
  jsonNames: ReadonlyMap<protobuf.Field, string>;
}

interface MessageDescriptor {
  name: string;
  field?: Array<{ name: string; jsonName?: string }>;
  nestedType?: MessageDescriptor[];
  options?: { mapEntry?: boolean };
}

function collectNames(messages: MessageDescriptor[] | undefined, scope: string, mapEntries: Set<string>, jsonNames: Map<string, string>): void {
  for (const message of messages ?? []) {
    const fullName = `${scope}.${message.name}`;
    if (message.options?.mapEntry) mapEntries.add(fullName);
    for (const field of message.field ?? []) if (field.jsonName) jsonNames.set(`${fullName}.${field.name}`, field.jsonName);
    collectNames(message.nestedType, fullName, mapEntries, jsonNames);
  }
}

function eachField(namespace: protobuf.NamespaceBase, visit: (type: protobuf.Type, field: protobuf.Field) => void): void {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) for (const field of nested.fieldsArray) visit(nested, field);
    if (nested instanceof protobuf.Namespace) eachField(nested, visit);
  }
}

/**
 * The types built from descriptors (server reflection) the way proto-loader builds them:
 * protobufjs's `fromDescriptor` keeps map fields as repeated entry messages and drops
 * `json_name`, so both are read back from the descriptors.
 */
function fromDescriptorSet(set: Uint8Array): { root: protobuf.Root; mapEntries: Set<string>; jsonNames: Map<protobuf.Field, string> } {
  const decoded = descriptor.FileDescriptorSet.decode(set);
  // Added to Root by protobufjs/ext/descriptor at import; its typings do not say so.
  const root = (protobuf.Root as unknown as { fromDescriptor(set: unknown): protobuf.Root }).fromDescriptor(decoded);
  root.resolveAll();
  const mapEntries = new Set<string>();
  const jsonByName = new Map<string, string>();
  for (const file of (decoded as unknown as { file: Array<{ package?: string; messageType?: MessageDescriptor[] }> }).file) {
    collectNames(file.messageType, file.package ? `.${file.package}` : '', mapEntries, jsonByName);
  }
  const jsonNames = new Map<protobuf.Field, string>();
  eachField(root, (type, field) => {
    const json = jsonByName.get(`${type.fullName}.${field.name}`);
    if (json) jsonNames.set(field, json);
  });
  return { root, mapEntries, jsonNames };
}

/** The types parsed from the .proto the way proto-loader parses them (its descriptors lose proto2 `required`). */
function fromProtoFile(protoPath: string, importPaths: string[]): { root: protobuf.Root; mapEntries: Set<string>; jsonNames: Map<protobuf.Field, string> } {
  const root = loadProtosWithOptionsSync(protoPath, protoLoaderOptions(protoPath, importPaths));
  const jsonNames = new Map<protobuf.Field, string>();
  eachField(root, (_type, field) => {
    const json = (field.options as Record<string, unknown> | undefined)?.['json_name'];
    if (typeof json === 'string') jsonNames.set(field, json);
  });
  return { root, mapEntries: new Set(), jsonNames };
}

const cache = new WeakMap<object, RequestMessageType>();

/**
 * The request type as the method's serializer sees it: from the same .proto or the same
 * descriptors, built the same way, so names, numbers and the form of map fields agree.
 */
export function requestMessageType(method: BidiMethod): RequestMessageType {
  const cached = cache.get(method.definition);
  if (cached) return cached;
  const source = method.typeSource;
  const { root, mapEntries, jsonNames } = 'descriptorSet' in source ? fromDescriptorSet(source.descriptorSet) : fromProtoFile(source.protoPath, source.importPaths);
  const [, servicePath, methodName] = /^\/(.+)\/([^/]+)$/.exec(method.path)!;
  const rpc = root.lookupService(servicePath!).methods[methodName!]!;
  rpc.resolve();
  const result = { type: rpc.resolvedRequestType!, mapEntries, jsonNames };
  cache.set(method.definition, result);
  return result;
}
