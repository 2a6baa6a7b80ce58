import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../src/monitor/parse-prometheus-text.js';
import type { Report } from '../../src/report/report.js';
import type { LiveStatus } from '../../src/report/live-status.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import type { ServiceKnobs } from '../../src/target/service-knobs.js';
import { startOrderServer, type OrderServerHandle } from '../../src/target/start-order-server.js';
import { linesOf, makeTempDir, runCli } from '../helpers/cli-process.js';

const servers: OrderServerHandle[] = [];
const tempDirs: Array<{ remove(): void }> = [];

async function startServer(knobs: Partial<ServiceKnobs> = {}): Promise<OrderServerHandle> {
  const server = await startOrderServer({ port: 0, knobs });
  servers.push(server);
  return server;
}

function tempDir(): string {
  const temp = makeTempDir();
  tempDirs.push(temp);
  return temp.dir;
}

/** Writes a scenario file (JSON is valid YAML) into a fresh directory; returns the directory. */
function writeScenario(scenario: Record<string, unknown>): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'scenario.yaml'), JSON.stringify(scenario, null, 2));
  return dir;
}

const COMPILED_CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

beforeAll(() => {
  if (!existsSync(COMPILED_CLI)) throw new Error(`${COMPILED_CLI} is missing: run \`npm run build\` first`);
});

afterEach(() => {
  for (const server of servers.splice(0)) server.forceShutdown();
  for (const temp of tempDirs.splice(0)) temp.remove();
});

describe('thresholds', () => {
  it('judge a finished run: one passing and one failing threshold both land in report.thresholds', async () => {
    const server = await startServer();
    const scenario = loadScenario({
      overrides: {
        target: server.address,
        insecure: true,
        load: { streams: 2, connections: 1, workers: 1, messages: 200 },
        thresholds: { p99: '<60s', messagesPerSec: '>1000000000' },
      },
    });
    const { report, partialCode } = await runScenario(scenario);
    expect(partialCode).toBeUndefined();
    expect(report.counts.messagesReceived).toBe(200);
    const thresholds = report.thresholds!;
    expect(thresholds.passed).toBe(false);
    expect(thresholds.abortedBy).toBeUndefined();
    expect(thresholds.results).toEqual([
      { metric: 'p99', condition: '<60s', actual: report.latencyMs.p99, limit: 60_000, unit: 'ms', pass: true, abortOnFail: false },
      { metric: 'messagesPerSec', condition: '>1000000000', actual: report.throughput.messagesPerSec, limit: 1e9, unit: 'msg/s', pass: false, abortOnFail: false },
    ]);
  });

  it('the CLI exits 99 after writing the reports, naming the failed threshold; --threshold adds to the file', async () => {
    const dir = writeScenario({
      name: 'gate',
      load: { streams: 2, connections: 1, workers: 1, messages: 200 },
      thresholds: { p99: '<60s' },
      output: { formats: ['console', 'json'], path: 'out' },
    });
    const result = await runCli(['run', 'scenario.yaml', '--threshold', 'errors==0', '--threshold', 'messagesPerSec>1000000000'], { cwd: dir });
    expect(result.code, result.stderr).toBe(99);
    const reportPath = join(dir, 'out', 'report.json');
    expect(existsSync(reportPath)).toBe(true);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
    expect(report.thresholds!.results.map((r) => [r.metric, r.pass])).toEqual([
      ['p99', true],
      ['errors', true],
      ['messagesPerSec', false],
    ]);
    const last = linesOf(result.stderr).at(-1)!;
    expect(last).toMatch(/^grpc-bench: thresholds failed: messagesPerSec [\d.]+ msg\/s \(>1000000000\) \[THRESHOLDS_FAILED\]$/);
    expect(result.stdout).toMatch(/Thresholds \(FAILED\):\n {2}p99 +<60s +[\d.]+ ms +PASS\n {2}errors +==0 +0 +PASS\n {2}messagesPerSec +>1000000000 +[\d.]+ msg\/s +FAIL/);
  });

  it('a bad threshold exits 3 with one line naming thresholds.p99, before any load reaches the server', async () => {
    const server = await startServer();
    const dir = writeScenario({ target: server.address, insecure: true, load: { streams: 2, duration: '2s' }, thresholds: { p99: 'fast' } });
    const result = await runCli(['run', 'scenario.yaml'], { cwd: dir });
    expect(result.code).toBe(3);
    expect(linesOf(result.stderr)).toEqual([expect.stringMatching(/^grpc-bench: scenario\.yaml: thresholds\.p99: expected .*, got "fast" \[SCENARIO_INVALID\]$/)]);
    expect(result.stdout).toBe('');
    const seen = server.counters.snapshot();
    expect(seen.streamsOpened).toBe(0);
    expect(seen.connectionsSeen).toBe(0);
  });

  it('abortOnFail stops a slow run early: partial report, abortedBy set, exit 99', async () => {
    const server = await startServer({ latencyMs: 50 });
    const dir = writeScenario({
      name: 'abort',
      target: server.address,
      insecure: true,
      load: { streams: 4, connections: 1, workers: 1, duration: '30s' },
      thresholds: { p99: { condition: '<5ms', abortOnFail: true, abortAfter: '1s' }, errors: '==0' },
      output: { formats: ['json'], path: 'out' },
    });
    const result = await runCli(['run', 'scenario.yaml'], { cwd: dir });
    expect(result.code, result.stderr).toBe(99);
    const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as Report;
    expect(report.durationMs).toBeLessThan(15_000);
    expect(report.partial).toBe(true);
    expect(report.partialReason).toContain('p99 <5ms');
    expect(report.thresholds).toMatchObject({ passed: false, abortedBy: 'p99 <5ms' });
    expect(report.thresholds!.results.find((r) => r.metric === 'p99')).toMatchObject({ pass: false, abortOnFail: true });
    expect(linesOf(result.stderr)).toContainEqual(expect.stringMatching(/^threshold p99 <5ms failed live \([\d.]+ ms after \d+\.\d s\): stopping, draining in-flight requests/));
    expect(linesOf(result.stderr).at(-1)).toMatch(/thresholds failed: p99 [\d.]+ ms \(<5ms\); the run was aborted by p99 <5ms \[THRESHOLDS_FAILED\]$/);
  });
});

