import * as grpc from '@grpc/grpc-js';
import { BenchError } from '../errors/bench-error.js';

/**
 * Connects once before any load is sent, so an unreachable target or a TLS mismatch ends
 * with one clear line instead of a run full of UNAVAILABLE streams.
 */
export async function probeTarget(target: string, insecure: boolean, timeoutMs: number): Promise<void> {
  const credentials = insecure ? grpc.credentials.createInsecure() : grpc.credentials.createSsl();
  const client = new grpc.Client(target, credentials, { 'grpc.use_local_subchannel_pool': 1 });
  try {
    await new Promise<void>((resolve, reject) => {
      client.waitForReady(Date.now() + timeoutMs, (error) => (error ? reject(error) : resolve()));
    });
  } catch {
    const hint = insecure ? 'is it running, and does it expect TLS?' : 'is it running, and does it serve TLS (use insecure: true for plaintext)?';
    throw new BenchError('TARGET_UNREACHABLE', `target ${target}: no connection within ${timeoutMs} ms; ${hint}`);
  } finally {
    client.close();
  }
}
