import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Comparison } from '../../src/compare/comparison.js';
import type { Report } from '../../src/report/report.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario, type DeepPartial } from '../../src/scenario/load-scenario.js';
import type { ScenarioInput } from '../../src/scenario/scenario-schema.js';
import { SERVED_BY_HEADER } from '../../src/target/order-service.js';
import { startOrderServer, type OrderServerHandle, type OrderServerOptions } from '../../src/target/start-order-server.js';
import { makeTempDir, runCli, startServeChild, type ServeChild } from '../helpers/cli-process.js';
import { runInProcess } from '../helpers/in-process-cli.js';

/*
 * Canary runs end to end: one run against a service that routes some streams to a canary
 * (the results split by version), and interleaved rounds against two separate servers judged
 * by the product's own comparison.
 */

const ROUTE_HEADER = { name: 'x-user-group', value: 'internal-testers' };

const servers: OrderServerHandle[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.shutdown(1000)));
});

async function startCanaryServer(canary: NonNullable<OrderServerOptions['canary']>): Promise<OrderServerHandle> {
  const server = await startOrderServer({ port: 0, canary });
  servers.push(server);
  return server;
}

async function splitRun(server: OrderServerHandle, overrides: DeepPartial<ScenarioInput>): Promise<Report> {
  const scenario = loadScenario({ overrides: { name: 'canary-split', target: server.address, insecure: true, ...overrides } });
  const { report } = await runScenario(scenario);
  return report;
}

/** The versions in the report got exactly the responses each version's server side sent. */
function expectAttributionMatchesServer(report: Report, server: OrderServerHandle): void {
  const canary = server.canary!.counters.snapshot();
  const stable = server.canary!.stableCounters.snapshot();
  const versions = report.versions!;
  expect(Object.keys(versions).sort()).toEqual(['v1', 'v2']);
  expect(versions['v2']!.messagesReceived, 'v2: responses the canary sent').toBe(canary.messagesSent);
  expect(versions['v1']!.messagesReceived, 'v1: responses the stable version sent').toBe(stable.messagesSent);
  expect(versions['v1']!.messagesReceived + versions['v2']!.messagesReceived).toBe(report.counts.messagesReceived);
  expect(versions['v1']!.latencyMs.count + versions['v2']!.latencyMs.count).toBe(report.latencyMs.count);
}

describe('router split: one run, a header-routed canary', () => {
  it.each([['served_by'], [`header:${SERVED_BY_HEADER}`]])('split by %s: each version gets what it served; 2 of 8 stream slots routed', async (by) => {
    const server = await startCanaryServer({ knobs: { latencyMs: 1 }, header: ROUTE_HEADER, weight: 0 });

    const report = await splitRun(server, {
      load: { streams: 8, messages: 200 },
      stream: { messages: 25 },
      split: { by, routed: { share: 0.25, metadata: { [ROUTE_HEADER.name]: ROUTE_HEADER.value } } },
    });

    expect(report.partial).toBe(false);
    expect(report.counts.messagesReceived).toBe(200);
    expectAttributionMatchesServer(report, server);
    // Each slot opens one stream of 25 messages: the routed slots are the canary's streams.
    expect(report.counts.streamsOpened).toBe(8);
    expect(server.canary!.counters.snapshot().streamsOpened, 'streams routed to the canary').toBe(2);
    expect(server.canary!.stableCounters.snapshot().streamsOpened).toBe(6);
    expect(report.versions!['v2']!.messagesReceived).toBe(50);
    expect(report.versions!['v2']!.share).toBe(0.25);
    expect(report.versions!['v1']!.share).toBe(0.75);
  });
});

describe('router split: a weighted canary', () => {
  it('weight 0.5, no header: both versions are present and their shares add up to 1', async () => {
    const server = await startCanaryServer({ knobs: { latencyMs: 1 }, weight: 0.5 });

    // 40 streams in all, each routed at random: all on one side has probability 2^-39.
    const report = await splitRun(server, { load: { streams: 16, messages: 400 }, stream: { messages: 10 }, split: { by: 'served_by' } });

    expect(report.counts.streamsOpened).toBe(40);
    expectAttributionMatchesServer(report, server);
    const { v1, v2 } = report.versions as Record<'v1' | 'v2', { share: number; messagesReceived: number }>;
    expect(v1.messagesReceived).toBeGreaterThan(0);
    expect(v2.messagesReceived).toBeGreaterThan(0);
    expect(v1.share + v2.share).toBeCloseTo(1, 3);
  });
});

