import { constants, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import { kMaxLength } from 'node:buffer';
import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { binaryValueBytes } from '../grpc/binary-metadata.js';
import { GrpcFrameDecoder, type GrpcMessageSink } from './grpc-frame-decoder.js';
import { GrpcCode, statusFromHeaders, statusFromHttpStatus, statusFromResetCode, type GrpcStatus } from './grpc-status-from-headers.js';
import type { ResponseFieldReader, ResponseFields } from './response-field-reader.js';
import { statusName } from '../grpc/status-names.js';
import type { BidiStream, StreamEvents } from './transport.js';

/** What every stream of a transport shares: how to encode requests and read responses. */
export interface Http2CallContext {
  /** The framed request (prefix + payload); the same buffer again for the same message object. */
  frame(message: Record<string, unknown>): Buffer;
  /** Reads correlation/split fields; undefined when no response needs decoding at all. */
  reader: ResponseFieldReader | undefined;
  /** Lower-case response header that labels responses, when splitting by header. */
  splitHeader: string | undefined;
  /** A larger response message ends its stream RESOURCE_EXHAUSTED, bytes. */
  maxMessageBytes: number;
  /** A larger request message ends its call RESOURCE_EXHAUSTED before it is sent, bytes; absent: no limit. */
  maxSendMessageBytes?: number;
}

/** Why a session went away, shared by its streams: a stream it takes down ends UNAVAILABLE. */
export interface SessionState {
  lostReason: string | undefined;
}

/** Node's errors when a session takes its streams down with it (not the peer resetting one). */
const SESSION_ERRORS = new Set(['ERR_HTTP2_STREAM_CANCEL', 'ERR_HTTP2_GOAWAY_SESSION', 'ERR_HTTP2_SESSION_ERROR', 'ERR_HTTP2_INVALID_SESSION', 'ERR_HTTP2_SOCKET_UNBOUND']);

function headerText(value: string | string[] | undefined, binary: boolean): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return binary ? binaryValueBytes(first).toString('utf8') : first;
}

/**
 * One gRPC bidi stream on an HTTP/2 stream. Listeners are methods bound once per stream;
 * each response costs a frame scan and, only when correlating or splitting by a field, a
 * read of those fields.
 */
export class Http2GrpcStream implements BidiStream, GrpcMessageSink {
  /** Replaced by one that keeps payloads when responses come compressed (see handleResponse). */
  private decoder: GrpcFrameDecoder;
  private readonly fields: ResponseFields = { key: undefined, label: undefined };
  private status: GrpcStatus | undefined;
  /** A response that is not gRPC (HTTP status ≠ 200): its body is not decoded. */
  private ignoreBody = false;
  private headerLabel: string | undefined;
  private encoding: string | undefined;
  private cancelledByUs = false;
  /** Set when a response could not be read: nothing after it counts. */
  private broken = false;
  private streamError: (Error & { code?: string }) | undefined;
  private finished = false;
  /** The response side ended (END_STREAM received). */
  private readEnded = false;

  constructor(
    private readonly stream: ClientHttp2Stream,
    private readonly events: StreamEvents,
    private readonly context: Http2CallContext,
    private readonly session: SessionState,
  ) {
    this.decoder = new GrpcFrameDecoder(this, context.reader !== undefined, context.maxMessageBytes);
    stream.on('response', this.handleResponse);
    stream.on('data', this.handleData);
    stream.on('trailers', this.handleTrailers);
    stream.on('end', this.handleEnd);
    stream.on('close', this.handleClose);
    stream.on('error', this.handleError);
    stream.on('drain', this.handleDrain);
  }

  send(message: Record<string, unknown>): boolean {
    if (this.finished || this.stream.destroyed) return true;
    const framed = this.context.frame(message);
    if (this.overSendLimit(framed)) return true;
    return this.stream.write(framed);
  }

  /** As grpc-js with grpc.max_send_message_length: a request over the limit fails its call instead of going out. */
  private overSendLimit(framed: Buffer): boolean {
    const max = this.context.maxSendMessageBytes;
    // 5 bytes of gRPC prefix before the message.
    if (max === undefined || framed.length - 5 <= max) return false;
    this.fail(`Sent message larger than max (${framed.length - 5} vs. ${max})`, GrpcCode.RESOURCE_EXHAUSTED);
    return true;
  }

