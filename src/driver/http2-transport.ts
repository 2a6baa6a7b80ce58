import * as http2 from 'node:http2';
import { TOOL_VERSION } from '../tool-version.js';
import { binaryHeaderValue, isBinaryKey } from '../grpc/binary-metadata.js';
import { frameMessage } from './grpc-frame-decoder.js';
import { http2ConnectOptions, type Http2TlsOptions } from './http2-connect-options.js';
import { GrpcCode } from './grpc-status-from-headers.js';
import { FailedStream, Http2GrpcStream, type Http2CallContext, type SessionState } from './http2-stream.js';
import type { BidiMethod } from './load-method.js';
import { createResponseFieldReader, type FlowFields } from './response-field-reader.js';
import { createSplicedRequestFramer, type RequestFramer } from './spliced-request-framer.js';
import { routeByTemplate } from './template-routed-framer.js';
import { gzipFramer } from './gzip-framer.js';
import { roundRobinLookup } from './connection-address.js';
import type { LoadBalancingPolicy } from '../types/load-balancing.js';
import type { CompiledMessage } from '../scenario/compile-message-template.js';
import type { BidiStream, Connection, ConnectionEvents, StreamEvents, Transport } from './transport.js';

export interface Http2TransportOptions {
  /** "host:port" ("dns:///host:port" is accepted too). */
  target: string;
  /** Plaintext (h2c) when true; TLS otherwise. */
  insecure: boolean;
  tls?: Http2TlsOptions;
  metadata: Record<string, string>;
  /** A larger response message ends its stream RESOURCE_EXHAUSTED, bytes. */
  maxReceiveMessageBytes: number;
  method: BidiMethod;
  correlateBy?: string;
  /** A flow: the response fields it reads, handed to the stream with every response. */
  flowFields?: FlowFields;
  splitField?: string;
  splitHeader?: string;
  /**
   * The template every request is built from: templated string fields are then spliced into
   * pre-encoded bytes. Without it each distinct message object is encoded in full.
   */
  requestTemplate?: CompiledMessage;
  /** A flow: its sends' templates, each message tagged with its own (template-routed-framer.ts). */
  requestTemplates?: readonly CompiledMessage[];
  /** The :authority pseudo-header instead of the target's host:port (a TLS server name wins). */
  authority?: string;
  /** An HTTP/2 PING every this many ms on each session. */
  keepaliveMs?: number;
  /** A larger request message fails its call RESOURCE_EXHAUSTED, bytes. */
  maxSendMessageBytes?: number;
  /** Requests gzipped on the wire. */
  compression?: 'gzip';
  /** round_robin: each connection dials the next address the target's name resolves to; default pick_first. */
  loadBalancing?: LoadBalancingPolicy;
  /** Staggers where each worker starts in the address list. */
  workerId?: number;
}

const LEGAL_KEY = /^[0-9a-z_.-]+$/;

/** Metadata as request headers: keys lower-cased and checked, "-bin" values base64 on the wire. */
export function metadataHeaders(metadata: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [rawKey, value] of Object.entries(metadata)) {
    const key = rawKey.toLowerCase();
    if (!LEGAL_KEY.test(key)) throw new Error(`metadata key ${JSON.stringify(rawKey)}: only 0-9 a-z _ . - are allowed`);
    headers[key] = isBinaryKey(key) ? binaryHeaderValue(value) : value;
  }
  return headers;
}

function authorityOf(target: string): string {
  return target.replace(/^dns:(\/\/[^/]*\/)?/, '');
}

/**
 * Messages of a templated request are spliced when the template allows it; otherwise a
 * request is encoded once per distinct message object (a static message is framed only once).
 */
