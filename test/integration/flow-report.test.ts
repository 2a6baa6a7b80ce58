import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { mergeHistograms } from '../../src/stats/latency-histogram.js';
import { summarizeLatency } from '../../src/stats/summarize-latency.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { countRejects } from '../../src/target/reject-draw.js';
import { startOrderServer, type OrderServerHandle } from '../../src/target/start-order-server.js';
import { makeTempDir, runCli } from '../helpers/cli-process.js';
import { reservationScenario } from '../helpers/reservation-scenario.js';

const servers: OrderServerHandle[] = [];
const tempDirs: Array<{ remove(): void }> = [];
const COMPILED_WORKER = fileURLToPath(new URL('../../dist/src/pool/worker.js', import.meta.url));

beforeAll(() => {
  if (!existsSync(COMPILED_WORKER)) throw new Error(`${COMPILED_WORKER} is missing: run \`npm run build\` first`);
});

afterEach(() => {
  for (const server of servers.splice(0)) server.forceShutdown();
  for (const temp of tempDirs.splice(0)) temp.remove();
});

const SEED = 5;
const REJECT_RATIO = 0.25;

async function reservationServer(): Promise<OrderServerHandle> {
  const server = await startOrderServer({ port: 0, knobs: { protocol: 'reservation', rejectRatio: REJECT_RATIO, rejectSeed: SEED, stageDelaysMs: { accepted: 1, reserved: 1, decided: 1 }, pushRatePerSec: 100 } });
  servers.push(server);
  return server;
}

describe.each(['grpc-js', 'http2'] as const)('a flow run end to end on %s (workers, report, thresholds)', (transport) => {
  it('reports per-step counts equal to the server’s, checks counting the rejects, pushes apart, and judges step and check thresholds', async () => {
    const server = await reservationServer();
    const scenario = loadScenario({ overrides: reservationScenario(server.address, transport) as never });

    const { report } = await runScenario(scenario);

    const flow = report.flow!;
    const counters = server.counters.snapshot();
    expect(flow.runsStarted).toBeGreaterThan(4);
    expect(flow.runsCompleted).toBe(flow.runsStarted);
    expect(flow.sends).toEqual({ order: counters.ordersReceived, confirm: counters.confirmsValid });
    expect(counters.confirmsInvalid).toBe(0);
    const rejects = countRejects(SEED, REJECT_RATIO, counters.confirmsValid);
    expect(flow.awaits['decided']!.byStatus).toEqual({ CONFIRMED: counters.confirmsValid - rejects, REJECTED: rejects });
    expect(flow.awaits['reserved']!.byStatus).toEqual({ ACCEPTED: counters.ordersReceived, RESERVED: counters.ordersReceived });
    expect(flow.awaits['reserved']!.latencyMs.count).toBe(counters.ordersReceived);
    expect(flow.checks['confirmed']).toEqual({ passes: counters.confirmsValid - rejects, fails: rejects, rate: (counters.confirmsValid - rejects) / counters.confirmsValid });
    expect(flow.unsolicited).toEqual({ STOCK_UPDATE: counters.pushesSent });
    expect(report.counts.messagesSent).toBe(counters.messagesReceived);
    const verdicts = report.thresholds!.results.map((r) => [r.metric, r.pass, r.actual]);
    expect(verdicts).toEqual([
      ['step.decided.count', true, counters.confirmsValid],
      ['step.reserved.p99', true, flow.awaits['reserved']!.latencyMs.p99],
      ['checks.confirmed.fails', rejects === 0, rejects],
    ]);
  });
});

describe.each(['grpc-js', 'http2'] as const)('templates in a flow send on %s', (transport) => {
  it("render ghz's call variables and the method's facts as data does: the server echoes them", async () => {
    const server = await reservationServer();
    // One worker, one stream, one flow run at a time: worker w0, stream (ghz's request number) 0.
    const sent = '{{.WorkerID}}|{{.RequestNumber}}|{{.InputName}}|{{.OutputName}}|{{.IsServerStreaming}}|{{.MethodName}}|{{.ServiceName}}|{{.FullyQualifiedName}}|{{inputName}}|{{isClientStreaming}}';
    const echoed = 'w0|0|pb.CreateOrderRequest|pb.CreateOrderResponse|true|CreateOrderStream|pb.OrderService|pb.OrderService.CreateOrderStream|pb.CreateOrderRequest|true';
    const scenario = {
      ...reservationScenario(server.address, transport),
      load: { streams: 1, connections: 1, workers: 1, duration: '1s' },
      stream: {
        flow: {
          unsolicited: { status: 'STOCK_UPDATE' },
          steps: [
            { send: 'order', message: { request_id: sent, items: [{ sku_id: 's_001', count: 1 }] } },
            // The reservation protocol answers with the request's request_id.
            { await: 'reserved', until: { status: 'RESERVED' }, within: '2s', checks: { rendered: { request_id: echoed } } },
            { pause: '20ms' },
          ],
        },
      },
      thresholds: {},
    };

    const { report } = await runScenario(loadScenario({ overrides: scenario as never }));

    const flow = report.flow!;
    expect(flow.sends['order']).toBe(server.counters.snapshot().ordersReceived);
    expect(flow.awaits['reserved']!.matched).toBeGreaterThan(0);
    expect(flow.checks['rendered']).toEqual({ passes: flow.awaits['reserved']!.matched, fails: 0, rate: 1 });
  });
});

