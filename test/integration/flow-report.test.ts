import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
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

describe('a flow run from the CLI', () => {
  it('exits 99 on a failed check threshold, after writing reports that show the flow', async () => {
    const server = await reservationServer();
    const temp = makeTempDir();
    tempDirs.push(temp);
    const scenario = { ...reservationScenario(server.address, 'http2'), load: { streams: 2, connections: 1, workers: 1, duration: '1s' }, thresholds: { 'checks.confirmed.rate': '>=100%' }, output: { formats: ['console', 'json', 'markdown', 'html', 'prometheus', 'influx'], path: 'out' } };
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
  });
});
