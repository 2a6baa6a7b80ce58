import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Report, VersionFlowReport } from '../../src/report/report.js';
import { mergeReports } from '../../src/report/merge-reports.js';
import { renderHtmlReport } from '../../src/reporters/html/html-reporter.js';
import { renderConsoleSummary } from '../../src/reporters/console-reporter.js';
import { renderMarkdown } from '../../src/reporters/markdown-reporter.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { mergeHistograms } from '../../src/stats/latency-histogram.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { SERVED_BY_HEADER } from '../../src/target/order-service.js';
import type { ServerCountersSnapshot } from '../../src/target/server-counters.js';
import type { ServiceKnobs } from '../../src/target/service-knobs.js';
import { startOrderServer, type OrderServerHandle } from '../../src/target/start-order-server.js';
import { reservationScenario } from '../helpers/reservation-scenario.js';

/*
 * A flow through a canary router, split by version: each version's flow figures against what that
 * version's side of the server counted, and the versions adding up to the whole run.
 */

const COMPILED_WORKER = fileURLToPath(new URL('../../dist/src/pool/worker.js', import.meta.url));
const ROUTE_HEADER = { name: 'x-user-group', value: 'internal-testers' };
const RESERVATION: Partial<ServiceKnobs> = { protocol: 'reservation', stageDelaysMs: { accepted: 1, reserved: 1, decided: 1 }, pushRatePerSec: 50 };

const servers: OrderServerHandle[] = [];

beforeAll(() => {
  if (!existsSync(COMPILED_WORKER)) throw new Error(`${COMPILED_WORKER} is missing: run \`npm run build\` first`);
});

afterEach(() => {
  for (const server of servers.splice(0)) server.forceShutdown();
});

/** v1 and v2 in one process; streams carrying ROUTE_HEADER go to v2. */
async function canaryServer(stable: Partial<ServiceKnobs>, canary: Partial<ServiceKnobs>): Promise<OrderServerHandle> {
  const server = await startOrderServer({ port: 0, knobs: { ...RESERVATION, ...stable }, canary: { knobs: { ...RESERVATION, ...canary }, header: ROUTE_HEADER, weight: 0 } });
  servers.push(server);
  return server;
}

/** The reservation flow, 8 streams of which 2 (a share of 0.25) carry the routing header. */
async function splitFlowRun(server: OrderServerHandle, transport: 'grpc-js' | 'http2', by: string, changes: Record<string, unknown> = {}): Promise<Report> {
  const base = reservationScenario(server.address, transport);
  const scenario = loadScenario({
    overrides: {
      ...base,
      load: { streams: 8, connections: 2, workers: 2, duration: '1s' },
      split: { by, routed: { share: 0.25, metadata: { [ROUTE_HEADER.name]: ROUTE_HEADER.value } } },
      thresholds: {},
      ...changes,
    } as never,
  });
  const { report } = await runScenario(scenario);
  return report;
}

