import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheusText, type PrometheusSample } from '../../src/monitor/parse-prometheus-text.js';
import type { LiveStatus } from '../../src/report/live-status.js';
import type { Report } from '../../src/report/report.js';
import { startLiveMetrics } from '../../src/run/live-metrics.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
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
    expect(linesOf(stderr), 'said when it happens, with the live figure').toContainEqual(
      expect.stringMatching(/^threshold checks\.confirmed\.rate >=99% failed live \(0 % after \d+\.\d s\): stopping, draining in-flight requests, then writing the partial report \(abortOnFail\)$/),
    );
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

/** `name{labels}` → value of every sample in a scrape. */
async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(url)).text();
  const values = new Map<string, number>();
  for (const [name, samples] of parsePrometheusText(text)) {
    for (const sample of samples as PrometheusSample[]) {
      const labels = Object.entries(sample.labels).filter(([key]) => key !== 'run').map(([key, value]) => `${key}=${value}`);
      values.set(labels.length ? `${name}{${labels.join(',')}}` : name, sample.value);
    }
  }
  return values;
}

describe('live metrics of a flow (monitor.metricsPort)', () => {
  it('serve the flow’s series while it runs; after the last interval the counters equal the report’s whole-run figures', async () => {
    const server = await serveReservation(0.5);
    const scenario = loadScenario({ overrides: { ...reservationScenario(server.address, 'http2'), name: 'live', load: { streams: 2, connections: 1, workers: 1, duration: '30s' }, monitor: { metricsPort: 0 }, thresholds: {} } as never });
    // A second endpoint fed with every status the run's own gets, in the same order: it stays
    // up after the run, so it can be read after the last interval (the run's closes with the run).
    const after = await startLiveMetrics('live', 0, scenario.flow);
    const controller = new AbortController();
    let url: string | undefined;
    let during: Promise<Map<string, number>> | undefined;
    let lastStatus: LiveStatus | undefined;
    const onProgress = (status: LiveStatus): void => {
      after.update(status);
      lastStatus = status;
      if (during !== undefined || !status.flow?.checks['confirmed']?.fails) return;
      // The run goes on until the scrape is done, then stops early (drains) as on Ctrl-C.
      during = scrape(url!).finally(() => controller.abort());
    };

    try {
      const { report, partialCode } = await runScenario(scenario, { signal: controller.signal, onProgress, onMetricsUrl: (served) => (url = served) });
      const duringRun = await during!;
      const final = await scrape(after.url);

      expect(partialCode).toBe('INTERRUPTED');
      const flow = report.flow!;
      // While it ran: every series there, with what had been counted by then.
      expect(duringRun.get('grpc_bench_flow_runs_total{outcome=started}')).toBeGreaterThan(0);
      expect(duringRun.get('grpc_bench_flow_runs_total{outcome=started}')).toBeLessThanOrEqual(flow.runsStarted);
      expect(duringRun.get('grpc_bench_flow_checks_total{check=confirmed,result=fail}')).toBeGreaterThan(0);
      expect(duringRun.get('grpc_bench_flow_step_matches_total{step=decided}')).toBeLessThanOrEqual(flow.awaits['decided']!.matched);
      expect(duringRun.get('grpc_bench_flow_step_latency_p99_seconds{step=reserved}')).toBeGreaterThan(0);
      expect(duringRun.get('grpc_bench_messages_sent_total')).toBeGreaterThan(0);

      // After the last interval: the report's figures exactly.
      const unsolicited = Object.values(flow.unsolicited).reduce((sum, n) => sum + n, 0);
      expect(unsolicited, 'the server pushed while the flows ran').toBeGreaterThan(0);
      const expected: Array<[string, number]> = [
        ['grpc_bench_flow_runs_total{outcome=started}', flow.runsStarted],
        ['grpc_bench_flow_runs_total{outcome=completed}', flow.runsCompleted],
        ['grpc_bench_flow_runs_total{outcome=timed_out}', flow.runsTimedOut],
        ['grpc_bench_flow_unsolicited_total', unsolicited],
        ['grpc_bench_messages_sent_total', report.counts.messagesSent],
      ];
      for (const [step, figures] of Object.entries(flow.awaits)) {
        expected.push([`grpc_bench_flow_step_matches_total{step=${step}}`, figures.matched], [`grpc_bench_flow_step_timeouts_total{step=${step}}`, figures.timeouts]);
        // The last interval with matches of the step (one worker: the report's interval is that worker's).
        const lastP99Ms = report.intervals.map((i) => i.flow?.awaits[step]?.latencyMs?.p99).filter((p) => p !== undefined).at(-1)!;
        expected.push([`grpc_bench_flow_step_latency_p99_seconds{step=${step}}`, lastP99Ms / 1000]);
      }
      for (const [check, figures] of Object.entries(flow.checks)) {
        expected.push([`grpc_bench_flow_checks_total{check=${check},result=pass}`, figures.passes], [`grpc_bench_flow_checks_total{check=${check},result=fail}`, figures.fails]);
      }
      expect(expected.map(([name]) => [name, final.get(name)])).toEqual(expected);
      expect(lastStatus!.flow!.checks['confirmed']!.rate).toBe(flow.checks['confirmed']!.rate);
      expect(flow.awaits['decided']!.matched, 'the counts are of real traffic').toBeGreaterThan(0);
    } finally {
      await after.close();
    }
  });

  it('show every await’s and check’s series at 0 from the start, before the first interval', async () => {
    const scenario = loadScenario({ overrides: { ...reservationScenario('127.0.0.1:1', 'http2'), name: 'early' } as never });
    const metrics = await startLiveMetrics('early', 0, scenario.flow);
    try {
      const values = await scrape(metrics.url);
      const flowSeries = [...values].filter(([name]) => name.startsWith('grpc_bench_flow_'));
      expect(flowSeries.map(([name]) => name).sort()).toEqual(
        [
          'grpc_bench_flow_runs_total{outcome=started}',
          'grpc_bench_flow_runs_total{outcome=completed}',
          'grpc_bench_flow_runs_total{outcome=timed_out}',
          'grpc_bench_flow_unsolicited_total',
          ...['reserved', 'decided'].flatMap((step) => [`grpc_bench_flow_step_matches_total{step=${step}}`, `grpc_bench_flow_step_timeouts_total{step=${step}}`, `grpc_bench_flow_step_latency_p99_seconds{step=${step}}`]),
          'grpc_bench_flow_checks_total{check=confirmed,result=pass}',
          'grpc_bench_flow_checks_total{check=confirmed,result=fail}',
        ].sort(),
      );
      expect(flowSeries.every(([, value]) => value === 0)).toBe(true);
    } finally {
      await metrics.close();
    }
  });

  it('show no flow series for a run without a flow', async () => {
    const metrics = await startLiveMetrics('plain', 0);
    try {
      const statusWithoutFlow = { elapsedMs: 1000, messagesSent: 1, messagesReceived: 1, errors: 0, streamsFailed: 0, activeStreams: 1, activeConnections: 1, messagesPerSec: 1, p99Ms: 1 } as LiveStatus;
      metrics.update(statusWithoutFlow);
      const names = [...(await scrape(metrics.url)).keys()];
      expect(names).toContain('grpc_bench_messages_sent_total');
      expect(names.filter((name) => name.startsWith('grpc_bench_flow_'))).toEqual([]);
    } finally {
      await metrics.close();
    }
  });
});
