import type { CallKind } from '../types/call-kind.js';
import type * as protoLoader from '@grpc/proto-loader';

/** proto-loader options used everywhere: field names exactly as in the .proto. */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
};

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
  /** Where the serializer's types came from, to build the same types again (request-message-type.ts). */
  typeSource: { protoPath: string; importPaths: string[] } | { descriptorSet: Uint8Array };
}
