/**
 * The small interface between the stream driver and the wire, behind which both transports
 * sit: grpc-js (the reference behaviour) and the leaner one on node:http2.
 * Callbacks are plain objects with methods, set once per stream: no closure per message.
 */
export interface StreamEvents {
  /**
   * One response arrived; `key` is the correlation field's value when correlating, `label` the
   * split value (a response field or header, e.g. the version in served_by) when splitting,
   * `response` the whole decoded message when the transport was asked for it (a flow).
   */
  onResponse(key: string | undefined, label: string | undefined, response?: Record<string, unknown>): void;
  /** The transport's send buffer has room again after `send` returned false. */
  onDrain(): void;
  /** The stream is over, exactly once: its gRPC status name ("OK", "UNAVAILABLE", …) and details. */
  onEnd(statusName: string, details: string): void;
}

export interface BidiStream {
  /** Sends one request; false when the transport wants the caller to wait for `onDrain`. */
  send(message: Record<string, unknown>): boolean;
  /** Sends the call's last request and half-closes, in one write where the wire allows it. */
  sendLast(message: Record<string, unknown>): void;
  /** Half-closes the sending side; responses still arrive. */
  halfClose(): void;
  /** Cancels the stream; `onEnd` follows with CANCELLED. */
  cancel(): void;
}

export interface ConnectionEvents {
  /** `address`: the peer's "ip:port" when the transport knows it (http2; grpc-js does not expose its subchannel's). */
  onReady(address?: string): void;
  onLost(): void;
}

export interface Connection {
  /** Resolves once the connection is ready; rejects with the reason after `timeoutMs`. */
  whenReady(timeoutMs: number): Promise<void>;
  /** `metadata` is added to the connection's own for this stream (e.g. canary routing headers). */
  openStream(events: StreamEvents, metadata?: Record<string, string>): BidiStream;
  close(): void;
}

export interface Transport {
  /** Opens one distinct HTTP/2 connection (never shared with another index). */
  connect(index: number, events: ConnectionEvents): Connection;
}