export function createFramer(method: BidiMethod, template: CompiledMessage | undefined, templates?: readonly CompiledMessage[]): RequestFramer {
  const serialize = method.definition.requestSerialize as (value: Record<string, unknown>) => Uint8Array;
  if (templates) return routeByTemplate(templates, (t) => createSplicedRequestFramer(t, serialize), createFramer(method, undefined));
  const spliced = template === undefined ? undefined : createSplicedRequestFramer(template, serialize);
  if (spliced) return spliced;
  let lastMessage: Record<string, unknown> | undefined;
  let lastFrame: Buffer | undefined;
  return (message) => {
    if (message !== lastMessage) {
      lastFrame = frameMessage(serialize(message));
      lastMessage = message;
    }
    return lastFrame!;
  };
}

interface Shared {
  url: string;
  connectOptions: http2.SecureClientSessionOptions;
  /** Request headers: the connection's metadata, then the fixed gRPC headers. */
  headers: http2.OutgoingHttpHeaders;
  connectionMetadata: Record<string, string>;
  fixedHeaders: http2.OutgoingHttpHeaders;
  context: Http2CallContext;
  /** A PING every this many ms on each session; absent: none. */
  keepaliveMs?: number;
  loadBalancing: LoadBalancingPolicy;
  workerId: number;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * One HTTP/2 session (one TCP connection) at a time. Ready when the session connects, lost
 * when it closes or the server sends GOAWAY; a stream opened after that starts a new session,
 * as a gRPC channel would reconnect.
 */
class Http2Connection implements Connection {
  private session: http2.ClientHttp2Session | undefined;
  private state: SessionState = { lostReason: undefined };
  /** Sessions not yet closed, the current one and any still draining after GOAWAY. */
  private readonly sessions = new Set<http2.ClientHttp2Session>();
  private ready = false;
  private closed = false;
  private failure: Error | undefined;
  private waiters: Waiter[] = [];
  private lastStreamMetadata: Record<string, string> | undefined;
  private lastStreamHeaders: http2.OutgoingHttpHeaders | undefined;

  private readonly connectOptions: http2.SecureClientSessionOptions;

  constructor(
    private readonly shared: Shared,
    private readonly events: ConnectionEvents,
    index: number,
  ) {
    this.connectOptions = shared.loadBalancing === 'round_robin' ? { ...shared.connectOptions, lookup: roundRobinLookup(index, shared.workerId) } : shared.connectOptions;
    this.startSession();
  }

  private startSession(): http2.ClientHttp2Session {
    const session = http2.connect(this.shared.url, this.connectOptions);
    const state: SessionState = { lostReason: undefined };
    this.session = session;
    this.state = state;
    this.failure = undefined;
    this.sessions.add(session);
    const isCurrent = (): boolean => this.session === session;
    const lose = (reason: string): void => {
      state.lostReason ??= reason;
      if (!isCurrent()) return;
      this.session = undefined;
      if (this.ready) {
        this.ready = false;
        this.events.onLost();
      }
    };
    session.on('connect', () => {
      if (!isCurrent() || this.closed) return;
      this.ready = true;
      const socket = session.socket;
      this.events.onReady(socket?.remoteAddress === undefined ? undefined : `${socket.remoteFamily === 'IPv6' ? `[${socket.remoteAddress}]` : socket.remoteAddress}:${socket.remotePort}`);
      this.settle(undefined);
    });
    session.on('error', (error: Error) => {
      if (isCurrent()) {
        this.failure = error;
        this.settle(error);
      }
      lose(error.message);
    });
    session.on('goaway', (errorCode: number) => {
      lose(`the server sent GOAWAY (error code ${errorCode})`);
    });
    const pings = this.shared.keepaliveMs === undefined ? undefined : setInterval(() => session.ping(() => undefined), this.shared.keepaliveMs);
    pings?.unref();
    session.on('close', () => {
      if (pings) clearInterval(pings);
      this.sessions.delete(session);
      if (isCurrent() && !this.ready) this.settle(this.failure ?? new Error(`connection to ${this.shared.url} closed before it was ready`));
      lose('the connection closed');
    });
    return session;
  }

  /** Resolves or rejects every waiter of the current session. */
  private settle(error: Error | undefined): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }

