import net from 'node:net';

export interface SilentTcpServer {
  address: string;
  /** Resolves once the first connection has been accepted. */
  firstConnection: Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP server on 127.0.0.1:0 that accepts connections and never says a byte (no HTTP/2
 * SETTINGS): a client's connection attempt neither fails nor becomes ready.
 */
export async function startSilentTcpServer(): Promise<SilentTcpServer> {
  const sockets = new Set<net.Socket>();
  let connected: () => void = () => {};
  const firstConnection = new Promise<void>((resolve) => (connected = resolve));
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
    socket.resume();
    connected();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    firstConnection,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
