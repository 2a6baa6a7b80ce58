import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { planScenario } from '../../src/plan/plan-scenario.js';
import runWorkerTask from '../../src/pool/worker.js';
import type { WorkerTask } from '../../src/types/worker-protocol.js';
import { secretRedactor } from '../../src/redact/redact-secret-text.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { ORDER_PROTO_PATH } from '../../src/target/order-proto-path.js';
import { linesOf, makeTempDir, runCli } from '../helpers/cli-process.js';
import { startLimitedServer, type LimitedServer } from '../helpers/limited-server.js';

/**
 * A secret metadata value never shows in what a run writes: not when a server echoes it in
 * its error, not when a library throws with it in the message, on either transport.
 */

const COMPILED_WORKER = fileURLToPath(new URL('../../dist/src/pool/worker.js', import.meta.url));
const RUN_TIMEOUT_MS = 30_000;
const TRANSPORTS = ['grpc-js', 'http2'] as const;
const SECRET = 'Bearer s3cr3t-T0KEN-0123456789';

const servers: LimitedServer[] = [];
const tempDirs: Array<{ remove(): void }> = [];

beforeAll(() => {
  if (!existsSync(COMPILED_WORKER)) throw new Error(`${COMPILED_WORKER} is missing: run \`npm run build\` first`);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  for (const dir of tempDirs.splice(0)) dir.remove();
});

/** Every run of `length` characters of the secret, in the forms it could be written in. */
function secretPieces(secret: string, length = 6): string[] {
  const forms = [secret, encodeURIComponent(secret)];
  return forms.flatMap((form) => Array.from({ length: form.length - length + 1 }, (_, i) => form.slice(i, i + length)));
}

function expectNoSecret(text: string, secret: string, where: string): void {
  for (const piece of secretPieces(secret)) expect(text.includes(piece), `${where} holds ${JSON.stringify(piece)}`).toBe(false);
}

describe.each(TRANSPORTS)('transport %s', (transport) => {
  it(
    'a server that rejects every stream and echoes the authorization header in grpc-message: exit 7, one clean line, the secret nowhere',
    async () => {
      const server = await startLimitedServer({ rejectEchoing: 'authorization' });
      servers.push(server);
      const temp = makeTempDir('grpc-bench-secret-');
      tempDirs.push(temp);

      const result = await runCli(
        ['run', server.address, '--insecure', '--proto', ORDER_PROTO_PATH, '--transport', transport, '-m', JSON.stringify({ authorization: SECRET }), '-c', '2', '-z', '1s', '-O', 'console,json,html,csv,markdown', '-o', temp.dir],
        { cwd: temp.dir, timeoutMs: RUN_TIMEOUT_MS },
      );

      expect(result.code, result.stderr).toBe(7);
      // Progress and warnings may come first on stderr; the run ends with its one error line.
      expect(linesOf(result.stderr).at(-1)).toMatch(/^grpc-bench: no response succeeded: .* \[ALL_REQUESTS_FAILED\]$/);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(server.stats().rejected).toBeGreaterThan(0);
      // The echo is counted, with the secret taken out.
      expect(result.stdout).toMatch(/\[UNAUTHENTICATED: bad credentials\S* \[redacted\]\]/);
      expectNoSecret(result.stdout + result.stderr, SECRET, 'the output');
      const files = readdirSync(temp.dir);
      expect(files.length).toBeGreaterThanOrEqual(4);
      for (const file of files) expectNoSecret(readFileSync(join(temp.dir, file), 'utf8'), SECRET, file);
    },
    RUN_TIMEOUT_MS,
  );

  it('metadata that reaches a worker unchecked ends its share with one SCENARIO_INVALID line naming the key, never the value', async () => {
    const server = await startLimitedServer({});
    servers.push(server);
    const secret = 'Bearer séèkrit-TOKEN';
    const scenario = loadScenario({ overrides: { target: server.address, insecure: true, proto: ORDER_PROTO_PATH, load: { streams: 1, messages: 1 } } });
    const { port1, port2 } = new MessageChannel();
    const task: WorkerTask = {
      // What a scenario check would have refused: the worker is the last line before the transport.
      call: { target: server.address, insecure: true, transport, protoPath: ORDER_PROTO_PATH, importPaths: [], call: 'pb.OrderService/CreateOrderStream', metadata: { authorization: secret }, data: {}, maxReceiveMessageBytes: scenario.maxReceiveMessageSize },
      stream: { intervalMs: 0, window: 1 },
      share: planScenario(scenario).shares[0]!,
      snapshotIntervalMs: 1000,
      drainTimeoutMs: 1000,
      connectTimeoutMs: 2000,
      port: port2,
    };

    const result = await runWorkerTask(task);
    port1.close();

    expect(result.fatal?.code).toBe('SCENARIO_INVALID');
    expect(result.fatal?.message).toContain('metadata.authorization: the value has a non-ASCII character at character 9');
    expectNoSecret(result.fatal!.message, secret, 'the message');
    expect(server.stats().streams, 'nothing was sent').toBe(0);
  });
});

describe('redaction of errors that quote a secret', () => {
  it("grpc-js's own error for an illegal value (message and stack) keeps no six characters of it", () => {
    const secret = 'Bearer séèkrit-TOKEN';
    let thrown: Error | undefined;
    try {
      new grpc.Metadata().set('authorization', secret);
    } catch (error) {
      thrown = error as Error;
    }
    expect(thrown?.stack).toContain(secret);

    const redact = secretRedactor({ authorization: secret, 'x-trace': 'visible-trace-id' })!;

    expectNoSecret(redact(thrown!.stack!), secret, 'the stack');
    expect(redact(thrown!.message)).toBe('Metadata string value "[redacted]" contains illegal characters');
    expect(redact('trace visible-trace-id')).toBe('trace visible-trace-id');
  });

  it('a secret is found JSON-escaped, percent-encoded and in part; no secret, no redactor', () => {
    const secret = 'tok"en\nwith-parts';
    const redact = secretRedactor({ 'x-api-key': secret })!;

    expect(redact(`got ${JSON.stringify(secret)}`)).toBe('got "[redacted]"');
    expect(redact(`grpc-message: ${encodeURIComponent(secret)}`)).toBe('grpc-message: [redacted]');
    expect(redact('cut short: with-par...')).toBe('cut short: [redacted]...');
    expect(secretRedactor({ 'x-trace': 'abc' })).toBeUndefined();
  });
});
