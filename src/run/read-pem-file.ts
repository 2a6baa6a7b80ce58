import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { BenchError } from '../errors/bench-error.js';

export type PemKind = 'certificate' | 'private key';

function shortReason(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (message ?? String(error)).split('\n')[0]!.replace(/^error:[0-9A-F]+:/, '');
}

/**
 * Reads a PEM file and checks it holds what it should: a certificate, or an unencrypted
 * private key. `label` names the setting in the one-line TLS_FILE_UNREADABLE error
 * (`tls.cacert`, `--tls-cert`).
 */
export function readPemFile(label: string, path: string, kind: PemKind): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BenchError('TLS_FILE_UNREADABLE', `${label}: cannot read ${path}: ${shortReason(error)}`);
  }
  try {
    if (kind === 'certificate') {
      if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no "BEGIN CERTIFICATE" block');
      new X509Certificate(text);
    } else {
      createPrivateKey(text);
    }
  } catch (error) {
    const expected = kind === 'certificate' ? 'a PEM certificate' : 'an unencrypted PEM private key';
    throw new BenchError('TLS_FILE_UNREADABLE', `${label}: ${path} is not ${expected} (${shortReason(error)})`);
  }
  return text;
}

/** Checks that a private key belongs to a certificate; the error names the key's setting. */
export function checkKeyPair(keyLabel: string, keyPath: string, key: string, cert: string, certLabel: string): void {
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new BenchError('TLS_FILE_UNREADABLE', `${keyLabel}: ${keyPath} is not the private key of ${certLabel} (${shortReason(error)})`);
  }
}
