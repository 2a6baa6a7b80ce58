import http2 from 'node:http2';
import { gzipSync } from 'node:zlib';
import { listenOnLoopback } from './listen-on-loopback.js';
import { FrameReader } from './rude-server.js';

export interface GzipAnsweringProxy {
  address: string;
  /** Response messages sent gzipped (compressed flag 1) so far. */
  messagesCompressed(): number;
  close(): Promise<void>;
}

/** Hop-by-hop and pseudo headers Node sets itself on the forwarded request. */
const NOT_FORWARDED = new Set([':scheme', ':authority', 'connection', 'host']);

function gzipFramed(payload: Buffer): Buffer {
  const compressed = gzipSync(payload);
  const framed = Buffer.allocUnsafe(5 + compressed.length);
  framed[0] = 1;
  framed.writeUInt32BE(compressed.length, 1);
  compressed.copy(framed, 5);
  return framed;
}

/**
 * A gRPC server that answers gzip-compressed (`grpc-encoding: gzip`, every message's compressed
 * flag set), standing in front of `target` (grpc-js servers do not compress responses): requests
 * go through unchanged, each response message is gzipped when the client's grpc-accept-encoding
 * names gzip, headers, trailers and resets are passed on. `corrupt`: each gzipped message is damaged, so it cannot be
 * inflated.
 */
export async function startGzipAnsweringProxy(target: string, options: { corrupt?: boolean } = {}): Promise<GzipAnsweringProxy> {
  const upstream = http2.connect(`http://${target}`);
  upstream.on('error', () => {});
  let compressedCount = 0;
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (downstream, requestHeaders) => {
    const forwarded: http2.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(requestHeaders)) if (!NOT_FORWARDED.has(name)) forwarded[name] = value;
    const gzip = String(requestHeaders['grpc-accept-encoding'] ?? '').split(',').map((name) => name.trim()).includes('gzip');
    const call = upstream.request(forwarded);
    const frames = new FrameReader();
    let trailers: http2.IncomingHttpHeaders = {};
    downstream.pipe(call);
    downstream.on('error', () => {});
    call.on('error', () => {});
    downstream.on('close', () => {
      if (!call.closed) call.close(downstream.rstCode ?? http2.constants.NGHTTP2_CANCEL);
    });
    call.on('response', (headers) => {
      const answer = { ...headers };
      if ('grpc-status' in answer) {
        // Trailers only: nothing to compress.
        downstream.respond(answer, { endStream: true });
        return;
      }
      if (gzip) answer['grpc-encoding'] = 'gzip';
      downstream.respond(answer, { waitForTrailers: true });
    });
    call.on('data', (chunk: Buffer) => {
      if (!downstream.headersSent || downstream.closed) return;
      if (!gzip) {
        downstream.write(chunk);
        return;
      }
      for (const payload of frames.push(chunk)) {
        const framed = gzipFramed(payload);
        // Past gzip's 10-byte header: the deflate data no longer inflates.
        if (options.corrupt) framed.fill(0xff, 15, Math.min(framed.length, 25));
        downstream.write(framed);
        compressedCount++;
      }
    });
    call.on('trailers', (received) => {
      trailers = received;
    });
    downstream.on('wantTrailers', () => downstream.sendTrailers(trailers));
    call.on('end', () => {
      if (downstream.headersSent && !downstream.closed && !downstream.writableEnded) downstream.end();
    });
    call.on('close', () => {
      if (!downstream.closed && !downstream.writableEnded) downstream.close(call.rstCode ?? http2.constants.NGHTTP2_CANCEL);
    });
  });
  const port = await listenOnLoopback(server);
  return {
    address: `127.0.0.1:${port}`,
    messagesCompressed: () => compressedCount,
    close: () =>
      new Promise<void>((resolve) => {
        upstream.destroy();
        server.close(() => resolve());
        // Sessions still open (a client that has not gone) would hold close() back.
        for (const session of sessions) session.destroy();
      }),
  };
}
