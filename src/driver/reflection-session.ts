import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS } from './load-method.js';

/** One request of grpc.reflection.v1 ServerReflectionInfo (field names as in the proto). */
export type ReflectionRequest = { file_containing_symbol: string } | { file_by_filename: string } | { list_services: string };

export interface ReflectionResponse {
  file_descriptor_response?: { file_descriptor_proto?: Buffer[] };
  list_services_response?: { service?: Array<{ name: string }> };
  error_response?: { error_code?: number; error_message?: string };
}

/** The reflection stream ended with a non-OK status (UNIMPLEMENTED: the server has no reflection). */
export class ReflectionStatusError extends Error {
  constructor(
    readonly code: grpc.status,
    readonly details: string,
  ) {
    super(details);
  }
}

const VERSIONS = ['v1', 'v1alpha'] as const;

type Method = protoLoader.MethodDefinition<ReflectionRequest, ReflectionResponse>;
let methods: Record<(typeof VERSIONS)[number], Method> | undefined;

/** The ServerReflectionInfo method of both protocol versions, from the protos @grpc/reflection ships. */
function reflectionMethods(): Record<(typeof VERSIONS)[number], Method> {
  if (methods) return methods;
  const packageRoot = join(dirname(createRequire(import.meta.url).resolve('@grpc/reflection')), '..', 'proto');
  const load = (version: (typeof VERSIONS)[number]): Method => {
    const pkg = protoLoader.loadSync(join(packageRoot, 'grpc', 'reflection', version, 'reflection.proto'), PROTO_LOADER_OPTIONS);
    const service = pkg[`grpc.reflection.${version}.ServerReflection`] as protoLoader.ServiceDefinition;
    return service['ServerReflectionInfo'] as Method;
  };
  methods = { v1: load('v1'), v1alpha: load('v1alpha') };
  return methods;
}

/** One ServerReflectionInfo stream: the server answers requests in order, one response each. */
class ReflectionStream {
  private readonly waiting: Array<{ resolve: (response: ReflectionResponse) => void; reject: (error: Error) => void }> = [];
  private ended: ReflectionStatusError | undefined;
  private readonly call: grpc.ClientDuplexStream<ReflectionRequest, ReflectionResponse>;

  constructor(client: grpc.Client, method: Method, deadline: number, metadata: Record<string, string>) {
    const sent = new grpc.Metadata();
    for (const [key, value] of Object.entries(metadata)) sent.set(key, value);
    this.call = client.makeBidiStreamRequest(method.path, method.requestSerialize, method.responseDeserialize, sent, { deadline });
    this.call.on('data', (response: ReflectionResponse) => this.waiting.shift()?.resolve(response));
    this.call.on('status', (status: grpc.StatusObject) => {
      const code = status.code === grpc.status.OK ? grpc.status.UNKNOWN : status.code;
      this.ended = new ReflectionStatusError(code, status.code === grpc.status.OK ? 'the reflection stream ended early' : status.details);
      for (const waiter of this.waiting.splice(0)) waiter.reject(this.ended);
    });
    // 'error' precedes 'status'; the status carries everything.
    this.call.on('error', () => {});
  }

  ask(request: ReflectionRequest): Promise<ReflectionResponse> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.call.write(request);
    });
  }

  close(): void {
    this.call.end();
  }
}

/**
 * A conversation with a target's reflection service: grpc.reflection.v1 first, then
 * v1alpha when the server does not implement v1. Rejects with ReflectionStatusError when
 * the stream fails (UNIMPLEMENTED from both versions: no reflection at all).
 */
export class ReflectionSession {
  private stream: ReflectionStream | undefined;

  constructor(
    private readonly client: grpc.Client,
    private readonly deadline: number,
    /** Sent with the reflection stream only (ghz's --reflect-metadata). */
    private readonly metadata: Record<string, string> = {},
  ) {}

  async ask(request: ReflectionRequest): Promise<ReflectionResponse> {
    if (this.stream) return this.stream.ask(request);
    let failure: unknown;
    for (const version of VERSIONS) {
      const stream = new ReflectionStream(this.client, reflectionMethods()[version], this.deadline, this.metadata);
      try {
        const response = await stream.ask(request);
        this.stream = stream;
        return response;
      } catch (error) {
        failure = error;
        stream.close();
        if (!(error instanceof ReflectionStatusError && error.code === grpc.status.UNIMPLEMENTED)) break;
      }
    }
    throw failure;
  }

  close(): void {
    this.stream?.close();
  }
}