  whenReady(timeoutMs: number): Promise<void> {
    if (this.ready) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('connection closed'));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new Error(`connection to ${this.shared.url} not ready within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  openStream(events: StreamEvents, metadata?: Record<string, string>): BidiStream {
    if (this.closed) return new FailedStream(events, { code: GrpcCode.UNAVAILABLE, details: 'connection closed' });
    const session = this.session && !this.session.closed && !this.session.destroyed ? this.session : this.startSession();
    const headers = metadata ? this.headersWith(metadata) : this.shared.headers;
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request(headers, { endStream: false });
    } catch (error) {
      return new FailedStream(events, { code: GrpcCode.UNAVAILABLE, details: `cannot open a stream: ${(error as Error).message}` });
    }
    return new Http2GrpcStream(stream, events, this.shared.context, this.state);
  }

  /** Per-stream metadata (the same routing object for many streams) is converted once. */
  private headersWith(metadata: Record<string, string>): http2.OutgoingHttpHeaders {
    if (metadata !== this.lastStreamMetadata) {
      this.lastStreamMetadata = metadata;
      this.lastStreamHeaders = { ...this.shared.connectionMetadata, ...metadataHeaders(metadata), ...this.shared.fixedHeaders };
    }
    return this.lastStreamHeaders!;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.ready) {
      this.ready = false;
      this.events.onLost();
    }
    this.session = undefined;
    this.settle(new Error('connection closed'));
    for (const session of this.sessions) {
      if (session.connecting) session.destroy();
      else session.close();
    }
    this.sessions.clear();
  }
}

/** gRPC over node:http2 directly: one session per connection, streams framed by hand. */
export function createHttp2Transport(options: Http2TransportOptions): Transport {
  const address = authorityOf(options.target);
  const scheme = options.insecure ? 'http' : 'https';
  const tls = options.tls ?? {};
  const authority = (!options.insecure && tls.authority) || options.authority || address;
  const connectOptions = http2ConnectOptions(options.insecure, tls);
  const needFields = options.correlateBy !== undefined || options.splitField !== undefined || options.flowFields !== undefined;
  const connectionMetadata = metadataHeaders(options.metadata);
  const fixedHeaders: http2.OutgoingHttpHeaders = {
    [http2.constants.HTTP2_HEADER_METHOD]: 'POST',
    [http2.constants.HTTP2_HEADER_SCHEME]: scheme,
    [http2.constants.HTTP2_HEADER_PATH]: options.method.path,
    [http2.constants.HTTP2_HEADER_AUTHORITY]: authority,
    'content-type': 'application/grpc',
    te: 'trailers',
    'user-agent': `grpc-bench/${TOOL_VERSION} (node:http2)`,
    'grpc-accept-encoding': 'identity,deflate,gzip',
    ...(options.compression === 'gzip' ? { 'grpc-encoding': 'gzip' } : {}),
  };
  const shared: Shared = {
    url: `${scheme}://${address}`,
    connectOptions,
    headers: { ...connectionMetadata, ...fixedHeaders },
    connectionMetadata,
    fixedHeaders,
    ...(options.keepaliveMs === undefined ? {} : { keepaliveMs: options.keepaliveMs }),
    loadBalancing: options.loadBalancing ?? 'pick_first',
    workerId: options.workerId ?? 0,
    context: {
      frame: options.compression === 'gzip' ? gzipFramer(createFramer(options.method, options.requestTemplate, options.requestTemplates)) : createFramer(options.method, options.requestTemplate, options.requestTemplates),
      reader: needFields ? createResponseFieldReader(options.method, options.correlateBy, options.splitField, options.flowFields) : undefined,
      splitHeader: options.splitHeader?.toLowerCase(),
      maxMessageBytes: options.maxReceiveMessageBytes,
      ...(options.maxSendMessageBytes === undefined ? {} : { maxSendMessageBytes: options.maxSendMessageBytes }),
    },
  };
  return { connect: (index, events) => new Http2Connection(shared, events, index) };
}
