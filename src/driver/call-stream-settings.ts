import type { CallKind } from '../types/call-kind.js';
import type { StreamSettings } from '../types/stream-settings.js';

/**
 * The scenario's `stream` settings as one call of `kind` runs them:
 * - unary and server streaming send one request per call (then half-close); a server-streaming call
 *   ends on the client's side after `stream.messages` responses or `stream.duration`, as in ghz;
 * - client streaming sends `stream.messages`, else the data's messages (one, or each of a list), else
 *   for `stream.duration`; nothing is answered before the half-close, so no window holds it back;
 * - bidi keeps its settings; a data list, or a count of calls without another bound on a stream,
 *   makes a call send the data's messages (as ghz does), so that calls end.
 * `dataMessages`: how many messages the request data holds (1 for one object). Pure.
 */
export function callStreamSettings(kind: CallKind, stream: StreamSettings, dataMessages: number, countsCalls: boolean): StreamSettings {
  switch (kind) {
    case 'unary':
      return { ...stream, messages: 1, window: 1 };
    case 'serverStreaming':
      return { ...stream, messages: 1, window: 1, ...(stream.messages === undefined ? {} : { receiveMessages: stream.messages }) };
    case 'clientStreaming': {
      const messages = stream.messages ?? (stream.durationMs === undefined || dataMessages > 1 ? dataMessages : undefined);
      return { ...stream, ...(messages === undefined ? {} : { messages }), window: Number.MAX_SAFE_INTEGER };
    }
    case 'bidi': {
      if (stream.messages !== undefined) return stream;
      const bounded = dataMessages > 1 || (countsCalls && stream.durationMs === undefined);
      return bounded ? { ...stream, messages: dataMessages } : stream;
    }
  }
}
