import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { loadOrderPackageDefinition } from '../../src/target/load-order-package-definition.js';
import type { CreateOrderRequest, CreateOrderResponse } from '../../src/target/order-messages.js';

type ClientConstructor = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => grpc.Client;

const PROTO_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true } as const;

function clientConstructor(definition: grpc.GrpcObject, dottedName: string): ClientConstructor {
  let node: unknown = definition;
  for (const part of dottedName.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'function') throw new Error(`no service ${dottedName} in the loaded protos`);
  return node as ClientConstructor;
}

export interface OrderClient {
  client: grpc.Client;
  /** A new stream, with `metadata` as its request headers when given. */
  createOrderStream(metadata?: grpc.Metadata): grpc.ClientDuplexStream<CreateOrderRequest, CreateOrderResponse>;
  close(): void;
}

/** A real grpc-js client for pb.OrderService over an insecure channel. */
export function openOrderClient(address: string, channelOptions: grpc.ChannelOptions = {}): OrderClient {
  const Client = clientConstructor(grpc.loadPackageDefinition(loadOrderPackageDefinition()), 'pb.OrderService');
  const client = new Client(address, grpc.credentials.createInsecure(), channelOptions);
  return {
    client,
    createOrderStream: (metadata) =>
      (client as unknown as { CreateOrderStream(metadata?: grpc.Metadata): grpc.ClientDuplexStream<CreateOrderRequest, CreateOrderResponse> }).CreateOrderStream(metadata),
    close: () => client.close(),
  };
}

export function orderRequest(requestId: string): CreateOrderRequest {
  return { request_id: requestId, user_id: 'user-1', items: [{ sku_id: 'sku-1', count: 1 }] };
}

export interface StreamOutcome {
  responses: CreateOrderResponse[];
  status: grpc.StatusObject;
}

/**
 * Collects everything a stream yields until it is over: for OK, until both the status and
 * the end of the response stream have arrived; for any other status, as soon as it arrives.
 */
export function collectStream(call: grpc.ClientDuplexStream<CreateOrderRequest, CreateOrderResponse>): Promise<StreamOutcome> {
  return new Promise((resolve) => {
    const responses: CreateOrderResponse[] = [];
    let status: grpc.StatusObject | undefined;
    let ended = false;
    const settle = () => {
      if (status !== undefined && (ended || status.code !== grpc.status.OK)) resolve({ responses, status });
    };
    call.on('data', (response: CreateOrderResponse) => responses.push(response));
    call.on('end', () => {
      ended = true;
      settle();
    });
    call.on('error', () => {
      // The same failure is reported through 'status'.
    });
    call.on('status', (received: grpc.StatusObject) => {
      status = received;
      settle();
    });
  });
}

/** Sends the requests on one new stream, half-closes it and collects the outcome. */
export function runOrderStream(orderClient: OrderClient, requestIds: string[]): Promise<StreamOutcome> {
  const call = orderClient.createOrderStream();
  const outcome = collectStream(call);
  for (const id of requestIds) call.write(orderRequest(id));
  call.end();
  return outcome;
}

/** Resolves with the next response on the stream. */
export function nextResponse(call: grpc.ClientDuplexStream<CreateOrderRequest, CreateOrderResponse>): Promise<CreateOrderResponse> {
  return new Promise((resolve, reject) => {
    const onData = (response: CreateOrderResponse) => {
      call.off('error', onError);
      resolve(response);
    };
    const onError = (error: Error) => {
      call.off('data', onData);
      reject(error);
    };
    call.once('data', onData);
    call.once('error', onError);
  });
}

/** Standard grpc.health.v1.Health/Check against `address`; resolves with the status string. */
export function checkHealth(address: string, service: string): Promise<string> {
  const definition = grpc.loadPackageDefinition(loadSync(healthProtoPath, PROTO_OPTIONS));
  const Client = clientConstructor(definition, 'grpc.health.v1.Health');
  const client = new Client(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    Check(request: { service: string }, callback: (error: grpc.ServiceError | null, response?: { status: string }) => void): void;
  };
  return new Promise<string>((resolve, reject) => {
    client.Check({ service }, (error, response) => {
      client.close();
      if (error) reject(error);
      else resolve(response!.status);
    });
  });
}

/** The v1 reflection proto shipped inside the @grpc/reflection package. */
function reflectionProtoPath(): string {
  const entry = createRequire(import.meta.url).resolve('@grpc/reflection');
  return path.join(path.dirname(entry), '..', 'proto', 'grpc', 'reflection', 'v1', 'reflection.proto');
}

/** grpc.reflection.v1 list_services against `address`; resolves with the service names. */
export function listServicesByReflection(address: string): Promise<string[]> {
  const definition = grpc.loadPackageDefinition(loadSync(reflectionProtoPath(), PROTO_OPTIONS));
  const Client = clientConstructor(definition, 'grpc.reflection.v1.ServerReflection');
  const client = new Client(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    ServerReflectionInfo(): grpc.ClientDuplexStream<
      { list_services: string },
      { list_services_response?: { service: { name: string }[] }; error_response?: { error_message: string } }
    >;
  };
  return new Promise<string[]>((resolve, reject) => {
    const call = client.ServerReflectionInfo();
    call.once('data', (response) => {
      call.end();
      client.close();
      if (response.list_services_response) resolve(response.list_services_response.service.map((entry: { name: string }) => entry.name));
      else reject(new Error(`reflection error: ${response.error_response?.error_message ?? 'no list_services_response'}`));
    });
    call.once('error', (error) => {
      client.close();
      reject(error);
    });
    call.write({ list_services: '*' });
  });
}
