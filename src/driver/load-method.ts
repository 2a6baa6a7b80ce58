import { existsSync } from 'node:fs';
import * as protoLoader from '@grpc/proto-loader';
import { BenchError } from '../errors/bench-error.js';
import { PROTO_LOADER_OPTIONS, protoLoaderOptions, type BidiMethod } from './bidi-method.js';
import { convertRequestData } from './convert-request-data.js';
import { findMissingProtoImport } from './missing-proto-import.js';
import { requestMessageType } from './request-message-type.js';
import { callKindOf, type RequestData } from '../types/call-kind.js';

export { PROTO_LOADER_OPTIONS, type BidiMethod } from './bidi-method.js';

/** "pkg.Service/Method" or "pkg.Service.Method" → ["pkg.Service", "Method"]. */
export function splitCallName(call: string): [service: string, method: string] {
  const slash = call.lastIndexOf('/');
  const cut = slash >= 0 ? slash : call.lastIndexOf('.');
  return [call.slice(0, cut), call.slice(cut + 1)];
}

export function normaliseCallName(call: string): string {
  const [service, method] = splitCallName(call);
  return `${service}/${method}`;
}

function fieldNames(type: object): string[] {
  const fields = (type as { field?: Array<{ name: string }> }).field ?? [];
  return fields.map((f) => f.name);
}

/**
 * Loads a .proto and finds one method (unary, client, server or bidi streaming). Every failure is a BenchError
 * naming the file and what was expected.
 */
export function loadBidiMethod(protoPath: string, importPaths: string[], call: string): BidiMethod {
  if (!existsSync(protoPath)) throw new BenchError('PROTO_INVALID', `proto: ${protoPath}: no such file`);
  let pkg: protoLoader.PackageDefinition;
  try {
    pkg = protoLoader.loadSync(protoPath, protoLoaderOptions(protoPath, importPaths));
  } catch (error) {
    const missing = findMissingProtoImport(protoPath, importPaths);
    if (missing) {
      throw new BenchError(
        'PROTO_INVALID',
        `proto: ${missing.importingFile}: import "${missing.imported}" not found; tried ${missing.tried.join(', ')}; add the folder it is under with --import-paths DIR or the scenario key importPaths`,
      );
    }
    const reason = ((error as Error).message ?? String(error)).split('\n')[0];
    throw new BenchError('PROTO_INVALID', `proto: ${protoPath}: cannot parse: ${reason}`);
  }
  return { ...findBidiMethod(pkg, call, protoPath), typeSource: { protoPath, importPaths } };
}

/**
 * Loads a serialized FileDescriptorSet (from server reflection) and finds the method in it;
 * `source` names where the descriptors came from in error messages.
 */
export function loadBidiMethodFromDescriptorSet(descriptorSet: Buffer, call: string, source: string): BidiMethod {
  let pkg: protoLoader.PackageDefinition;
  try {
    pkg = protoLoader.loadFileDescriptorSetFromBuffer(descriptorSet, PROTO_LOADER_OPTIONS);
  } catch (error) {
    const reason = ((error as Error).message ?? String(error)).split('\n')[0];
    throw new BenchError('REFLECTION_FAILED', `${source}: the descriptors cannot be loaded: ${reason}`);
  }
  return { ...findBidiMethod(pkg, call, source), typeSource: { descriptorSet } };
}

/** Finds one method, of any kind, in a loaded package; `source` names the proto in errors. */
export function findBidiMethod(pkg: protoLoader.PackageDefinition, call: string, source: string): Omit<BidiMethod, 'typeSource'> {
  const [serviceName, methodName] = splitCallName(call);
  const service = pkg[serviceName];
  if (!service || 'format' in service) {
    const services = Object.entries(pkg).filter(([, d]) => !('format' in d)).map(([n]) => n);
    throw new BenchError(
      'METHOD_NOT_FOUND',
      `call: service "${serviceName}" is not in ${source}; it has ${services.length ? services.join(', ') : 'no services'}`,
    );
  }
  const definition = (service as protoLoader.ServiceDefinition)[methodName];
  if (!definition) {
    throw new BenchError(
      'METHOD_NOT_FOUND',
      `call: method "${methodName}" is not in service ${serviceName}; it has ${Object.keys(service).join(', ')}`,
    );
  }
  return {
    path: definition.path,
    kind: callKindOf(Boolean(definition.requestStream), Boolean(definition.responseStream)),
    definition,
    requestFields: fieldNames(definition.requestType.type),
    responseFields: fieldNames(definition.responseType.type),
    inputName: messageFullName(pkg, definition.requestType),
    outputName: messageFullName(pkg, definition.responseType),
  };
}

/**
 * A message type's full name (`package.Message`): the package definition's key for the same type
 * (proto-loader gives the method its own copy, so the descriptors are compared); the short name if none.
 */
function messageFullName(pkg: protoLoader.PackageDefinition, messageType: protoLoader.MessageTypeDefinition<object, object>): string {
  const descriptor = messageType.type as { name?: string };
  const shortName = descriptor.name ?? '';
  const same = JSON.stringify(descriptor);
  const found = Object.entries(pkg).find(([name, definition]) => 'format' in definition && (name === shortName || name.endsWith(`.${shortName}`)) && JSON.stringify(definition.type) === same);
  return found?.[0] ?? shortName;
}

/**
 * Checks the request data against the request message and converts it by protobuf's JSON
 * mapping (convert-request-data.ts); checks that correlateBy names a field of both messages,
 * a string field when the template compiler is to fill it with {{requestId}}. What it
 * returns is what every worker builds its messages from.
 */
export function checkRequestData(method: BidiMethod, data: RequestData, correlateBy?: string): RequestData {
  if (Array.isArray(data)) return data.map((message, i) => checkRequestMessage(method, message, `data[${i}]`, correlateBy));
  return checkRequestMessage(method, data, 'data', correlateBy);
}

function checkRequestMessage(method: BidiMethod, data: Record<string, unknown>, where: string, correlateBy?: string): Record<string, unknown> {
  if (correlateBy !== undefined && (!method.requestFields.includes(correlateBy) || !method.responseFields.includes(correlateBy))) {
    throw new BenchError(
      'SCENARIO_INVALID',
      `stream.correlateBy: "${correlateBy}" must be a field of both the request (${method.requestFields.join(', ')}) and the response (${method.responseFields.join(', ')})`,
    );
  }
  const converted = convertRequestData(method, data, where);
  const filled = correlateBy === undefined || correlateBy in converted ? undefined : requestMessageType(method).type.fields[correlateBy];
  if (filled && (filled.type !== 'string' || filled.repeated)) {
    throw new BenchError('SCENARIO_INVALID', `stream.correlateBy: "${correlateBy}" is a ${filled.repeated ? 'repeated ' : ''}${filled.type} field; ${where} does not set it, and only a string field can be filled with {{requestId}}`);
  }
  return converted;
}
