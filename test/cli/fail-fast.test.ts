import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { closedPort, linesOf, makeTempDir, runCli, type CliResult } from '../helpers/cli-process.js';
import { startSilentTcpServer } from '../helpers/silent-servers.js';
import { makeTestCerts } from '../helpers/test-certs.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

/** A plain HTTP/1.1 server: it answers the HTTP/2 preface with '400 Bad Request'. */
function http1Server(): Promise<string> {
  const server = http.createServer((_request, response) => response.end('not grpc'));
  server.keepAliveTimeout = 1;
  return listen(server);
}

/** Accepts TCP and closes at once, before any HTTP/2 SETTINGS. */
function closingServer(): Promise<string> {
  return listen(net.createServer((socket) => socket.destroy()));
}

/** A TLS server (HTTP/2 offered by ALPN): a plaintext client's preface is not a TLS handshake. */
function tlsServer(): Promise<string> {
  const temp = makeTempDir('grpc-bench-fail-fast-certs-');
  cleanups.push(temp.remove);
  const certs = makeTestCerts(temp.dir);
  const server = tls.createServer({ cert: certs.serverCert, key: certs.serverKey, ALPNProtocols: ['h2'] }, (socket) => socket.on('error', () => {}));
  server.on('tlsClientError', () => {});
  return listen(server);
}

function runAgainst(target: string, transport: string): Promise<CliResult> {
  const temp = makeTempDir('grpc-bench-fail-fast-');
  cleanups.push(temp.remove);
  return runCli(['run', target, '--insecure', '--transport', transport, '-n', '10', '-O', 'console'], { cwd: temp.dir, timeoutMs: 20_000 });
}

/** One stderr line, exit 5, no stack trace. */
function failureLine(result: CliResult): string {
  expect(result.code, result.stderr).toBe(5);
  const lines = linesOf(result.stderr);
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toContain('[TARGET_UNREACHABLE]');
  expect(result.stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

// The cause in the line is only known on the fast path: the timeout's line says "no connection within".
describe.concurrent('a target that cannot work fails at once, naming why', () => {
  for (const transport of ['grpc-js', 'http2']) {
    it(`${transport}: nothing listening is "connection refused"`, async () => {
      const target = `127.0.0.1:${await closedPort()}`;
      const line = failureLine(await runAgainst(target, transport));
      expect(line).toContain(`target ${target}: connection refused`);
      expect(line).not.toContain('no connection within');
    });

    it(`${transport}: an HTTP/1.1 server is "not an HTTP/2 server"`, async () => {
      const target = await http1Server();
      const line = failureLine(await runAgainst(target, transport));
      expect(line).toContain(`target ${target}: not an HTTP/2 server`);
      expect(line).not.toContain('no connection within');
    });

    it(`${transport}: a server that closes at once is "not an HTTP/2 server"`, async () => {
      const target = await closingServer();
      const line = failureLine(await runAgainst(target, transport));
      expect(line).toContain(`target ${target}: not an HTTP/2 server`);
      expect(line).not.toContain('no connection within');
    });

    it(`${transport}: a TLS server asked for plaintext is "not an HTTP/2 server"`, async () => {
      const target = await tlsServer();
      const line = failureLine(await runAgainst(target, transport));
      expect(line).toContain(`target ${target}: not an HTTP/2 server`);
      expect(line).toContain('does it expect TLS?');
    });
  }

  it('a silent peer still waits for the connect timeout', async () => {
    const silent = await startSilentTcpServer();
    cleanups.push(() => silent.close());
    const line = failureLine(await runAgainst(silent.address, 'http2'));
    expect(line).toContain(`target ${silent.address}: no connection within`);
  });
});