/** Every count of the flow summed over the versions equals the whole run's, and the match histograms add up (a version without flow runs counts 0). */
function expectVersionsAddUp(report: Report): void {
  const flow = report.flow!;
  const flows = Object.values(report.versions!).flatMap((v) => (v.flow ? [v.flow] : []));
  const total = (pick: (f: VersionFlowReport) => number | undefined): number => flows.reduce((sum, f) => sum + (pick(f) ?? 0), 0);
  expect(total((f) => f.runsStarted), 'runs started').toBe(flow.runsStarted);
  expect(total((f) => f.runsCompleted), 'runs completed').toBe(flow.runsCompleted);
  expect(total((f) => f.runsTimedOut), 'runs timed out').toBe(flow.runsTimedOut);
  expect(total((f) => f.runsUnfinished), 'runs unfinished').toBe(flow.runsUnfinished);
  expect(total((f) => f.unawaited)).toBe(flow.unawaited);
  for (const [name, step] of Object.entries(flow.awaits)) {
    expect(total((f) => f.awaits[name]?.matched), `${name} matched`).toBe(step.matched);
    expect(total((f) => f.awaits[name]?.timeouts), `${name} timeouts`).toBe(step.timeouts);
    expect(total((f) => f.awaits[name]?.intermediate), `${name} intermediate`).toBe(step.intermediate);
    expect(total((f) => f.awaits[name]?.latencyMs.count), `${name} latencies`).toBe(step.latencyMs.count);
    expect(total((f) => f.awaits[name]?.firstResponseMs.count), `${name} first responses`).toBe(step.firstResponseMs.count);
  }
  for (const [name, check] of Object.entries(flow.checks)) {
    expect(total((f) => f.checks[name]?.passes), `${name} passes`).toBe(check.passes);
    expect(total((f) => f.checks[name]?.fails), `${name} fails`).toBe(check.fails);
  }
  const unsolicited = (tally: Record<string, number>): number => Object.values(tally).reduce((a, b) => a + b, 0);
  expect(total((f) => unsolicited(f.unsolicited))).toBe(unsolicited(flow.unsolicited));
  // Each version's intervals add up to its own totals.
  for (const [version, side] of Object.entries(report.versions!)) {
    if (!side.flow) continue;
    const intervals = side.intervals.flatMap((i) => (i.flow ? [i.flow] : []));
    const sum = (pick: (i: (typeof intervals)[number]) => number | undefined): number => intervals.reduce((acc, i) => acc + (pick(i) ?? 0), 0);
    expect(sum((i) => i.runsStarted), `${version}: runs started over intervals`).toBe(side.flow.runsStarted);
    expect(sum((i) => i.runsTimedOut)).toBe(side.flow.runsTimedOut);
    expect(sum((i) => i.unsolicited)).toBe(unsolicited(side.flow.unsolicited));
    for (const [name, step] of Object.entries(side.flow.awaits)) {
      expect(sum((i) => i.awaits[name]?.matched), `${version} ${name}: matched over intervals`).toBe(step.matched);
      expect(sum((i) => i.awaits[name]?.timeouts)).toBe(step.timeouts);
      const histograms = intervals.flatMap((i) => (i.awaits[name]?.matchHistogram ? [i.awaits[name]!.matchHistogram] : []));
      expect(histograms.length ? mergeHistograms(histograms).totalCount : 0, `${version} ${name}: latencies over intervals`).toBe(step.latencyMs.count);
    }
    for (const [name, check] of Object.entries(side.flow.checks)) expect(sum((i) => i.checks[name]?.fails), `${version} ${name}: fails over intervals`).toBe(check.fails);
  }
}

/** One version's flow figures equal what its side of the router counted. */
function expectVersionMatchesServer(flow: VersionFlowReport, side: ServerCountersSnapshot): void {
  const confirmed = side.responsesByStatus['CONFIRMED'] ?? 0;
  const rejected = side.responsesByStatus['REJECTED'] ?? 0;
  expect(flow.runsStarted, 'runs: one per order the side received').toBe(side.ordersReceived);
  expect(flow.runsCompleted).toBe(side.ordersReceived);
  expect(flow.awaits['reserved']!.byStatus).toEqual({ ACCEPTED: side.ordersReceived, RESERVED: side.ordersReceived });
  expect(flow.awaits['reserved']!.latencyMs.count).toBe(side.ordersReceived);
  expect(flow.awaits['decided']!.matched).toBe(side.confirmsValid);
  expect(flow.awaits['decided']!.byStatus).toEqual({ ...(confirmed ? { CONFIRMED: confirmed } : {}), ...(rejected ? { REJECTED: rejected } : {}) });
  expect(flow.checks['confirmed']).toEqual({ passes: confirmed, fails: rejected, rate: confirmed / side.confirmsValid });
  expect(flow.unsolicited).toEqual({ STOCK_UPDATE: side.pushesSent });
  expect(flow.runsMixedVersions).toBe(0);
  expect(flow.sends).toEqual({});
}