describe('a flow run from the CLI', () => {
  it('exits 99 on a failed check threshold, after writing reports that show the flow', async () => {
    const server = await reservationServer();
    const temp = makeTempDir();
    tempDirs.push(temp);
    const scenario = { ...reservationScenario(server.address, 'http2'), load: { streams: 2, connections: 1, workers: 1, duration: '1s' }, thresholds: { 'checks.confirmed.rate': '>=100%' }, output: { formats: ['console', 'json', 'markdown', 'html', 'prometheus', 'influx', 'csv', 'junit'], path: 'out' } };
    writeFileSync(join(temp.dir, 'scenario.yaml'), JSON.stringify(scenario));

    const result = await runCli(['run', 'scenario.yaml'], { cwd: temp.dir });

    const report = JSON.parse(readFileSync(join(temp.dir, 'out', 'report.json'), 'utf8')) as Report;
    const rejects = report.flow!.checks['confirmed']!.fails;
    expect(rejects).toBe(countRejects(SEED, REJECT_RATIO, server.counters.snapshot().confirmsValid));
    expect(result.code, result.stderr).toBe(rejects > 0 ? 99 : 0);
    expect(result.stdout).toMatch(/Flow \(stream\.flow[^\n]*\n {2}flow runs: \d+ started/);
    expect(result.stdout).toMatch(/\n {2}decided +\d+ +0 +0 /);
    expect(readFileSync(join(temp.dir, 'out', 'report.md'), 'utf8')).toContain('### Flow');
    expect(readFileSync(join(temp.dir, 'out', 'report.html'), 'utf8')).toContain('data-flow-checks');
    const prometheus = readFileSync(join(temp.dir, 'out', 'report.prom'), 'utf8');
    expect(prometheus).toContain(`grpc_bench_flow_checks_total{run="reservation",call="pb.OrderService/CreateOrderStream",check="confirmed",result="fail"} ${rejects}\n`);
    expect(readFileSync(join(temp.dir, 'out', 'report.lp'), 'utf8')).toMatch(new RegExp(`\\ngrpc_bench_flow_check,call=pb\\.OrderService/CreateOrderStream,run=reservation,check=confirmed passes=\\d+i,fails=${rejects}i \\d+\\n`));
    expect(prometheus).toContain(`grpc_bench_flow_step_matches_total{run="reservation",call="pb.OrderService/CreateOrderStream",step="decided"} ${report.flow!.awaits['decided']!.matched}\n`);
    checkFlowCsv(readFileSync(join(temp.dir, 'out', 'report.csv'), 'utf8'), report);
    checkFlowJunit(readFileSync(join(temp.dir, 'out', 'report.xml'), 'utf8'), report);
  });
});

describe('flow segments merged', () => {
  it('`merge` adds the segments’ flows up losslessly and judges the step and check thresholds again on the merged run (exit 99)', async () => {
    const server = await reservationServer();
    const temp = makeTempDir();
    tempDirs.push(temp);
    const thresholds = { 'step.decided.count': '>0', 'checks.confirmed.rate': '>=100%' };
    const scenario = { ...reservationScenario(server.address, 'grpc-js'), load: { streams: 2, connections: 2, workers: 1, duration: '1s' }, thresholds };
    writeFileSync(join(temp.dir, 'scenario.yaml'), JSON.stringify(scenario));
    const segmentRuns = await Promise.all([1, 2].map((i) => runCli(['run', '--segment', `${i}/2`, 'scenario.yaml', '-O', 'json', '-o', `seg-${i}.json`], { cwd: temp.dir, timeoutMs: 60_000 })));
    const segments = [1, 2].map((i) => JSON.parse(readFileSync(join(temp.dir, `seg-${i}.json`), 'utf8')) as Report);
    segments.forEach((segment, i) => {
      expect([0, 99], segmentRuns[i]!.stderr).toContain(segmentRuns[i]!.code);
      expect(segment.settings.thresholds).toEqual([
        { metric: 'step.decided.count', condition: '>0', abortOnFail: false },
        { metric: 'checks.confirmed.rate', condition: '>=100%', abortOnFail: false },
      ]);
    });

    const merge = await runCli(['merge', 'seg-1.json', 'seg-2.json', '-O', 'json', '-o', 'merged.json'], { cwd: temp.dir });

    const merged = JSON.parse(readFileSync(join(temp.dir, 'merged.json'), 'utf8')) as Report;
    const flow = merged.flow!;
    const counters = server.counters.snapshot();
    // Both segments ran against this one server: the merged flow matches its counters.
    expect(flow.sends).toEqual({ order: counters.ordersReceived, confirm: counters.confirmsValid });
    const rejects = countRejects(SEED, REJECT_RATIO, counters.confirmsValid);
    expect(flow.awaits['decided']!.byStatus).toEqual({ CONFIRMED: counters.confirmsValid - rejects, REJECTED: rejects });
    expect(flow.runsStarted).toBe(segments[0]!.flow!.runsStarted + segments[1]!.flow!.runsStarted);
    for (const name of ['reserved', 'decided']) {
      const histograms = segments.map((s) => s.flow!.awaits[name]!.matchHistogram);
      expect(flow.awaits[name]!.latencyMs).toEqual(summarizeLatency(mergeHistograms(histograms)));
    }
    expect(flow.checks['confirmed']).toEqual({ passes: counters.confirmsValid - rejects, fails: rejects, rate: (counters.confirmsValid - rejects) / counters.confirmsValid });
    expect(rejects).toBeGreaterThan(0);
    expect(merged.thresholds!.results.map((r) => [r.metric, r.pass, r.actual])).toEqual([
      ['step.decided.count', true, counters.confirmsValid],
      ['checks.confirmed.rate', false, flow.checks['confirmed']!.rate! * 100],
    ]);
    expect(merge.code, merge.stderr).toBe(99);
    expect(merge.stderr).toContain('checks.confirmed.rate');
  });
});

/** One table: interval rows, then a row per await and per check with the report's figures. */
function checkFlowCsv(text: string, report: Report): void {
  const rows = parseCsv(text, { columns: true, relax_column_count: false }) as Array<Record<string, string>>;
  expect(rows.filter((r) => r['row'] === 'interval')).toHaveLength(report.intervals.length);
  const flow = report.flow!;
  const awaits = rows.filter((r) => r['row'] === 'await');
  expect(awaits.map((r) => r['name'])).toEqual(Object.keys(flow.awaits));
  for (const row of awaits) {
    const step = flow.awaits[row['name']!]!;
    expect([row['matched'], row['timeouts'], row['intermediate']].map(Number)).toEqual([step.matched, step.timeouts, step.intermediate]);
    expect([row['p50_ms'], row['p90_ms'], row['p99_ms'], row['p999_ms'], row['max_ms']].map(Number)).toEqual([step.latencyMs.p50, step.latencyMs.p90, step.latencyMs.p99, step.latencyMs.p999, step.latencyMs.max]);
    expect(row['t_ms']).toBe('');
  }
  expect(awaits.find((r) => r['name'] === 'reserved')!['intermediate']).toBe(String(flow.awaits['reserved']!.byStatus['ACCEPTED']));
  const checks = rows.filter((r) => r['row'] === 'check');
  const confirmed = flow.checks['confirmed']!;
  expect(checks).toHaveLength(1);
  expect([checks[0]!['name'], checks[0]!['passes'], checks[0]!['fails'], checks[0]!['pass_percent']]).toEqual(['confirmed', String(confirmed.passes), String(confirmed.fails), String(confirmed.rate! * 100)]);
}

/** The check threshold is a testcase failing with the run; the check's pass rate a suite property. */
function checkFlowJunit(text: string, report: Report): void {
  expect(XMLValidator.validate(text)).toBe(true);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testcase' || name === 'property' });
  const suite = parser.parse(text).testsuites.testsuite as { testcase: Array<{ name: string; failure?: { message: string } }>; properties: { property: Array<{ name: string; value: string }> } };
  const { passes, fails, rate } = report.flow!.checks['confirmed']!;
  expect(suite.testcase.map((c) => c.name)).toEqual(['checks.confirmed.rate >=100%']);
  expect(suite.testcase[0]!.failure?.message).toBe(fails > 0 ? `checks.confirmed.rate was ${Math.round(rate! * 100 * 1000) / 1000} %, limit 100 % (>=100%)` : undefined);
  expect(suite.properties.property).toContainEqual({ name: 'check.confirmed', value: `${passes} passes, ${fails} fails, ${Math.round(rate! * 100 * 1000) / 1000} % passed` });
}
