import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { linesOf, makeTempDir, runCli, scrapeMetric, startServeChild, type ServeChild } from '../helpers/cli-process.js';
import { reservationScenario } from '../helpers/reservation-scenario.js';

const children: ServeChild[] = [];
const tempDirs: Array<{ remove(): void }> = [];
const COMPILED_WORKER = fileURLToPath(new URL('../../dist/src/pool/worker.js', import.meta.url));

beforeAll(() => {
  if (!existsSync(COMPILED_WORKER)) throw new Error(`${COMPILED_WORKER} is missing: run \`npm run build\` first`);
});

afterEach(async () => {
  for (const temp of tempDirs.splice(0)) temp.remove();
  await Promise.all(children.splice(0).map((child) => child.stop()));
});

/** `grpc-bench serve --protocol reservation` in its own process, answering `rejectRatio` of the confirms REJECTED. */
async function serveReservation(rejectRatio: number): Promise<ServeChild> {
  const child = await startServeChild(['--protocol', 'reservation', '--stage-delays', '1ms', '--reject-ratio', String(rejectRatio), '--push-rate', '50', '--metrics-port', '0']);
  children.push(child);
  return child;
}

/** Runs the reservation flow from the CLI against `address` with `thresholds`; the exit, its output and the JSON report. */
async function runFlow(address: string, duration: string, thresholds: Record<string, unknown>): Promise<{ code: number | null; stdout: string; stderr: string; report: Report }> {
  const temp = makeTempDir();
  tempDirs.push(temp);
  const scenario = { ...reservationScenario(address, 'http2'), load: { streams: 2, connections: 1, workers: 1, duration }, thresholds, output: { formats: ['console', 'json'], path: 'out' } };
  writeFileSync(join(temp.dir, 'scenario.yaml'), JSON.stringify(scenario));
  const result = await runCli(['run', 'scenario.yaml'], { cwd: temp.dir });
  return { ...result, report: JSON.parse(readFileSync(join(temp.dir, 'out', 'report.json'), 'utf8')) as Report };
}

describe('abortOnFail on flow thresholds, against `serve --protocol reservation`', () => {
  it('a check rate that cannot hold stops the run early: workers drain, the report names it, exit 99', async () => {
    const server = await serveReservation(1);

    const { code, stdout, stderr, report } = await runFlow(server.address, '30s', {
      'checks.confirmed.rate': { condition: '>=99%', abortOnFail: true, abortAfter: '300ms' },
      'step.decided.count': '>0',
    });

    expect(code, stderr).toBe(99);
    expect(report.durationMs, 'stopped long before the planned 30 s').toBeLessThan(15_000);
    expect(report.partial).toBe(true);
    expect(report.partialReason).toBe('threshold checks.confirmed.rate >=99% failed during the run (abortOnFail)');
    expect(report.thresholds).toMatchObject({ passed: false, abortedBy: 'checks.confirmed.rate >=99%' });
    expect(report.thresholds!.results).toEqual([
      { metric: 'checks.confirmed.rate', condition: '>=99%', actual: 0, limit: 99, unit: '%', pass: false, abortOnFail: true },
      { metric: 'step.decided.count', condition: '>0', actual: report.flow!.awaits['decided']!.matched, limit: 0, unit: 'count', pass: true, abortOnFail: false },
    ]);
    // Every confirm was answered REJECTED: the server's count, and the report's, of a run that drained.
    const flow = report.flow!;
    expect(flow.checks['confirmed']).toEqual({ passes: 0, fails: flow.awaits['decided']!.matched, rate: 0 });
    expect(flow.awaits['decided']!.matched).toBeGreaterThan(0);
    expect(flow.awaits['decided']!.byStatus).toEqual({ REJECTED: flow.awaits['decided']!.matched });
    expect(await scrapeMetric(server.metricsUrl!, 'order_service_orders_total')).toBe(flow.sends['order']);
    expect(stdout).toContain('the run was aborted early by checks.confirmed.rate >=99% (abortOnFail)');
    expect(linesOf(stderr).at(-1)).toBe('grpc-bench: thresholds failed: checks.confirmed.rate 0 % (>=99%); the run was aborted by checks.confirmed.rate >=99% [THRESHOLDS_FAILED]');
  });

  it('flow thresholds that hold let the run go to its end (exit 0)', async () => {
    const server = await serveReservation(0);

    const { code, stderr, report } = await runFlow(server.address, '1s', {
      'checks.confirmed.rate': { condition: '>=99%', abortOnFail: true, abortAfter: '100ms' },
      'step.decided.p99': { condition: '<60s', abortOnFail: true, abortAfter: '100ms' },
      'step.reserved.timeouts': { condition: '==0', abortOnFail: true, abortAfter: '0s' },
    });

    expect(code, stderr).toBe(0);
    expect(report.partial).toBe(false);
    expect(report.thresholds!.passed).toBe(true);
    expect(report.thresholds!.abortedBy).toBeUndefined();
    expect(report.flow!.checks['confirmed']!.rate).toBe(1);
    expect(report.flow!.runsStarted).toBeGreaterThan(0);
  });
});
