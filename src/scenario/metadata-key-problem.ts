/**
 * What gRPC allows as a custom metadata key (PROTOCOL-HTTP2.md, Custom-Metadata): a
 * Header-Name of 0-9 a-z _ - . only, not starting with "grpc-" (reserved for gRPC), and none
 * of the headers the transport writes itself or HTTP/2 forbids. Keys are case-insensitive:
 * both transports send them lower-cased, so they are checked lower-cased.
 */
const HEADER_NAME = /^[0-9a-z_.-]+$/;

/** Headers both transports set on every request; metadata of the same name would be overwritten. */
const SET_BY_TRANSPORT = new Set(['content-type', 'te', 'user-agent']);

/** Connection-specific headers HTTP/2 forbids (RFC 9113 §8.2.2), and Host, which :authority replaces. */
const NOT_IN_HTTP2 = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'http2-settings', 'host']);

function shown(key: string): string {
  return JSON.stringify(key.length > 40 ? `${key.slice(0, 37)}...` : key);
}

/**
 * Why `key` cannot be sent as custom metadata, or undefined when it can: one clause that ends
 * with the key as given ("…, got key \"x\""). Keys are never secret; their values may be.
 */
export function metadataKeyProblem(key: string): string | undefined {
  const name = key.toLowerCase();
  const got = `, got key ${shown(key)}`;
  if (name === '') return `expected a metadata key of 0-9 a-z _ . -${got}`;
  if (name.startsWith(':')) return `an HTTP/2 pseudo-header, which the transport sets; expected a custom metadata key${got}`;
  if (name.startsWith('grpc-')) return `starts with "grpc-", which gRPC reserves for itself; expected a custom metadata key${got}`;
  if (SET_BY_TRANSPORT.has(name)) return `set by the transport on every request; expected a custom metadata key${got}`;
  if (NOT_IN_HTTP2.has(name)) return `a connection header that HTTP/2 forbids; expected a custom metadata key${got}`;
  if (!HEADER_NAME.test(name)) {
    const bad = [...name].find((char) => !HEADER_NAME.test(char))!;
    return `holds ${JSON.stringify(bad)}; expected only 0-9 a-z _ . - (upper case is sent lower-cased)${got}`;
  }
  return undefined;
}