/** The console, markdown and HTML reports show each version's check counts and step rows. */
function expectShownByVersion(report: Report): void {
  const console = renderConsoleSummary(report);
  const markdown = renderMarkdown(report);
  const html = renderHtmlReport(report);
  expect(console).toContain('Flow by version');
  expect(markdown).toContain('### Flow by version');
  expect(html).toContain('data-flow-version-steps');
  expect(html).toContain('Flow step decided by version: P99 over time');
  for (const [version, side] of Object.entries(report.versions!)) {
    const confirmed = side.flow!.checks['confirmed']!;
    expect(console).toMatch(new RegExp(`confirmed +${version} +${confirmed.passes.toLocaleString('en-US')} +${confirmed.fails.toLocaleString('en-US')}`));
    expect(markdown).toContain(`| decided | ${version} | ${side.flow!.awaits['decided']!.matched.toLocaleString('en-US')} |`);
  }
}

describe.each([
  ['grpc-js', 'served_by'],
  ['http2', `header:${SERVED_BY_HEADER}`],
] as const)('a flow split by version on %s, by %s', (transport, by) => {
  it('gives each version the flow runs, step counts, checks and pushes its side of the router counted; the versions add up to the whole run', async () => {
    // v2 rejects half its confirms, v1 a tenth.
    const server = await canaryServer({ rejectRatio: 0.1, rejectSeed: 3 }, { rejectRatio: 0.5, rejectSeed: 4 });

    const report = await splitFlowRun(server, transport, by);

    expect(report.partial).toBe(false);
    const versions = report.versions!;
    expect(Object.keys(versions).sort()).toEqual(['v1', 'v2']);
    const stable = server.canary!.stableCounters.snapshot();
    const canary = server.canary!.counters.snapshot();
    expect(canary.streamsOpened, 'streams routed to v2').toBe(2);
    expect(canary.ordersReceived).toBeGreaterThan(4);
    expectVersionMatchesServer(versions['v1']!.flow!, stable);
    expectVersionMatchesServer(versions['v2']!.flow!, canary);
    expectVersionsAddUp(report);
    // A version's matched awaits are its responses in `versions` (a flow's counted responses are its matches).
    for (const version of Object.values(versions)) {
      const matched = Object.values(version.flow!.awaits).reduce((sum, step) => sum + step.matched, 0);
      expect(version.messagesReceived).toBe(matched);
    }
    expectShownByVersion(report);
    // Reports merged one after another keep each version's flow: every count doubles, latencies merge.
    const merged = mergeReports([report, report], 'sequential');
    for (const [version, side] of Object.entries(versions)) {
      const twice = merged.versions![version]!.flow!;
      expect(twice.runsStarted).toBe(2 * side.flow!.runsStarted);
      expect(twice.checks['confirmed']!.fails).toBe(2 * side.flow!.checks['confirmed']!.fails);
      expect(twice.awaits['decided']!.latencyMs.count).toBe(2 * side.flow!.awaits['decided']!.latencyMs.count);
      expect(twice.awaits['decided']!.latencyMs.p99).toBe(side.flow!.awaits['decided']!.latencyMs.p99);
    }
    // Segments of one run side by side: each version's intervals merged by wall clock still add up to its figures.
    expectVersionsAddUp(mergeReports([report, report], 'segments'));
  });
});

describe('a flow split by version: timeouts', () => {
  it('counts a slow version’s step timeouts under it, and the runs that timed out there', async () => {
    // v2 decides after 300 ms; the flow waits 100 ms for the decision (v2's late answers then count as unsolicited, under v2).
    const server = await canaryServer({}, { stageDelaysMs: { accepted: 1, reserved: 1, decided: 300 } });
    const base = reservationScenario(server.address, 'grpc-js') as { stream: { flow: { steps: Array<Record<string, unknown>> } } };
    const steps = base.stream.flow.steps.map((step) => (step['await'] === 'decided' ? { ...step, within: '100ms' } : step));

    const report = await splitFlowRun(server, 'grpc-js', 'served_by', { stream: { ...base.stream, flow: { ...base.stream.flow, onTimeout: 'continue', steps } } });

    const canary = server.canary!.counters.snapshot();
    const stable = server.canary!.stableCounters.snapshot();
    const v1 = report.versions!['v1']!.flow!;
    const v2 = report.versions!['v2']!.flow!;
    // v2 cannot answer within 100 ms: every confirm it received timed out, under v2 (no timing assumed of v1).
    expect(canary.confirmsValid).toBeGreaterThan(0);
    expect(v2.awaits['decided']!.matched).toBe(0);
    expect(v2.awaits['decided']!.timeouts).toBe(canary.confirmsValid);
    expect(v2.runsTimedOut).toBe(v2.awaits['reserved']!.timeouts + v2.awaits['decided']!.timeouts);
    expect(v2.runsStarted).toBe(canary.ordersReceived);
    expect(v2.awaits['reserved']!.matched + v2.awaits['reserved']!.timeouts).toBe(canary.ordersReceived);
    expect(v1.awaits['decided']!.matched + v1.awaits['decided']!.timeouts).toBe(stable.confirmsValid);
    expect(v1.runsStarted).toBe(stable.ordersReceived);
    expectVersionsAddUp(report);
  });
});

