/** The four kinds of gRPC method, from the proto's (or reflection's) requestStream and responseStream. */
export const CALL_KINDS = ['unary', 'clientStreaming', 'serverStreaming', 'bidi'] as const;
export type CallKind = (typeof CALL_KINDS)[number];

/** requestStream × responseStream → the kind. */
export function callKindOf(requestStream: boolean, responseStream: boolean): CallKind {
  if (requestStream) return responseStream ? 'bidi' : 'clientStreaming';
  return responseStream ? 'serverStreaming' : 'unary';
}

/** The kind in words, for messages and reports ("server streaming"). */
export function callKindWords(kind: CallKind): string {
  return { unary: 'unary', clientStreaming: 'client streaming', serverStreaming: 'server streaming', bidi: 'bidirectional streaming' }[kind];
}

/**
 * Request data: one message object, or the messages of one call in order (client streaming and
 * bidi send them in order; unary and server streaming take one per call, round-robin).
 */
export type RequestData = Record<string, unknown> | Array<Record<string, unknown>>;

/** The data as a list of messages (a single object is a list of one). */
export function requestMessages(data: RequestData): Array<Record<string, unknown>> {
  return Array.isArray(data) ? data : [data];
}
