import { dirname } from 'node:path';
import type { CallKind } from '../types/call-kind.js';
import type { MethodFacts } from '../scenario/compile-message-template.js';
import type * as protoLoader from '@grpc/proto-loader';

/** proto-loader options used everywhere: field names exactly as in the .proto. */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
};

/**
 * proto-loader's options for one .proto: the import paths, then the file's own folder (as ghz
 * does), so that an import next to the file is found without a warning on stderr (proto-loader
 * warns when it falls back to resolving beside the importing file).
 */
export function protoLoaderOptions(protoPath: string, importPaths: readonly string[]): protoLoader.Options {
  return { ...PROTO_LOADER_OPTIONS, includeDirs: [...importPaths, dirname(protoPath)] };
}

/** What templates can name of the method ({{inputName}}, {{isServerStreaming}} …). */
export function methodFacts(method: BidiMethod): MethodFacts {
  return {
    inputName: method.inputName,
    outputName: method.outputName,
    clientStreaming: method.kind === 'clientStreaming' || method.kind === 'bidi',
    serverStreaming: method.kind === 'serverStreaming' || method.kind === 'bidi',
    call: method.path.slice(1),
  };
}

/** A method of any kind (the name stays from when only bidi methods were driven). */
export interface BidiMethod {
  /** "/package.Service/Method", the HTTP/2 :path. */
  path: string;
  /** From the proto's requestStream and responseStream. */
  kind: CallKind;
  definition: protoLoader.MethodDefinition<object, object>;
  /** Top-level field names of the request and response messages. */
  requestFields: string[];
  responseFields: string[];
  /** Full names of the request and response messages (`helloworld.HelloRequest`): ghz's .InputName and .OutputName. */
  inputName: string;
  outputName: string;
  /** Where the serializer's types came from, to build the same types again (request-message-type.ts). */
  typeSource: { protoPath: string; importPaths: string[] } | { descriptorSet: Uint8Array };
}
