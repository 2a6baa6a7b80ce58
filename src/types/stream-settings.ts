/** How each stream runs: the scenario's `stream` section in ms, as the workers and the report get it. */
export interface StreamSettings {
  /** Requests per stream before half-close; undefined = until the stream's duration or the run ends. */
  messages?: number;
  /** Server streaming: responses after which the client ends the call (ghz's --stream-call-count). */
  receiveMessages?: number;
  /** Lifetime of one stream, ms (server streaming: the client ends the call then, as ghz's --stream-call-duration). */
  durationMs?: number;
  /** Pause between sends on one stream, ms. */
  intervalMs: number;
  /** Requests in flight per stream. */
  window: number;
  /** A response field that echoes the request field of the same name. */
  correlateBy?: string;
  /** Per-message timeout, ms. */
  timeoutMs?: number;
}
