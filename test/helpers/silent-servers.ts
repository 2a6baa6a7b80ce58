import http2 from 'node:http2';
import net from 'node:net';

export interface SilentServer {
  address: string;
  /** Resolves once the first connection (TCP) or stream (HTTP/2) has been accepted. */
  first: Promise<void>;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:0; closing destroys whatever is still open in `open`. */
async function listenSilently(server: net.Server, open: Set<{ destroy(): void }>, first: Promise<void>): Promise<SilentServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    first,
    close: () =>
      new Promise<void>((resolve) => {
        for (const item of open) item.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A TCP server that accepts connections and never says a byte (no HTTP/2 SETTINGS): a
 * client's connection attempt neither fails nor becomes ready.
 */
export function startSilentTcpServer(): Promise<SilentServer> {
  const sockets = new Set<net.Socket>();
  let accepted: () => void = () => {};
  const first = new Promise<void>((resolve) => (accepted = resolve));
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
    socket.resume();
    accepted();
  });
  return listenSilently(server, sockets, first);
}

/**
 * An HTTP/2 server that completes the connection and then never answers a stream (no
 * headers, no reset): a gRPC call to it, server reflection included, just waits.
 */
export function startSilentHttp2Server(): Promise<SilentServer> {
  const sessions = new Set<http2.ServerHttp2Session>();
  let opened: () => void = () => {};
  const first = new Promise<void>((resolve) => (opened = resolve));
  const server = http2.createServer();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('error', () => {});
    session.once('close', () => sessions.delete(session));
  });
  server.on('stream', (stream) => {
    stream.on('error', () => {});
    opened();
  });
  return listenSilently(server, sessions, first);
}
