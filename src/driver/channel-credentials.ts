import * as grpc from '@grpc/grpc-js';
import type { TlsMaterial } from '../types/worker-protocol.js';
import { quietIpServernameWarning } from './quiet-ip-servername-warning.js';

/** How a client reaches the target: plaintext, or TLS with the scenario's material. */
export interface ConnectionSecurity {
  insecure: boolean;
  tls?: TlsMaterial;
}

export interface ChannelSecurity {
  credentials: grpc.ChannelCredentials;
  /** Channel options that go with the credentials (the server name override). */
  options: grpc.ChannelOptions;
}

const pem = (text: string | undefined): Buffer | null => (text === undefined ? null : Buffer.from(text));

/**
 * The grpc-js credentials for one connection security: plaintext, or TLS with verification
 * against `rootCerts` (default: the system roots), an optional client certificate, and an
 * optional server name that replaces the target's host for verification, SNI and :authority.
 */
export function channelSecurity(security: ConnectionSecurity): ChannelSecurity {
  if (security.insecure) return { credentials: grpc.credentials.createInsecure(), options: {} };
  quietIpServernameWarning();
  const tls = security.tls ?? {};
  const verify = tls.skipVerify ? { rejectUnauthorized: false, checkServerIdentity: () => undefined } : {};
  const credentials = grpc.credentials.createSsl(pem(tls.rootCerts), pem(tls.privateKey), pem(tls.certChain), verify);
  const options: grpc.ChannelOptions =
    tls.serverName === undefined ? {} : { 'grpc.ssl_target_name_override': tls.serverName, 'grpc.default_authority': tls.serverName };
  return { credentials, options };
}