describe('live metrics (monitor.metricsPort)', () => {
  it('serves grpc_bench_* counters and gauges labelled with the run while the load runs', async () => {
    const server = await startServer();
    const scenario = loadScenario({
      overrides: { name: 'live', target: server.address, insecure: true, load: { streams: 2, connections: 1, workers: 1, duration: '30s' }, monitor: { metricsPort: 0 } },
    });
    const controller = new AbortController();
    let url: string | undefined;
    let scrape: Promise<string> | undefined;
    const onProgress = (status: LiveStatus): void => {
      if (scrape !== undefined || status.messagesSent === 0) return;
      // The run goes on until the scrape is done: the endpoint lives exactly as long as the run.
      scrape = fetch(url!)
        .then((response) => response.text())
        .finally(() => controller.abort());
    };
    const { partialCode } = await runScenario(scenario, { signal: controller.signal, onProgress, onMetricsUrl: (served) => (url = served) });
    expect(partialCode).toBe('INTERRUPTED');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const metrics = parsePrometheusText(await scrape!);
    const sample = (name: string) => metrics.get(name)?.[0];
    expect(sample('grpc_bench_messages_sent_total')?.labels).toEqual({ run: 'live' });
    expect(sample('grpc_bench_messages_sent_total')!.value).toBeGreaterThan(0);
    expect(sample('grpc_bench_messages_received_total')!.value).toBeLessThanOrEqual(sample('grpc_bench_messages_sent_total')!.value);
    expect(sample('grpc_bench_errors_total')!.value).toBe(0);
    expect(sample('grpc_bench_active_connections')!.value).toBe(1);
    expect(sample('grpc_bench_active_streams')!.value, 'both streams stay open for the whole run').toBe(2);
    expect(sample('grpc_bench_latency_p99_seconds')!.value, 'the last interval had responses').toBeGreaterThan(0);
    await expect(fetch(url!)).rejects.toThrow();
  });
});
