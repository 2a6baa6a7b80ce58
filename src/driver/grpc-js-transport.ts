import * as grpc from '@grpc/grpc-js';
import type { TlsMaterial } from '../types/worker-protocol.js';
import type { LoadBalancingPolicy } from '../types/load-balancing.js';
import { loadBalancingServiceConfig } from './load-balancing-service-config.js';
import { binaryValueBytes, isBinaryKey } from '../grpc/binary-metadata.js';
import { channelSecurity, type ChannelSecurity } from './channel-credentials.js';
import type { BidiMethod } from './load-method.js';
import { createResponseFieldReader, type FlowFields, type ResponseFields } from './response-field-reader.js';
import { createSplicedRequestEncoder } from './spliced-request-framer.js';
import { routeByTemplate } from './template-routed-framer.js';
import type { CompiledMessage } from '../scenario/compile-message-template.js';
import { statusName } from '../grpc/status-names.js';
import { uniformRefusalDetails } from './refused-stream.js';
import type { BidiStream, Connection, ConnectionEvents, StreamEvents, Transport } from './transport.js';

export interface GrpcJsTransportOptions {
  target: string;
  insecure: boolean;
  /** TLS material when not insecure; absent: the system's roots, no client certificate. */
  tls?: TlsMaterial;
  metadata: Record<string, string>;
  /** A larger response message ends its stream RESOURCE_EXHAUSTED, bytes. */
  maxReceiveMessageBytes: number;
  method: BidiMethod;
  /** Response field used to correlate responses with requests. */
  correlateBy?: string;
  /** A flow: the response fields it reads, handed to the stream with every response. */
  flowFields?: FlowFields;
  /** Split results by this response field … */
  splitField?: string;
  /** … or by this response header. */
  splitHeader?: string;
  /** The :authority pseudo-header instead of the target's host:port. */
  authority?: string;
  /** An HTTP/2 PING every this many ms on each connection. */
  keepaliveMs?: number;
  /** pick_first (grpc-js's default) or round_robin over the addresses the target resolves to. */
  loadBalancing?: LoadBalancingPolicy;
  /** A larger request message fails its call RESOURCE_EXHAUSTED, bytes. */
  maxSendMessageBytes?: number;
  /** Requests gzipped on the wire. */
  compression?: 'gzip';
  /** Makes connection options unique across workers too (grpc-js pools subchannels per thread). */
  workerId: number;
  /**
   * The template every request is built from: templated string fields are then spliced into
   * pre-encoded bytes (both transports). Without it each distinct message object is encoded in full.
   */
  requestTemplate?: CompiledMessage;
  /** A flow: its sends' templates, each message tagged with its own (template-routed-framer.ts). */
  requestTemplates?: readonly CompiledMessage[];
}

type Call = grpc.ClientDuplexStream<Record<string, unknown>, ResponseFields>;

/** One stream on grpc-js; listeners are methods bound once per stream, not per message. */
class GrpcJsStream implements BidiStream {
  private ended = false;
  private readEnded = false;
  private status: grpc.StatusObject | undefined;

  private headerLabel: string | undefined;

  constructor(
    private readonly call: Call,
    private readonly events: StreamEvents,
    private readonly split: { field?: string; header?: string },
  ) {
    call.on('data', this.handleData);
    if (split.header !== undefined) call.on('metadata', this.handleHeaders);
    call.on('status', this.handleStatus);
    call.on('end', this.handleEnd);
    call.on('drain', this.handleDrain);
    // 'error' precedes 'status' for non-OK ends; the status carries everything we count.
    call.on('error', noop);
  }

  private readonly handleData = (response: ResponseFields): void => {
    this.events.onResponse(response.key, this.split.field === undefined ? this.headerLabel : response.label, response.response);
  };

  private readonly handleHeaders = (metadata: grpc.Metadata): void => {
    const values = metadata.get(this.split.header!);
    this.headerLabel = values.length ? String(values[0]) : '(none)';
  };

  // grpc-js may emit an OK 'status' before the last buffered 'data': an OK stream is over once
  // both 'status' and 'end' were seen; a failed one at its status (its stream is destroyed).
  private readonly handleStatus = (result: grpc.StatusObject): void => {
    this.status = result;
    if (result.code !== grpc.status.OK || this.readEnded) this.finish();
  };

  private readonly handleDrain = (): void => {
    this.events.onDrain();
  };

  private readonly handleEnd = (): void => {
    this.readEnded = true;
    if (this.status) this.finish();
  };

