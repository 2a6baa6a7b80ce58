import { Server, ServerCredentials, loadPackageDefinition, type ServerDuplexStream, type ServiceDefinition } from '@grpc/grpc-js';
import { loadOrderPackageDefinition } from '../../src/target/load-order-package-definition.js';
import type { CreateOrderRequest, CreateOrderResponse } from '../../src/target/order-messages.js';

export interface RepeatingServerStats {
  streams: number;
  requestsRead: number;
  responsesWritten: number;
  /** Streams the server ended OK (it saw the client's half-close). */
  streamsEndedOk: number;
}

export interface RepeatingServer {
  address: string;
  stats(): RepeatingServerStats;
  close(): Promise<void>;
}

/**
 * pb.OrderService on 127.0.0.1:0 (grpc-js) that answers every request `repeat` times, each
 * answer echoing the request's request_id; on the client's half-close it ends the stream OK
 * once every answer it queued is written. The client's in-flight window frees on the first
 * answer, so the rest pile up in the server's write queue.
 */
export async function startRepeatingServer(repeat: number): Promise<RepeatingServer> {
  const stats: RepeatingServerStats = { streams: 0, requestsRead: 0, responsesWritten: 0, streamsEndedOk: 0 };
  const pb = loadPackageDefinition(loadOrderPackageDefinition())['pb'] as Record<string, { service: ServiceDefinition }>;
  const server = new Server();
  server.addService(pb['OrderService']!.service, {
    CreateOrderStream: (call: ServerDuplexStream<CreateOrderRequest, CreateOrderResponse>) => {
      stats.streams++;
      call.on('data', (request: CreateOrderRequest) => {
        stats.requestsRead++;
        for (let i = 0; i < repeat; i++) {
          call.write({ request_id: request.request_id, order_id: `repeat-${stats.responsesWritten}`, status: 'CREATED', served_by: 'repeating' });
          stats.responsesWritten++;
        }
      });
      call.on('end', () => {
        stats.streamsEndedOk++;
        call.end();
      });
      call.on('error', () => {
        // Cancelled by the client.
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    address: `127.0.0.1:${port}`,
    stats: () => ({ ...stats }),
    close: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
      }),
  };
}
