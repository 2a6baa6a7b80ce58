import { constants, type IncomingHttpHeaders } from 'node:http2';
import { REFUSED_STREAM_DETAILS } from './refused-stream.js';

/** gRPC status codes used by the HTTP/2 transport (the numbering is fixed by the protocol). */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INTERNAL: 13,
  UNIMPLEMENTED: 12,
  UNAVAILABLE: 14,
  RESOURCE_EXHAUSTED: 8,
  PERMISSION_DENIED: 7,
  UNAUTHENTICATED: 16,
} as const;

export interface GrpcStatus {
  code: number;
  details: string;
}

/**
 * grpc-message is percent-encoded UTF-8. A malformed escape is kept as it is rather than
 * failing: the message is for people, and a partly odd one beats none.
 */
export function percentDecode(text: string): string {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x25 && i + 2 < text.length && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (char < 0x80) {
      bytes.push(char);
    } else {
      // Not valid on the wire, but keep whatever the header held.
      for (const byte of Buffer.from(text[i]!, 'utf8')) bytes.push(byte);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The status in a HEADERS block (trailers, or a trailers-only response); undefined without grpc-status. */
export function statusFromHeaders(headers: IncomingHttpHeaders): GrpcStatus | undefined {
  const raw = firstValue(headers['grpc-status']);
  if (raw === undefined) return undefined;
  const message = firstValue(headers['grpc-message']);
  const details = message === undefined ? '' : percentDecode(message);
  if (!/^\d+$/.test(raw.trim())) return { code: GrpcCode.UNKNOWN, details: `invalid grpc-status ${JSON.stringify(raw)}${details ? `: ${details}` : ''}` };
  return { code: Number(raw.trim()), details };
}

/** A response without grpc-status and an HTTP status other than 200, mapped as the gRPC spec says. */
export function statusFromHttpStatus(httpStatus: number): GrpcStatus {
  const details = `HTTP status ${httpStatus} without a gRPC status`;
  switch (httpStatus) {
    case 400:
      return { code: GrpcCode.INTERNAL, details };
    case 401:
      return { code: GrpcCode.UNAUTHENTICATED, details };
    case 403:
      return { code: GrpcCode.PERMISSION_DENIED, details };
    case 404:
      return { code: GrpcCode.UNIMPLEMENTED, details };
    case 429:
    case 502:
    case 503:
    case 504:
      return { code: GrpcCode.UNAVAILABLE, details };
    default:
      return { code: GrpcCode.UNKNOWN, details };
  }
}

const RST_NAMES: Record<number, string> = {
  [constants.NGHTTP2_NO_ERROR]: 'NO_ERROR',
  [constants.NGHTTP2_PROTOCOL_ERROR]: 'PROTOCOL_ERROR',
  [constants.NGHTTP2_INTERNAL_ERROR]: 'INTERNAL_ERROR',
  [constants.NGHTTP2_FLOW_CONTROL_ERROR]: 'FLOW_CONTROL_ERROR',
  [constants.NGHTTP2_SETTINGS_TIMEOUT]: 'SETTINGS_TIMEOUT',
  [constants.NGHTTP2_STREAM_CLOSED]: 'STREAM_CLOSED',
  [constants.NGHTTP2_FRAME_SIZE_ERROR]: 'FRAME_SIZE_ERROR',
  [constants.NGHTTP2_REFUSED_STREAM]: 'REFUSED_STREAM',
  [constants.NGHTTP2_CANCEL]: 'CANCEL',
  [constants.NGHTTP2_COMPRESSION_ERROR]: 'COMPRESSION_ERROR',
  [constants.NGHTTP2_CONNECT_ERROR]: 'CONNECT_ERROR',
  [constants.NGHTTP2_ENHANCE_YOUR_CALM]: 'ENHANCE_YOUR_CALM',
  [constants.NGHTTP2_INADEQUATE_SECURITY]: 'INADEQUATE_SECURITY',
  [constants.NGHTTP2_HTTP_1_1_REQUIRED]: 'HTTP_1_1_REQUIRED',
};

/**
 * A stream reset before any gRPC status, mapped as the gRPC spec maps HTTP/2 error codes:
 * REFUSED_STREAM → UNAVAILABLE, CANCEL → CANCELLED, ENHANCE_YOUR_CALM → RESOURCE_EXHAUSTED,
 * INADEQUATE_SECURITY → PERMISSION_DENIED, everything else → INTERNAL.
 */
export function statusFromResetCode(rstCode: number): GrpcStatus {
  const details = `stream reset by the peer with ${RST_NAMES[rstCode] ?? `error code ${rstCode}`} before a gRPC status`;
  switch (rstCode) {
    case constants.NGHTTP2_REFUSED_STREAM:
      return { code: GrpcCode.UNAVAILABLE, details: REFUSED_STREAM_DETAILS };
    case constants.NGHTTP2_CANCEL:
      return { code: GrpcCode.CANCELLED, details };
    case constants.NGHTTP2_ENHANCE_YOUR_CALM:
      return { code: GrpcCode.RESOURCE_EXHAUSTED, details };
    case constants.NGHTTP2_INADEQUATE_SECURITY:
      return { code: GrpcCode.PERMISSION_DENIED, details };
    default:
      return { code: GrpcCode.INTERNAL, details };
  }
}
