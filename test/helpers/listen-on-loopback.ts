import type { AddressInfo, Server } from 'node:net';

/** Listens on 127.0.0.1 at a free port; resolves with the port, rejects if listening fails. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
