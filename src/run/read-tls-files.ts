import { isAbsolute, resolve } from 'node:path';
import type { TlsMaterial } from '../types/worker-protocol.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { checkKeyPair, readPemFile } from './read-pem-file.js';

/**
 * Reads the scenario's TLS files (relative to the scenario file) and checks each is the PEM
 * it should be, before any connection, so a bad path ends with one line naming the field.
 * Returns undefined for a plaintext scenario or one without tls settings (system roots).
 */
export function readTlsFiles(scenario: Pick<Scenario, 'tls' | 'baseDir' | 'insecure'>): TlsMaterial | undefined {
  const tls = scenario.tls;
  if (scenario.insecure || !tls) return undefined;
  const pathOf = (file: string): string => (isAbsolute(file) ? file : resolve(scenario.baseDir, file));
  const material: TlsMaterial = {};
  if (tls.cacert !== undefined) material.rootCerts = readPemFile('tls.cacert', pathOf(tls.cacert), 'certificate');
  if (tls.cert !== undefined && tls.key !== undefined) {
    const certPath = pathOf(tls.cert);
    const keyPath = pathOf(tls.key);
    material.certChain = readPemFile('tls.cert', certPath, 'certificate');
    material.privateKey = readPemFile('tls.key', keyPath, 'private key');
    checkKeyPair('tls.key', keyPath, material.privateKey, material.certChain, `tls.cert ${certPath}`);
  }
  if (tls.serverName !== undefined) material.serverName = tls.serverName;
  if (tls.skipVerify) material.skipVerify = true;
  return material;
}
