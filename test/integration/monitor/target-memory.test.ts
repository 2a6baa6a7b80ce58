import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readProcessMemory } from '../../../src/monitor/read-process-memory.js';
import { scrapeMemoryMetrics } from '../../../src/monitor/scrape-memory-metrics.js';
import { createTargetMemoryProbe } from '../../../src/monitor/target-memory-probe.js';
import { openOrderClient, runOrderStream, type OrderClient } from '../../helpers/order-client.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../../bin/grpc-bench.js', import.meta.url));
const COMPILED_CLI = fileURLToPath(new URL('../../../dist/src/cli/main.js', import.meta.url));

const LEAK_BYTES_PER_REQUEST = 64 * 1024;
const STREAMS = 10;
const REQUESTS_PER_STREAM = 30;
const MIB = 1024 * 1024;
const SCRAPE_TIMEOUT_MS = 5000;

const READY_LINE = /^order service v1 listening on (127\.0\.0\.1:\d+) \(metrics (http:\/\/127\.0\.0\.1:\d+\/metrics)\)$/;

interface ServeChild {
  child: ChildProcessWithoutNullStreams;
  address: string;
  metricsUrl: string;
  exited: Promise<number | null>;
}

/** Starts `grpc-bench serve` and resolves once it has printed its ready line. */
function spawnServe(args: string[]): Promise<ServeChild> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { cwd: REPO_ROOT });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const match = READY_LINE.exec(line);
      if (match) resolve({ child, address: match[1]!, metricsUrl: match[2]!, exited });
    });
    void exited.then((code) => reject(new Error(`grpc-bench serve exited with ${code} before its ready line: ${stderr}`)));
  });
}

const children: ServeChild[] = [];
const clients: OrderClient[] = [];

beforeAll(() => {
  if (!existsSync(COMPILED_CLI)) throw new Error(`${COMPILED_CLI} is missing: run \`npm run build\` first`);
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const { child, exited } of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
});

describe.runIf(process.platform === 'linux')('target memory of a separate serve process', () => {
  it('sees the deliberate leak through /proc and through /metrics', async () => {
    const served = await spawnServe(['--port', '0', '--leak-bytes', String(LEAK_BYTES_PER_REQUEST), '--metrics-port', '0']);
    children.push(served);
    const pid = served.child.pid!;

    const procBefore = await readProcessMemory(pid);
    const scrapedBefore = await scrapeMemoryMetrics(served.metricsUrl, SCRAPE_TIMEOUT_MS);
    expect(procBefore?.rssBytes).toBeGreaterThan(0);
    expect(scrapedBefore?.rssBytes).toBeGreaterThan(0);
    expect(scrapedBefore?.heapBytes).toBeGreaterThan(0);

    const client = openOrderClient(served.address);
    clients.push(client);
    const requestIds = (stream: number) => Array.from({ length: REQUESTS_PER_STREAM }, (_, r) => `s${stream}-r${r}`);
    const outcomes = await Promise.all(Array.from({ length: STREAMS }, (_, s) => runOrderStream(client, requestIds(s))));
    expect(outcomes.every((o) => o.status.code === grpc.status.OK)).toBe(true);
    expect(outcomes.reduce((sum, o) => sum + o.responses.length, 0)).toBe(STREAMS * REQUESTS_PER_STREAM);

    // 300 requests × 64 KiB ≈ 18.75 MiB retained, zero-filled, so resident.
    const procAfter = await readProcessMemory(pid);
    const scrapedAfter = await scrapeMemoryMetrics(served.metricsUrl, SCRAPE_TIMEOUT_MS);
    expect(procAfter!.rssBytes - procBefore!.rssBytes).toBeGreaterThanOrEqual(10 * MIB);
    expect(scrapedAfter!.rssBytes! - scrapedBefore!.rssBytes!).toBeGreaterThanOrEqual(10 * MIB);

    // The pid is preferred when both are known; the URL is the fallback.
    const byPid = await createTargetMemoryProbe({ pid, metricsUrl: served.metricsUrl })!();
    expect(byPid).toEqual({ rssBytes: expect.any(Number) });
    const byUrl = await createTargetMemoryProbe({ metricsUrl: served.metricsUrl })!();
    expect(byUrl?.heapBytes).toBeGreaterThan(0);
    expect(createTargetMemoryProbe({})).toBeUndefined();
    expect(await scrapeMemoryMetrics(new URL('/not-metrics', served.metricsUrl).href, SCRAPE_TIMEOUT_MS)).toBeUndefined();

    client.close();
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);

    expect(await readProcessMemory(pid)).toBeUndefined();
    expect(await scrapeMemoryMetrics(served.metricsUrl, SCRAPE_TIMEOUT_MS)).toBeUndefined();
  }, 30_000);
});
