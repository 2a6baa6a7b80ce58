import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface KeyPair {
  /** Paths of the PEM files. */
  cert: string;
  key: string;
}

export interface TestCertificates {
  /** The CA that signed every certificate below (PEM file). */
  ca: string;
  /** A CA that signed none of them. */
  otherCa: string;
  /** For IP:127.0.0.1 and DNS:localhost. */
  server: KeyPair;
  /** For DNS:orders.internal only. */
  namedServer: KeyPair;
  /** A client certificate for mutual TLS. */
  client: KeyPair;
  /** The text of a PEM file. */
  pem(path: string): string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

const NEW_EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function selfSignedCa(dir: string, name: string, subject: string): string {
  openssl(dir, ['req', '-x509', ...NEW_EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', subject,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return join(dir, `${name}.pem`);
}

function signedLeaf(dir: string, name: string, subject: string, extensions: string[]): KeyPair {
  openssl(dir, ['req', ...NEW_EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  writeFileSync(join(dir, `${name}.ext`), `${['basicConstraints=CA:FALSE', ...extensions].join('\n')}\n`);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
  return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
}

/** A CA, server and client certificates made with the openssl CLI into `dir` (EC P-256, valid 2 days). */
export function makeTestCertificates(dir: string): TestCertificates {
  const ca = selfSignedCa(dir, 'ca', '/CN=grpc-bench test CA');
  const otherCa = selfSignedCa(dir, 'other-ca', '/CN=grpc-bench unrelated CA');
  return {
    ca,
    otherCa,
    server: signedLeaf(dir, 'server', '/CN=localhost', ['subjectAltName=IP:127.0.0.1,DNS:localhost', 'extendedKeyUsage=serverAuth']),
    namedServer: signedLeaf(dir, 'named-server', '/CN=orders.internal', ['subjectAltName=DNS:orders.internal', 'extendedKeyUsage=serverAuth']),
    client: signedLeaf(dir, 'client', '/CN=grpc-bench test client', ['extendedKeyUsage=clientAuth']),
    pem: (path) => readFileSync(path, 'utf8'),
  };
}
