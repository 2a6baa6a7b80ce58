import { dirname } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { TYPED_PROTO_PATH } from './typed-proto.js';

export interface TypedServerHandle {
  address: string;
  /** Every request as the server decoded it (64-bit integers as strings, enums by name, bytes as Buffers), in arrival order. */
  received: Array<Record<string, unknown>>;
  close(): void;
}

/**
 * typed.TypedService on 127.0.0.1:0, decoding requests with its own proto-loader: Exchange
 * answers each request with its request_id, and ends OK when the client half-closes.
 * `reflection`: it also answers server reflection, so a client can run without the proto.
 */
export async function startTypedServer(options: { reflection?: boolean } = {}): Promise<TypedServerHandle> {
  const packageDefinition = loadSync(TYPED_PROTO_PATH, { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true, includeDirs: [dirname(TYPED_PROTO_PATH)] });
  const definition = grpc.loadPackageDefinition(packageDefinition);
  const typed = definition['typed'] as Record<string, { service: grpc.ServiceDefinition }>;
  const received: Array<Record<string, unknown>> = [];
  const exchange = (call: grpc.ServerDuplexStream<Record<string, unknown>, Record<string, unknown>>): void => {
    call.on('data', (request: Record<string, unknown>) => {
      received.push(request);
      call.write({ request_id: request['request_id'] });
    });
    call.on('end', () => call.end());
    call.on('error', () => {
      // A cancelled stream; nothing to answer.
    });
  };
  const server = new grpc.Server();
  server.addService(typed['TypedService']!.service, { Exchange: exchange });
  if (options.reflection) new ReflectionService(packageDefinition).addToServer(server);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  return { address: `127.0.0.1:${port}`, received, close: () => server.forceShutdown() };
}
