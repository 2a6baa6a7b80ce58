import { resolve } from 'node:path';
import { BenchError } from '../errors/bench-error.js';
import { checkKeyPair, readPemFile } from '../run/read-pem-file.js';
import type { OrderServerOptions } from '../target/start-order-server.js';

export interface ServeTlsFlags {
  'tls-cert'?: string;
  'tls-key'?: string;
  'tls-client-ca'?: string;
}

/**
 * --tls-cert/--tls-key [--tls-client-ca] → the reference service's TLS (PEM text), read and
 * checked before it starts; undefined without them (plaintext). Paths are relative to `cwd`.
 */
export function serveTlsFromFlags(flags: ServeTlsFlags, cwd: string): OrderServerOptions['tls'] {
  const certFile = flags['tls-cert'];
  const keyFile = flags['tls-key'];
  const caFile = flags['tls-client-ca'];
  if (certFile === undefined && keyFile === undefined) {
    if (caFile !== undefined) throw new BenchError('USAGE', '--tls-client-ca: needs --tls-cert and --tls-key (mutual TLS is TLS first)');
    return undefined;
  }
  if (certFile === undefined || keyFile === undefined) {
    throw new BenchError('USAGE', `${certFile === undefined ? '--tls-cert' : '--tls-key'}: expected with ${certFile === undefined ? '--tls-key' : '--tls-cert'} (the server certificate and its private key go together)`);
  }
  const keyPath = resolve(cwd, keyFile);
  const cert = readPemFile('--tls-cert', resolve(cwd, certFile), 'certificate');
  const key = readPemFile('--tls-key', keyPath, 'private key');
  checkKeyPair('--tls-key', keyPath, key, cert, `--tls-cert ${certFile}`);
  if (caFile === undefined) return { cert, key };
  return { cert, key, clientCa: readPemFile('--tls-client-ca', resolve(cwd, caFile), 'certificate') };
}
