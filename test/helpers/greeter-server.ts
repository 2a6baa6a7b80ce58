import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';

export const GREETER_PROTO_PATH = fileURLToPath(new URL('../fixtures/greeter.proto', import.meta.url));

/** What the greeter saw: its own truth to check ghz's figures against. */
export interface GreeterCounts {
  /** Calls started, by method (SayHello, SayHelloCS, SayHellos, SayHelloBidi). */
  calls: Record<string, number>;
  /** Every name received, in arrival order. */
  names: string[];
  /** Each call's metadata, as the server got it (first value per key). */
  metadata: Array<Record<string, string>>;
  /** Each call's :authority. */
  authorities: string[];
  /** The metadata of each server reflection call (first value per key). */
  reflectionMetadata: Array<Record<string, string>>;
  /** The most calls in progress at once. */
  peakInFlight: number;
  connectionsSeen: number;
}

export interface GreeterServerHandle {
  address: string;
  counts(): GreeterCounts;
  close(): void;
}

interface HelloRequest {
  name: string;
}

/**
 * helloworld.Greeter on 127.0.0.1:0, with server reflection. SayHello answers "Hello NAME";
 * SayHelloCS answers once after the half-close; SayHellos streams three replies; SayHelloBidi
 * answers each request.
 */
export async function startGreeterServer(): Promise<GreeterServerHandle> {
  const packageDefinition = loadSync(GREETER_PROTO_PATH, { keepCase: true });
  const greeter = (grpc.loadPackageDefinition(packageDefinition)['helloworld'] as Record<string, { service: grpc.ServiceDefinition }>)['Greeter']!;
  const counts: GreeterCounts = { calls: {}, names: [], metadata: [], authorities: [], reflectionMetadata: [], peakInFlight: 0, connectionsSeen: 0 };
  const firstValues = (metadata: grpc.Metadata): Record<string, string> => Object.fromEntries(Object.entries(metadata.getMap()).map(([key, value]) => [key, String(value)]));
  // Reflection calls are served by @grpc/reflection: their metadata is read on the way in.
  const watchReflection: grpc.ServerInterceptor = (method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, pass) => {
            if (method.path.includes('ServerReflection')) counts.reflectionMetadata.push(firstValues(metadata));
            pass(metadata);
          },
        }),
    });
  const peers = new Set<string>();
  let inFlight = 0;
  const begin = (method: string, call: { metadata: grpc.Metadata; getPeer(): string; getHost(): string }): (() => void) => {
    counts.calls[method] = (counts.calls[method] ?? 0) + 1;
    counts.authorities.push(call.getHost());
    counts.metadata.push(firstValues(call.metadata));
    peers.add(call.getPeer());
    counts.connectionsSeen = peers.size;
    inFlight++;
    counts.peakInFlight = Math.max(counts.peakInFlight, inFlight);
    let done = false;
    return () => {
      if (!done) inFlight--;
      done = true;
    };
  };
  const server = new grpc.Server({ interceptors: [watchReflection] });
  server.addService(greeter.service, {
    SayHello: (call: grpc.ServerUnaryCall<HelloRequest, object>, callback: grpc.sendUnaryData<object>) => {
      const end = begin('SayHello', call);
      counts.names.push(call.request.name);
      end();
      callback(null, { message: `Hello ${call.request.name}` });
    },
    SayHelloCS: (call: grpc.ServerReadableStream<HelloRequest, object>, callback: grpc.sendUnaryData<object>) => {
      const end = begin('SayHelloCS', call);
      const names: string[] = [];
      call.on('data', (request: HelloRequest) => {
        counts.names.push(request.name);
        names.push(request.name);
      });
      call.on('end', () => {
        end();
        callback(null, { message: `Hello ${names.join(', ')}` });
      });
      call.on('cancelled', end);
    },
    SayHellos: (call: grpc.ServerWritableStream<HelloRequest, object>) => {
      const end = begin('SayHellos', call);
      counts.names.push(call.request.name);
      for (let i = 0; i < 3; i++) call.write({ message: `Hello ${call.request.name} ${i}` });
      end();
      call.end();
    },
    SayHelloBidi: (call: grpc.ServerDuplexStream<HelloRequest, object>) => {
      const end = begin('SayHelloBidi', call);
      call.on('data', (request: HelloRequest) => {
        counts.names.push(request.name);
        call.write({ message: `Hello ${request.name}` });
      });
      call.on('end', () => {
        end();
        call.end();
      });
      call.on('cancelled', end);
    },
  });
  new ReflectionService(packageDefinition).addToServer(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    address: `127.0.0.1:${port}`,
    counts: () => ({ ...counts, calls: { ...counts.calls }, names: [...counts.names], metadata: [...counts.metadata], authorities: [...counts.authorities], reflectionMetadata: [...counts.reflectionMetadata] }),
    close: () => server.forceShutdown(),
  };
}
