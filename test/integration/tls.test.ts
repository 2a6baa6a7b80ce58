import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { startOrderServer, type OrderServerHandle } from '../../src/target/start-order-server.js';
import { closedPort, linesOf, makeTempDir, runCli, startServeChild, type CliResult, type ServeChild } from '../helpers/cli-process.js';
import { makeTestCertificates, type KeyPair, type TestCertificates } from '../helpers/test-certificates.js';

let temp: { dir: string; remove(): void };
let certs: TestCertificates;
const stops: Array<() => Promise<unknown>> = [];

beforeAll(() => {
  temp = makeTempDir('grpc-bench-tls-');
  certs = makeTestCertificates(temp.dir);
});

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

afterAll(() => temp.remove());

async function tlsServer(pair: KeyPair): Promise<OrderServerHandle> {
  const server = await startOrderServer({ tls: { cert: certs.pem(pair.cert), key: certs.pem(pair.key) } });
  stops.push(() => server.shutdown(0));
  return server;
}

async function serveChild(args: string[]): Promise<ServeChild> {
  const child = await startServeChild(args);
  stops.push(() => child.stop());
  return child;
}

/** A failed command ends with exactly one stderr line, tagged with its code, and no stack trace. */
function oneErrorLine(result: CliResult, code: string): string {
  const lines = linesOf(result.stderr);
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^grpc-bench: /);
  expect(lines[0]).toContain(`[${code}]`);
  return lines[0]!;
}

/** `grpc-bench run` of 40 messages on 2 streams, writing report.json into a fresh directory. */
async function runLoad(args: string[]): Promise<{ result: CliResult; report: () => Report; reportText: () => string }> {
  const out = join(temp.dir, `run-${Math.random().toString(36).slice(2)}`);
  mkdirSync(out);
  const result = await runCli(['run', ...args, '-n', '40', '-c', '2', '-O', 'json', '-o', join(out, 'report.json')], { cwd: temp.dir });
  const reportText = () => readFileSync(join(out, 'report.json'), 'utf8');
  return { result, reportText, report: () => JSON.parse(reportText()) as Report };
}

function expectAllAnswered(report: Report): void {
  expect(report.counts).toMatchObject({ messagesSent: 40, messagesReceived: 40, messagesFailed: 0, errors: 0 });
  expect(report.statusCodes).toEqual({ OK: 2 });
}

describe('TLS to the target', () => {
  it('runs over TLS with the CA from the scenario file (relative to it); the report names the files, never their contents', async () => {
    const server = await tlsServer(certs.server);
    const scenarioDir = join(temp.dir, 'scenarios');
    mkdirSync(scenarioDir, { recursive: true });
    writeFileSync(join(scenarioDir, 'tls.yaml'), `target: "${server.address}"\ntls:\n  cacert: ../ca.pem\n`);

    const { result, report, reportText } = await runLoad(['scenarios/tls.yaml']);

    expect(result.code, result.stderr).toBe(0);
    expectAllAnswered(report());
    expect(report().settings.tls).toEqual({ cacert: '../ca.pem' });
    expect(report().settings.proto).toBe('server reflection');
    expect(reportText()).not.toContain('BEGIN');
    // The SETTINGS probe spoke the same TLS: the limits were read (this server advertises none).
    expect(report().peerLimits).toEqual({});
  });

  it('mutual TLS (serve --tls-client-ca): runs with --cert/--key, exits 5 asking for a client certificate without them', async () => {
    const serve = await serveChild(['--tls-cert', certs.server.cert, '--tls-key', certs.server.key, '--tls-client-ca', certs.ca]);
    expect(serve.readyLine).toContain('(mutual TLS)');

    const withCertificate = await runLoad([serve.address, '--cacert', certs.ca, '--cert', certs.client.cert, '--key', certs.client.key]);
    expect(withCertificate.result.code, withCertificate.result.stderr).toBe(0);
    expectAllAnswered(withCertificate.report());
    expect(withCertificate.reportText()).not.toContain('PRIVATE KEY');
    expect(withCertificate.report().peerLimits, 'the SETTINGS probe presented the client certificate').toEqual({});

    const without = await runLoad([serve.address, '--cacert', certs.ca]);
    expect(without.result.code).toBe(5);
    const line = oneErrorLine(without.result, 'TARGET_UNREACHABLE');
    expect(line).toContain(serve.address);
    expect(line).toContain('client certificate');
  });

  it('exits 5 with one line when the CA did not sign the server certificate', async () => {
    const server = await tlsServer(certs.server);

    const { result } = await runLoad([server.address, '--cacert', certs.otherCa]);

    expect(result.code).toBe(5);
    const line = oneErrorLine(result, 'TARGET_UNREACHABLE');
    expect(line).toContain(`target ${server.address}: TLS handshake failed`);
    expect(line).toContain('tls.cacert');
  });

  it('exits 5 when a plaintext client meets a TLS server', async () => {
    const server = await tlsServer(certs.server);

    const { result } = await runLoad([server.address, '--insecure']);

    expect(result.code).toBe(5);
    expect(oneErrorLine(result, 'TARGET_UNREACHABLE')).toContain('does it expect TLS?');
  });

  it('--server-name (alias --cname) verifies a certificate issued for another name than the host', async () => {
    const server = await tlsServer(certs.namedServer);

    const named = await runLoad([server.address, '--cacert', certs.ca, '--cname', 'orders.internal']);
    expect(named.result.code, named.result.stderr).toBe(0);
    expectAllAnswered(named.report());
    expect(named.report().settings.tls).toMatchObject({ serverName: 'orders.internal' });
    expect(named.report().peerLimits, 'the SETTINGS probe verified the same name').toEqual({});

    const unnamed = await runLoad([server.address, '--cacert', certs.ca]);
    expect(unnamed.result.code).toBe(5);
    const line = oneErrorLine(unnamed.result, 'TARGET_UNREACHABLE');
    expect(line).toContain("does not match certificate's altnames");
    expect(line).toContain('tls.serverName');
  });

  it('exits 3 naming tls.cacert and the path when the CA file cannot be read, before connecting', async () => {
    const port = await closedPort();
    const missing = join(temp.dir, 'no-such-ca.pem');

    const { result } = await runLoad([`127.0.0.1:${port}`, '--cacert', missing]);

    expect(result.code).toBe(3);
    const line = oneErrorLine(result, 'TLS_FILE_UNREADABLE');
    expect(line).toContain(`tls.cacert: cannot read ${missing}: no such file`);
  });

  it('exits 3 when insecure is combined with tls files', async () => {
    const { result } = await runLoad(['127.0.0.1:1', '--insecure', '--cacert', certs.ca]);

    expect(result.code).toBe(3);
    expect(oneErrorLine(result, 'SCENARIO_INVALID')).toContain('insecure: cannot be combined with tls');
  });
});