  private finish(): void {
    if (this.ended || !this.status) return;
    this.ended = true;
    const name = statusName(this.status.code);
    this.events.onEnd(name, uniformRefusalDetails(name, this.status.details ?? ''));
  }

  send(message: Record<string, unknown>): boolean {
    return this.call.write(message);
  }

  sendLast(message: Record<string, unknown>): void {
    this.call.end(message);
  }

  halfClose(): void {
    this.call.end();
  }

  cancel(): void {
    this.call.cancel();
  }
}

function noop(): void {}

type ChannelCall = ReturnType<grpc.ChannelInterface['createCall']>;

/**
 * A unary or server-streaming call on grpc-js: its one request goes out with the half-close, on a
 * call made straight on the client's channel (what grpc-js's own unary call sits on) — no Node
 * stream object per call, and no cardinality check, so that both transports count the same
 * statuses whatever the server sends. Responses are read as raw bytes, as the deserializer reads them.
 */
class GrpcJsOneRequestCall implements BidiStream, grpc.InterceptingListener {
  private readonly call: ChannelCall;
  private headerLabel: string | undefined;
  private ended = false;

  constructor(
    channel: grpc.ChannelInterface,
    path: string,
    metadata: grpc.Metadata,
    private readonly events: StreamEvents,
    private readonly serialize: (message: Record<string, unknown>) => Buffer,
    private readonly deserialize: (bytes: Buffer) => ResponseFields,
    private readonly split: { field?: string; header?: string },
  ) {
    this.call = channel.createCall(path, Infinity, null, null, null);
    // The channel's call stack may keep the metadata object: each call gets its own.
    this.call.start(metadata.clone(), this);
    this.call.startRead();
  }

  onReceiveMetadata(metadata: grpc.Metadata): void {
    if (this.split.header === undefined) return;
    const values = metadata.get(this.split.header);
    this.headerLabel = values.length ? String(values[0]) : '(none)';
  }

  onReceiveMessage(bytes: Buffer): void {
    const response = this.deserialize(bytes);
    this.events.onResponse(response.key, this.split.field === undefined ? this.headerLabel : response.label);
    this.call.startRead();
  }

  onReceiveStatus(status: grpc.StatusObject): void {
    if (this.ended) return;
    this.ended = true;
    const name = statusName(status.code);
    this.events.onEnd(name, uniformRefusalDetails(name, status.details ?? ''));
  }

  /** The call's one request goes out with the half-close (sendLast); a plain send is not expected. */
  send(message: Record<string, unknown>): boolean {
    this.call.sendMessageWithContext({}, this.serialize(message));
    return true;
  }

  sendLast(message: Record<string, unknown>): void {
    this.call.sendMessageWithContext({}, this.serialize(message));
    this.call.halfClose();
  }

  halfClose(): void {
    this.call.halfClose();
  }

  cancel(): void {
    this.call.cancelWithStatus(grpc.status.CANCELLED, 'Cancelled on client');
  }
}

/** A "-bin" value is given in base64 and sent as its bytes. */
function metadataValue(key: string, value: string): string | Buffer {
  return isBinaryKey(key.toLowerCase()) ? binaryValueBytes(value) : value;
}