describe('interleaved rounds through the CLI (grpc-bench run --baseline --candidate --rounds)', () => {
  let v1: ServeChild;
  let v2: ServeChild;
  let routed: ServeChild;
  const temp = makeTempDir('grpc-bench-canary-rounds-');

  beforeAll(async () => {
    [v1, v2, routed] = await Promise.all([
      startServeChild(),
      startServeChild(['--service-version', 'v2', '--latency', '2ms']),
      startServeChild(['--canary', '--canary-latency', '2ms']),
    ]);
  });

  afterAll(async () => {
    await Promise.all([v1, v2, routed].filter(Boolean).map((child) => child.stop()));
    temp.remove();
  });

  /**
   * A warm-up round and `roundCount` rounds of `duration` (250 ms of each left out), 8 streams pausing 1 ms between
   * sends so the two cores are not saturated. The regression cases take 5 rounds: with 3 the round test has
   * 2 degrees of freedom, and one round disturbed by the machine left even a 4× P50 at p 0.058. Their rounds
   * last 500 ms: the +2 ms effect is about 10× at P50 (p near 1e-7 with 1 s rounds), and 250 ms of 8 streams
   * still give each side of a round hundreds of latencies. The pass case keeps 2 s rounds: its verdict is about
   * the noise, and longer rounds have less of it.
   */
  async function rounds(
    baseline: ServeChild,
    candidate: ServeChild,
    name: string,
    extra: string[] = [],
    roundCount = 3,
    duration = '2s',
  ): Promise<{ code: number | null; stdout: string; stderr: string; comparison: Comparison }> {
    const dir = join(temp.dir, name);
    const args = ['run', '--baseline', baseline.address, '--candidate', candidate.address, '--insecure', '--rounds', String(roundCount), '-z', duration, '-c', '8', '--stream-interval', '1ms', '-o', dir, ...extra];
    const result = await runCli(args, { cwd: temp.dir, timeoutMs: 60_000 });
    const comparison = JSON.parse(readFileSync(join(dir, 'comparison.json'), 'utf8')) as Comparison;
    const figures = comparison.metrics.filter((m) => m.test).map((m) => `${m.label} ${m.test!.ratio.estimate.toFixed(2)}× p ${m.pValue!.toPrecision(2)} ${m.verdict}`);
    console.log(`${name}: exit ${result.code}, ${comparison.verdict} (${comparison.design}, ${comparison.rounds} rounds): ${figures.join('; ')}`);
    // Same data, same verdict: `compare` on the run's own baseline.json and candidate.json judges exactly as the run did.
    const tolerances = extra.includes('--max-regression') ? ['--max-regression', extra[extra.indexOf('--max-regression') + 1]!] : [];
    const again = await runInProcess(['compare', join(dir, 'baseline.json'), join(dir, 'candidate.json'), '-O', 'json', ...tolerances], temp.dir);
    expect(JSON.parse(again.stdout), again.stderr).toEqual(comparison);
    expect(again.code).toBe(result.code);
    return { code: result.code, stdout: result.stdout, stderr: result.stderr, comparison };
  }

  /** The versions that answered one side of a run (its report's `versions`). */
  const servedBy = (name: string, side: 'baseline' | 'candidate'): string[] =>
    Object.keys((JSON.parse(readFileSync(join(temp.dir, name, `${side}.json`), 'utf8')) as Report).versions ?? {});

  it('v1 against v2 (+2 ms per request): a regression at P50, exit 99', async () => {
    const { code, stderr, comparison } = await rounds(v1, v2, 'v1-v2', [], 5, '500ms');

    expect(comparison.verdict).toBe('fail');
    expect(comparison, 'the round is the unit of the test').toMatchObject({ design: 'rounds', rounds: 5 });
    expect(stderr.match(/^warm-up round \(not judged\) (baseline|candidate):/gm), 'one warm-up round first').toHaveLength(2);
    expect(stderr.match(/^round [1-5]\/5 (baseline|candidate):/gm), 'then the judged rounds').toHaveLength(10);
    expect(comparison.metrics.find((m) => m.metric === 'p50')?.test?.roundTest?.degreesOfFreedom).toBe(4);
    expect(comparison.metrics.find((m) => m.metric === 'p50')?.verdict).toBe('fail');
    expect(stderr).toMatch(/\[REGRESSION_DETECTED\]$/m);
    expect(code, stderr).toBe(99);
    // No split was asked for: each side is split by the served_by its responses carry, and the page is named by it.
    expect(servedBy('v1-v2', 'baseline')).toEqual(['v1']);
    expect(servedBy('v1-v2', 'candidate')).toEqual(['v2']);
    expect(readFileSync(join(temp.dir, 'v1-v2', 'comparison.html'), 'utf8')).toContain('<h1>Comparison: v1 vs v2</h1>');
  }, 70_000);

  it('one address behind a header route: the candidate side carries the routing header and is found slower, exit 99', async () => {
    const header = JSON.stringify({ [ROUTE_HEADER.name]: ROUTE_HEADER.value });
    const { code, stdout, stderr, comparison } = await rounds(routed, routed, 'header-routed', ['--candidate-metadata', header], 5, '500ms');

    expect(comparison).toMatchObject({ verdict: 'fail', design: 'rounds' });
    expect(comparison.metrics.find((m) => m.metric === 'p50')?.verdict).toBe('fail');
    expect(stdout).toContain(`candidate ${routed.address} with ${ROUTE_HEADER.name}: ${ROUTE_HEADER.value}`);
    const candidate = JSON.parse(readFileSync(join(temp.dir, 'header-routed', 'candidate.json'), 'utf8')) as Report;
    const baseline = JSON.parse(readFileSync(join(temp.dir, 'header-routed', 'baseline.json'), 'utf8')) as Report;
    expect(candidate.settings.metadata).toEqual({ [ROUTE_HEADER.name]: ROUTE_HEADER.value });
    expect(baseline.settings.metadata).toEqual({});
    expect(servedBy('header-routed', 'baseline'), 'the route sends the unrouted side to v1').toEqual(['v1']);
    expect(servedBy('header-routed', 'candidate'), 'and the routed side to v2').toEqual(['v2']);
    expect(code, stderr).toBe(99);
  }, 70_000);

  it('v1 against the same v1: no regression, exit 0', async () => {
    // The same server on both sides: any difference is the machine's. With 3 rounds a 10 % swing in one
    // metric reaches p < 0.05 now and then, so the tolerance here is wide: this checks the pass path and
    // its exit code; the judge's false-alarm rate is measured by `npm run bench:canary`.
    const { code, stderr, comparison } = await rounds(v1, v1, 'v1-v1', ['--max-regression', 'p50=30%,p99=30%,messagesPerSec=30%']);

    expect(['pass', 'inconclusive']).toContain(comparison.verdict);
    expect(code, stderr).toBe(0);
  }, 45_000);
});
