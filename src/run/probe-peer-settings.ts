import * as http2 from 'node:http2';
import type { ConnectionSecurity } from '../driver/channel-credentials.js';
import { http2ConnectOptions, http2TlsFrom } from '../driver/http2-connect-options.js';
import type { PeerSettings } from '../driver/peer-settings.js';

/** What node reports for a setting the server did not send: HTTP/2's "unlimited" (2^32 − 1). */
const UNLIMITED = 2 ** 32 - 1;

/**
 * Reads the server's SETTINGS once, on one node:http2 connection with the run's TLS, before
 * any load: grpc-js keeps its sessions to itself, so this is how both transports learn the same
 * limits. Undefined when no SETTINGS frame arrived within `timeoutMs` or the connection
 * failed: then nothing is known and nothing is capped.
 */
export function probePeerSettings(target: string, security: ConnectionSecurity, timeoutMs: number): Promise<PeerSettings | undefined> {
  const address = target.replace(/^dns:(\/\/[^/]*\/)?/, '');
  const options = http2ConnectOptions(security.insecure, security.tls ? http2TlsFrom(security.tls) : undefined);
  return new Promise((resolve) => {
    const session = http2.connect(`${security.insecure ? 'http' : 'https'}://${address}`, options);
    const timer = setTimeout(() => settle(undefined), timeoutMs);
    let settled = false;
    const settle = (settings: http2.Settings | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.removeAllListeners('remoteSettings');
      session.on('error', () => {});
      if (settings === undefined) {
        session.destroy();
        resolve(undefined);
        return;
      }
      // A GOAWAY, as a client that is done sends: servers see an orderly goodbye, not a reset.
      session.close();
      const known = (value: number | undefined): value is number => value !== undefined && value < UNLIMITED;
      resolve({
        ...(known(settings.maxConcurrentStreams) ? { maxConcurrentStreams: settings.maxConcurrentStreams } : {}),
        ...(known(settings.maxHeaderListSize) ? { maxHeaderListSizeBytes: settings.maxHeaderListSize } : {}),
      });
    };
    // The server's first frame is its SETTINGS; `connect` alone still shows node's assumptions.
    session.once('remoteSettings', (settings) => settle(settings));
    session.once('error', () => settle(undefined));
    session.once('close', () => settle(undefined));
  });
}