  sendLast(message: Record<string, unknown>): void {
    if (this.finished || this.stream.destroyed || this.stream.writableEnded) return;
    const framed = this.context.frame(message);
    if (!this.overSendLimit(framed)) this.stream.end(framed);
  }

  halfClose(): void {
    if (!this.finished && !this.stream.writableEnded) this.stream.end();
  }

  cancel(): void {
    if (this.finished) return;
    this.cancelledByUs = true;
    this.stream.close(constants.NGHTTP2_CANCEL);
  }

  onMessage(payload: Buffer | undefined, compressed: boolean, start: number, end: number): void {
    if (this.finished || this.broken) return;
    const reader = this.context.reader;
    if (payload === undefined) {
      this.events.onResponse(undefined, this.headerLabel);
      return;
    }
    let bytes = payload;
    if (compressed) {
      try {
        bytes = this.decompress(payload.subarray(start, end));
      } catch (error) {
        this.failDecompress(error as Error & { code?: string });
        return;
      }
      start = 0;
      end = bytes.length;
    }
    // Kept only to inflate it (a compressed response nobody reads): grpc-js inflates every one too.
    if (reader === undefined) {
      this.events.onResponse(undefined, this.headerLabel);
      return;
    }
    try {
      reader(bytes, this.fields, start, end);
    } catch (error) {
      this.fail(`cannot decode a response: ${(error as Error).message}`);
      return;
    }
    this.events.onResponse(this.fields.key, this.context.splitHeader === undefined ? this.fields.label : this.headerLabel, this.fields.response);
  }

  onFrameError(reason: string): void {
    this.fail(reason);
  }

  onMessageTooLarge(lengthBytes: number, maxBytes: number): void {
    // grpc-js's words for the same limit, so both transports count the same status and details.
    this.fail(`Received message larger than max (${lengthBytes} vs ${maxBytes})`, GrpcCode.RESOURCE_EXHAUSTED);
  }

  /** Inflates a compressed message; past the receive limit it throws (ERR_BUFFER_TOO_LARGE) before inflating further. */
  private decompress(payload: Buffer): Buffer {
    const max = this.context.maxMessageBytes;
    const limit = max < kMaxLength ? { maxOutputLength: Math.max(1, max) } : {};
    switch (this.encoding) {
      case 'gzip':
        return gunzipSync(payload, limit);
      case 'deflate':
        try {
          return inflateSync(payload, limit);
        } catch (error) {
          if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw error;
          return inflateRawSync(payload, limit);
        }
      default:
        throw new Error(`compressed message with grpc-encoding ${JSON.stringify(this.encoding ?? '(none)')}`);
    }
  }

  /** grpc-js's statuses and words for the same failures, so both transports count alike. */
  private failDecompress(error: Error & { code?: string }): void {
    if (error.code === 'ERR_BUFFER_TOO_LARGE') {
      this.fail(`Received message that decompresses to a size larger than ${this.context.maxMessageBytes}`, GrpcCode.RESOURCE_EXHAUSTED);
    } else if (this.encoding === 'gzip' || this.encoding === 'deflate') {
      this.fail(`Failed to decompress ${this.encoding}-encoded message`);
    } else this.fail(`cannot decode a response: ${error.message}`);
  }

  /** A client-side failure (bad framing, undecodable or too large a response): INTERNAL unless said, and the stream is reset. */
  private fail(details: string, code: number = GrpcCode.INTERNAL): void {
    if (this.broken) return;
    this.broken = true;
    this.status = { code, details };
    if (!this.stream.closed) this.stream.close(constants.NGHTTP2_CANCEL);
  }

