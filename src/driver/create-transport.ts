import { createGrpcJsTransport, type GrpcJsTransportOptions } from './grpc-js-transport.js';
import { http2TlsFrom } from './http2-connect-options.js';
import { createHttp2Transport } from './http2-transport.js';
import type { Transport } from './transport.js';

/** The wire implementations behind the Transport interface. */
export const TRANSPORT_KINDS = ['grpc-js', 'http2'] as const;
export type TransportKind = (typeof TRANSPORT_KINDS)[number];

export type TransportOptions = GrpcJsTransportOptions;

/** grpc-js (the default, the reference behaviour) or the leaner node:http2 one. */
export function createTransport(kind: TransportKind | undefined, options: TransportOptions): Transport {
  if (kind !== 'http2') return createGrpcJsTransport(options);
  const tls = options.tls;
  return createHttp2Transport({
    target: options.target,
    insecure: options.insecure,
    ...(tls === undefined ? {} : { tls: http2TlsFrom(tls) }),
    metadata: options.metadata,
    maxReceiveMessageBytes: options.maxReceiveMessageBytes,
    ...(options.authority === undefined ? {} : { authority: options.authority }),
    ...(options.keepaliveMs === undefined ? {} : { keepaliveMs: options.keepaliveMs }),
    ...(options.loadBalancing === undefined ? {} : { loadBalancing: options.loadBalancing }),
    workerId: options.workerId,
    ...(options.maxSendMessageBytes === undefined ? {} : { maxSendMessageBytes: options.maxSendMessageBytes }),
    ...(options.compression === undefined ? {} : { compression: options.compression }),
    method: options.method,
    ...(options.correlateBy === undefined ? {} : { correlateBy: options.correlateBy }),
    ...(options.flowFields === undefined ? {} : { flowFields: options.flowFields }),
    ...(options.splitField === undefined ? {} : { splitField: options.splitField }),
    ...(options.splitHeader === undefined ? {} : { splitHeader: options.splitHeader }),
    ...(options.requestTemplate === undefined ? {} : { requestTemplate: options.requestTemplate }),
    ...(options.requestTemplates === undefined ? {} : { requestTemplates: options.requestTemplates }),
  });
}
