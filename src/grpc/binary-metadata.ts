/**
 * Binary metadata: a key ending in "-bin" carries bytes. In a scenario its value is those
 * bytes in base64 (standard or URL-safe alphabet, padding optional); on the wire gRPC sends
 * them base64-encoded again, without padding.
 */
export function isBinaryKey(key: string): boolean {
  return key.endsWith('-bin');
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Whether `value` reads as base64 (the check a scenario's "-bin" values must pass). */
export function isBase64(value: string): boolean {
  return BASE64.test(value) && value.replace(/=+$/, '').length % 4 !== 1;
}

/** The bytes of a "-bin" value given in base64. */
export function binaryValueBytes(value: string): Buffer {
  return Buffer.from(value, 'base64');
}

/** The header value gRPC sends for a "-bin" entry: unpadded standard base64 of its bytes. */
export function binaryHeaderValue(value: string): string {
  return binaryValueBytes(value).toString('base64').replace(/=+$/, '');
}