  private readonly handleResponse = (headers: IncomingHttpHeaders): void => {
    const trailersOnly = statusFromHeaders(headers);
    if (trailersOnly) {
      this.status = trailersOnly;
      return;
    }
    const httpStatus = Number(headers[':status'] ?? 0);
    if (httpStatus !== 200) {
      this.ignoreBody = true;
      this.status = statusFromHttpStatus(httpStatus);
      return;
    }
    const contentType = headers['content-type'];
    if (contentType === undefined || !contentType.startsWith('application/grpc')) {
      this.ignoreBody = true;
      this.status = { code: GrpcCode.UNKNOWN, details: `response content-type ${JSON.stringify(contentType ?? '(none)')} is not application/grpc` };
      return;
    }
    const encoding = headers['grpc-encoding'];
    if (typeof encoding === 'string' && encoding !== 'identity') {
      this.encoding = encoding;
      // Compressed responses are inflated even when nobody reads them: the receive limit applies to their inflated size.
      if (this.context.reader === undefined) this.decoder = new GrpcFrameDecoder(this, true, this.context.maxMessageBytes);
    }
    const split = this.context.splitHeader;
    if (split !== undefined) this.headerLabel = headerText(headers[split], split.endsWith('-bin')) ?? '(none)';
  };

  private readonly handleData = (chunk: Buffer): void => {
    if (!this.ignoreBody) this.decoder.push(chunk);
  };

  private readonly handleTrailers = (trailers: IncomingHttpHeaders): void => {
    if (this.status !== undefined) return;
    this.status = statusFromHeaders(trailers) ?? { code: GrpcCode.INTERNAL, details: 'trailers without grpc-status' };
  };

  private readonly handleEnd = (): void => {
    this.readEnded = true;
    if (this.status !== undefined) this.finish();
  };

  private readonly handleError = (error: Error): void => {
    this.streamError ??= error;
  };

  private readonly handleDrain = (): void => {
    if (!this.finished) this.events.onDrain();
  };

  private readonly handleClose = (): void => {
    if (this.finished) return;
    if (this.status === undefined) this.status = this.statusAtClose();
    this.finish();
  };

  /** The stream closed before its gRPC status: who closed it decides the status. */
  private statusAtClose(): GrpcStatus {
    if (this.cancelledByUs) return { code: GrpcCode.CANCELLED, details: 'cancelled by the client' };
    const code = this.streamError?.code;
    if (this.session.lostReason !== undefined || (code !== undefined && (SESSION_ERRORS.has(code) || !code.startsWith('ERR_')))) {
      return { code: GrpcCode.UNAVAILABLE, details: `connection lost: ${this.session.lostReason ?? this.streamError!.message}` };
    }
    const rstCode = this.stream.rstCode ?? constants.NGHTTP2_NO_ERROR;
    if (rstCode === constants.NGHTTP2_NO_ERROR) {
      return { code: GrpcCode.INTERNAL, details: this.streamError ? `stream closed without a gRPC status: ${this.streamError.message}` : 'stream closed without a gRPC status' };
    }
    return statusFromResetCode(rstCode);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    let { code, details } = this.status!;
    if (code === GrpcCode.OK && this.decoder.midMessage) {
      code = GrpcCode.INTERNAL;
      details = 'stream ended inside a message';
    }
    // The status ends the call; a side still open is closed so the session forgets the stream.
    // Both sides ended (a unary call, a drained half-closed stream): the stream is closed by the
    // protocol already, and a reset would reach the server as a frame on a closed stream, which
    // Node's server counts as invalid (after 1,000 it ends the session with GOAWAY).
    if (!this.stream.closed && !(this.readEnded && this.stream.writableEnded)) this.stream.close(constants.NGHTTP2_NO_ERROR);
    this.events.onEnd(statusName(code), details);
  }
}

/** A stream that could not be opened (no session, bad headers): it ends on the next turn. */
export class FailedStream implements BidiStream {
  private ended = false;

  constructor(
    private readonly events: StreamEvents,
    private readonly status: GrpcStatus,
  ) {
    setImmediate(this.end);
  }

  private readonly end = (): void => {
    if (this.ended) return;
    this.ended = true;
    this.events.onEnd(statusName(this.status.code), this.status.details);
  };

  send(): boolean {
    return true;
  }

  sendLast(): void {}

  halfClose(): void {}

  /** The end is already on its way; a cancel only changes what it reports. */
  cancel(): void {
    this.status.code = GrpcCode.CANCELLED;
    this.status.details = 'cancelled by the client';
  }
}
