import * as grpc from '@grpc/grpc-js';
import { channelSecurity, type ConnectionSecurity } from '../driver/channel-credentials.js';
import { isTlsFailure, lastConnectionError, permanentFailure, type PermanentFailure } from '../driver/connection-failure.js';
import { BenchError } from '../errors/bench-error.js';

type Attempt = { ready: true } | { ready: false; reason: string | undefined; tls: boolean; permanent?: PermanentFailure };

/**
 * Waits for the channel to be READY until the deadline; a TLS failure, a refused connection or
 * a peer that does not speak HTTP/2 ends the wait at once, since retrying cannot succeed.
 */
function awaitReady(client: grpc.Client, deadline: number): Promise<Attempt> {
  const channel = client.getChannel();
  return new Promise((resolve) => {
    const giveUp = (): void => {
      void lastConnectionError(client).then((reason) => resolve({ ready: false, reason, tls: reason !== undefined && isTlsFailure(reason) }));
    };
    const follow = (state: grpc.connectivityState): void => {
      if (state === grpc.connectivityState.READY) {
        resolve({ ready: true });
        return;
      }
      if (state !== grpc.connectivityState.TRANSIENT_FAILURE) {
        wait(state);
        return;
      }
      void lastConnectionError(client).then((reason) => {
        if (reason !== undefined && isTlsFailure(reason)) resolve({ ready: false, reason, tls: true });
        else if (reason !== undefined && permanentFailure(reason)) resolve({ ready: false, reason, tls: false, permanent: permanentFailure(reason)! });
        else wait(state);
      });
    };
    const wait = (state: grpc.connectivityState): void => {
      if (Date.now() >= deadline) {
        giveUp();
        return;
      }
      channel.watchConnectivityState(state, deadline, (error) => (error ? giveUp() : follow(channel.getConnectivityState(true))));
    };
    follow(channel.getConnectivityState(true));
  });
}

function tlsHint(reason: string): string {
  if (/wrong version number|packet length|http request/i.test(reason)) return 'does the target serve TLS? (insecure: true or --insecure for plaintext)';
  if (/certificate required|alert/i.test(reason)) return 'the server wants a client certificate: give tls.cert and tls.key (--cert, --key)';
  if (/altname|does not match/i.test(reason)) return "the server certificate does not name this host: set tls.serverName (--server-name) to a name it carries";
  if (/verify|self[- ]signed|issuer/i.test(reason)) return 'give the CA that signed the server certificate as tls.cacert (--cacert)';
  return 'check the tls settings (cacert, cert, key, serverName)';
}

/**
 * Connects once before any load is sent, so an unreachable target or a TLS mismatch ends
 * with one clear line, with grpc-js's reason where it gives one, instead of a run full of
 * UNAVAILABLE streams.
 */
export async function probeTarget(target: string, security: ConnectionSecurity, timeoutMs: number): Promise<void> {
  const { credentials, options } = channelSecurity(security);
  const client = new grpc.Client(target, credentials, { 'grpc.use_local_subchannel_pool': 1, ...options });
  try {
    const attempt = await awaitReady(client, Date.now() + timeoutMs);
    if (attempt.ready) return;
    if (attempt.tls) throw new BenchError('TARGET_UNREACHABLE', `target ${target}: TLS handshake failed: ${attempt.reason}; ${tlsHint(attempt.reason!)}`);
    const reason = attempt.reason === undefined ? '' : ` (${attempt.reason})`;
    if (attempt.permanent === 'connection refused') throw new BenchError('TARGET_UNREACHABLE', `target ${target}: connection refused${reason}; is it running, on this port?`);
    if (attempt.permanent === 'not an HTTP/2 server') {
      const protocolHint = security.insecure ? 'does it expect TLS?' : 'does it serve TLS (insecure: true for plaintext)?';
      throw new BenchError('TARGET_UNREACHABLE', `target ${target}: not an HTTP/2 server${reason}; is it a gRPC server, and ${protocolHint}`);
    }
    const hint = security.insecure ? 'is it running, and does it expect TLS?' : 'is it running, and does it serve TLS (use insecure: true for plaintext)?';
    throw new BenchError('TARGET_UNREACHABLE', `target ${target}: no connection within ${timeoutMs} ms${reason}; ${hint}`);
  } finally {
    client.close();
  }
}
