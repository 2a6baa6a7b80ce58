import type { SecureClientSessionOptions } from 'node:http2';
import type { TlsMaterial } from '../types/worker-protocol.js';

/** TLS for node:http2: PEM material and the name the certificate must carry. */
export interface Http2TlsOptions {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** SNI and verification name; default: the target's host. */
  servername?: string;
  /** The :authority header instead of the target's host:port (with a server name override). */
  authority?: string;
  /** false: accept any certificate (TLS without verification). */
  rejectUnauthorized?: boolean;
}

/** The scenario's TLS material as node:http2 takes it (the server name is also the :authority, as on grpc-js). */
export function http2TlsFrom(tls: TlsMaterial): Http2TlsOptions {
  return {
    ...(tls.rootCerts === undefined ? {} : { ca: tls.rootCerts }),
    ...(tls.certChain === undefined ? {} : { cert: tls.certChain }),
    ...(tls.privateKey === undefined ? {} : { key: tls.privateKey }),
    ...(tls.serverName === undefined ? {} : { servername: tls.serverName, authority: tls.serverName }),
    ...(tls.skipVerify ? { rejectUnauthorized: false } : {}),
  };
}

/**
 * How every node:http2 client session of grpc-bench connects (the http2 transport and the
 * peer-settings probe alike). Header blocks of any length may be sent, as grpc-js allows:
 * whether the headers fit is the server's SETTINGS_MAX_HEADER_LIST_SIZE to say, and the
 * run checks that before load, not node's own 64 KiB send limit.
 */
export function http2ConnectOptions(insecure: boolean, tls: Http2TlsOptions = {}): SecureClientSessionOptions {
  return {
    settings: { enablePush: false },
    maxSendHeaderBlockLength: Number.MAX_SAFE_INTEGER,
    ...(insecure
      ? {}
      : {
          ...(tls.ca === undefined ? {} : { ca: tls.ca }),
          ...(tls.cert === undefined ? {} : { cert: tls.cert }),
          ...(tls.key === undefined ? {} : { key: tls.key }),
          ...(tls.servername === undefined ? {} : { servername: tls.servername }),
          rejectUnauthorized: tls.rejectUnauthorized ?? true,
          ALPNProtocols: ['h2'],
        }),
  };
}
