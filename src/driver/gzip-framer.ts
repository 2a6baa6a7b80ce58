import { gzipSync } from 'node:zlib';
import type { RequestFramer } from './spliced-request-framer.js';

/**
 * gRPC message compression on the wire (`grpc-encoding: gzip`): each framed request's payload
 * gzipped, its prefix flagged compressed (1) with the compressed length. The same frame (a
 * message without templates) is compressed once.
 */
export function gzipFramer(frame: RequestFramer): RequestFramer {
  let lastPlain: Buffer | undefined;
  let lastCompressed: Buffer | undefined;
  return (message) => {
    const plain = frame(message);
    if (plain === lastPlain) return lastCompressed!;
    const payload = gzipSync(plain.subarray(5));
    const framed = Buffer.allocUnsafe(5 + payload.length);
    framed[0] = 1;
    framed.writeUInt32BE(payload.length, 1);
    payload.copy(framed, 5);
    lastPlain = plain;
    lastCompressed = framed;
    return framed;
  };
}