describe('a flow split by a field whose value changes within a flow run', () => {
  it('takes a run’s version from its first labelled response and counts the runs that saw another', async () => {
    const server = await startOrderServer({ port: 0, knobs: { ...RESERVATION, rejectRatio: 0.2 } });
    servers.push(server);
    const base = reservationScenario(server.address, 'grpc-js');

    // Each order is answered ACCEPTED, then RESERVED, then CONFIRMED or REJECTED: split by status, every run starts "ACCEPTED" and sees other values.
    const scenario = loadScenario({ overrides: { ...base, load: { streams: 2, connections: 1, workers: 1, duration: '1s' }, split: { by: 'status' }, thresholds: {} } as never });
    const { report } = await runScenario(scenario);

    const counters = server.counters.snapshot();
    const accepted = report.versions!['ACCEPTED']!.flow!;
    expect(accepted.runsStarted).toBe(counters.ordersReceived);
    expect(accepted.runsMixedVersions).toBe(counters.ordersReceived);
    expect(accepted.awaits['decided']!.matched).toBe(counters.confirmsValid);
    // Pushes count under their own label; no flow run belongs to it.
    expect(report.versions!['STOCK_UPDATE']!.flow!.unsolicited).toEqual({ STOCK_UPDATE: counters.pushesSent });
    expect(report.versions!['STOCK_UPDATE']!.flow!.runsStarted).toBe(0);
    expectVersionsAddUp(report);
  });
});

describe('a flow split by version: runs with no response of their own', () => {
  it('go to the version their stream named last, or (none) before it named one; the versions still add up', async () => {
    // Every order is answered after 400 ms, and nothing is pushed; the flow waits 150 ms: no flow run gets a response
    // of its own in time. The first ones time out before the stream has named a version; later ones after a late answer has.
    const server = await startOrderServer({ port: 0, knobs: { ...RESERVATION, pushRatePerSec: 0, stageDelaysMs: { accepted: 400, reserved: 1, decided: 1 } } });
    servers.push(server);
    const base = reservationScenario(server.address, 'grpc-js') as { stream: { flow: { steps: Array<Record<string, unknown>> } } };
    const steps = base.stream.flow.steps.map((step) => (step['await'] === 'reserved' ? { ...step, within: '150ms' } : step));
    const scenario = loadScenario({
      overrides: { ...base, load: { streams: 2, connections: 1, workers: 1, duration: '1s' }, split: { by: 'served_by' }, stream: { ...base.stream, flow: { ...base.stream.flow, onTimeout: 'continue', steps } }, thresholds: {} } as never,
    });

    const { report } = await runScenario(scenario);

    const counters = server.counters.snapshot();
    const flows = Object.entries(report.versions!).flatMap(([version, side]) => (side.flow ? [[version, side.flow] as const] : []));
    expect(flows.map(([version]) => version).every((version) => version === 'v1' || version === '(none)')).toBe(true);
    expect(report.flow!.awaits['reserved']!.matched).toBe(0);
    expect(flows.reduce((sum, [, flow]) => sum + flow.awaits['reserved']!.timeouts, 0)).toBe(counters.ordersReceived);
    expect(flows.reduce((sum, [, flow]) => sum + flow.runsTimedOut, 0)).toBe(counters.ordersReceived);
    // The late answers came on streams that then named v1: unsolicited, under v1.
    expect(report.versions!['v1']!.flow!.unsolicited).toEqual({ ACCEPTED: counters.ordersReceived, RESERVED: counters.ordersReceived });
    expectVersionsAddUp(report);
  });
});
