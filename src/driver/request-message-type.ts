import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import type { BidiMethod } from './load-method.js';

/** The request message as protobufjs types, with what the descriptors say that protobufjs drops. */
export interface RequestMessageType {
  type: protobuf.Type;
  /** Full names (".pkg.Msg.FieldEntry") of the synthetic map-entry messages. */
  mapEntries: ReadonlySet<string>;
  /** A field's `json_name` from its descriptor, when one is set; keyed by the field. */
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

const cache = new WeakMap<object, RequestMessageType>();

/**
 * The request type built from the method's own file descriptors (what proto-loader keeps for
 * both a .proto and server reflection), so the names and numbers are the serializer's.
 * protobufjs's `fromDescriptor` turns map fields into repeated entry messages and forgets
 * `json_name`; both are read back from the descriptors here.
 */
export function requestMessageType(method: BidiMethod): RequestMessageType {
  const cached = cache.get(method.definition);
  if (cached) return cached;
  const requestType = method.definition.requestType;
  const files = requestType.fileDescriptorProtos.map((bytes) => descriptor.FileDescriptorProto.decode(bytes));
  // Added to Root by protobufjs/ext/descriptor at import; its typings do not say so.
  const root = (protobuf.Root as unknown as { fromDescriptor(set: { file: unknown[] }): protobuf.Root }).fromDescriptor({ file: files });
  root.resolveAll();
  const mapEntries = new Set<string>();
  const jsonByName = new Map<string, string>();
  for (const file of files as unknown as Array<{ package?: string; messageType?: MessageDescriptor[] }>) {
    collectNames(file.messageType, file.package ? `.${file.package}` : '', mapEntries, jsonByName);
  }
  const typeName = (requestType.type as { name: string }).name;
  const type = findType(root, method, typeName);
  const jsonNames = new Map<protobuf.Field, string>();
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Type) {
        for (const field of nested.fieldsArray) {
          const json = jsonByName.get(`${nested.fullName}.${field.name}`);
          if (json) jsonNames.set(field, json);
        }
      }
      if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);
  const result = { type, mapEntries, jsonNames };
  cache.set(method.definition, result);
  return result;
}

/** The request type by the method's input type name, found in the service that holds the method. */
function findType(root: protobuf.Root, method: BidiMethod, typeName: string): protobuf.Type {
  const [, servicePath, methodName] = /^\/(.+)\/([^/]+)$/.exec(method.path) ?? [];
  const service = servicePath === undefined ? undefined : root.lookupService(servicePath);
  const rpc = methodName === undefined ? undefined : service?.methods[methodName];
  if (rpc?.resolvedRequestType) return rpc.resolvedRequestType;
  return root.lookupType(typeName);
}