class GrpcJsConnection implements Connection {
  private readonly client: grpc.Client;
  private readonly metadata: grpc.Metadata;
  private wasReady = false;
  private closed = false;
  constructor(
    private readonly options: GrpcJsTransportOptions,
    security: ChannelSecurity,
    index: number,
    private readonly events: ConnectionEvents,
    private readonly serialize: (message: Record<string, unknown>) => Buffer,
    private readonly deserialize: (bytes: Buffer) => ResponseFields,
  ) {
    // A distinct option per connection keeps grpc-js from sharing one HTTP/2 session between clients.
    this.client = new grpc.Client(options.target, security.credentials, {
      ...security.options,
      'grpc.use_local_subchannel_pool': 1,
      'grpc-bench.connection-id': `${options.workerId}-${index}`,
      'grpc.max_receive_message_length': options.maxReceiveMessageBytes,
      ...(options.authority === undefined ? {} : { 'grpc.default_authority': options.authority }),
      ...(options.maxSendMessageBytes === undefined ? {} : { 'grpc.max_send_message_length': options.maxSendMessageBytes }),
      // grpc-js numbers its algorithms: 2 is gzip.
      ...(options.compression === 'gzip' ? { 'grpc.default_compression_algorithm': 2 } : {}),
      ...(options.loadBalancing === undefined ? {} : { 'grpc.service_config': loadBalancingServiceConfig(options.loadBalancing) }),
      ...(options.keepaliveMs === undefined ? {} : { 'grpc.keepalive_time_ms': options.keepaliveMs, 'grpc.keepalive_permit_without_calls': 1 }),
    });
    this.metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(options.metadata)) this.metadata.set(key, metadataValue(key, value));
    this.watch(this.client.getChannel().getConnectivityState(true));
  }

  /** Follows connectivity changes for as long as the connection lives, to count ready/lost. */
  private watch(current: grpc.connectivityState): void {
    if (this.closed) return;
    const isReady = current === grpc.connectivityState.READY;
    if (isReady && !this.wasReady) this.events.onReady();
    if (!isReady && this.wasReady) this.events.onLost();
    this.wasReady = isReady;
    if (current === grpc.connectivityState.SHUTDOWN) return;
    this.client.getChannel().watchConnectivityState(current, Infinity, () => {
      this.watch(this.client.getChannel().getConnectivityState(false));
    });
  }

  whenReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.waitForReady(Date.now() + timeoutMs, (error) => (error ? reject(error) : resolve()));
    });
  }

  openStream(events: StreamEvents, metadata?: Record<string, string>): BidiStream {
    const { path } = this.options.method;
    let streamMetadata = this.metadata;
    if (metadata) {
      streamMetadata = this.metadata.clone();
      for (const [key, value] of Object.entries(metadata)) streamMetadata.set(key, metadataValue(key, value));
    }
    const split = { ...(this.options.splitField ? { field: this.options.splitField } : {}), ...(this.options.splitHeader ? { header: this.options.splitHeader } : {}) };
    const { kind } = this.options.method;
    if (kind === 'unary' || kind === 'serverStreaming') {
      return new GrpcJsOneRequestCall(this.client.getChannel(), path, streamMetadata, events, this.serialize, this.deserialize, split);
    }
    const call = this.client.makeBidiStreamRequest(path, this.serialize, this.deserialize, streamMetadata, {});
    return new GrpcJsStream(call, events, split);
  }

  close(): void {
    if (this.closed) return;
    if (this.wasReady) this.events.onLost();
    this.wasReady = false;
    this.closed = true;
    this.client.close();
  }
}

/**
 * Spliced when the template allows it; otherwise a request is encoded once per distinct message
 * object (a message without templates is the same object every time: encoded once).
 */
export function createSerializer(options: Pick<GrpcJsTransportOptions, 'method' | 'requestTemplate' | 'requestTemplates'>): (message: Record<string, unknown>) => Buffer {
  const serialize = options.method.definition.requestSerialize as (value: Record<string, unknown>) => Buffer;
  const { requestTemplates } = options;
  if (requestTemplates) return routeByTemplate(requestTemplates, (t) => createSplicedRequestEncoder(t, serialize), createSerializer({ method: options.method }));
  const spliced = options.requestTemplate === undefined ? undefined : createSplicedRequestEncoder(options.requestTemplate, serialize);
  if (spliced) return spliced;
  let lastMessage: Record<string, unknown> | undefined;
  let lastBytes: Buffer | undefined;
  return (message) => {
    if (message !== lastMessage) {
      lastBytes = serialize(message);
      lastMessage = message;
    }
    return lastBytes!;
  };
}

/** What a response without a field to read yields: nothing is decoded. */
const NO_FIELDS: ResponseFields = Object.freeze({ key: undefined, label: undefined });

/**
 * Responses are read only as far as the counts need, as on the http2 transport: not at all
 * without a correlation or split field, otherwise just those fields. A full protobuf decode
 * of every response is CPU a load generator spends on nothing it reports.
 */
function createDeserializer(options: GrpcJsTransportOptions): (bytes: Buffer) => ResponseFields {
  if (options.correlateBy === undefined && options.splitField === undefined && options.flowFields === undefined) return () => NO_FIELDS;
  const read = createResponseFieldReader(options.method, options.correlateBy, options.splitField, options.flowFields);
  return (bytes) => {
    // A new object per response: grpc-js may hold several decoded messages before emitting them.
    const fields: ResponseFields = { key: undefined, label: undefined };
    read(bytes, fields, 0, bytes.length);
    return fields;
  };
}

export function createGrpcJsTransport(options: GrpcJsTransportOptions): Transport {
  // One TLS context for all connections: certificates are parsed once.
  const security = channelSecurity(options);
  // One serializer and deserializer for all connections: the pre-encoded parts are built once.
  const serialize = createSerializer(options);
  const deserialize = createDeserializer(options);
  return { connect: (index, events) => new GrpcJsConnection(options, security, index, events, serialize, deserialize) };
}
