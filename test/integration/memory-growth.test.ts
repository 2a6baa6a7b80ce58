import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { memorySpec } from '../../src/reporters/html/charts/memory-chart.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario, type DeepPartial } from '../../src/scenario/load-scenario.js';
import type { ScenarioInput } from '../../src/scenario/scenario-schema.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../bin/grpc-bench.js', import.meta.url));
const COMPILED_MAIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

const MIB = 1024 * 1024;
const LEAK_BYTES_PER_REQUEST = 16 * 1024;
/** 16 KiB × 1,000 requests/s ≈ 940 MiB/min retained by v2. */
const RATE = 1000;
/** A leak this steep is unmistakable; the expected one is ~18 times steeper. */
const LEAK_SLOPE_FLOOR = 50 * MIB;

/** `order service v1 listening on 127.0.0.1:PORT`, optionally ` (metrics URL)`. */
const READY_LINE = /^order service (\S+) listening on (\S+?)(?: \(metrics (\S+)\))?$/;

interface ServeChild {
  child: ChildProcessWithoutNullStreams;
  pid: number;
  version: string;
  address: string;
  metricsUrl?: string;
  exited: Promise<void>;
}

const children: ServeChild[] = [];

/** Starts `grpc-bench serve` as a child process; resolves once it prints its ready line. */
function serve(args: string[]): Promise<ServeChild> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { cwd: REPO_ROOT });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = READY_LINE.exec(line);
      if (!match) return;
      const served: ServeChild = { child, pid: child.pid!, version: match[1]!, address: match[2]!, exited };
      if (match[3] !== undefined) served.metricsUrl = match[3];
      children.push(served);
      resolve(served);
    });
    void exited.then(() => reject(new Error(`grpc-bench serve ${args.join(' ')} exited before its ready line: ${stderr}`)));
  });
}

async function run(target: ServeChild, overrides: DeepPartial<ScenarioInput>): Promise<Report> {
  const scenario = loadScenario({ overrides: { target: target.address, insecure: true, ...overrides } });
  const outcome = await runScenario(scenario, { drainTimeoutMs: 2000 });
  expect(outcome.partialCode).toBeUndefined();
  expect(outcome.report.counts.errors).toBe(0);
  return outcome.report;
}

/**
 * A fresh Node service grows its heap over its first ten thousand or so requests, which would
 * look like a leak in v1 too: 15,000 requests at 3,000/s (unmonitored) get that over with
 * before measuring. Paced rather than as fast as possible, so the count is reached in 5 s
 * however busy the machine is.
 */
async function warmUp(target: ServeChild): Promise<void> {
  const report = await run(target, { load: { rate: 3000, duration: '5s', streams: 10, connections: 1, workers: 1 }, stream: { window: 100 } });
  expect(report.counts.messagesReceived).toBeGreaterThan(10_000);
}

/** The open model at 1,000 requests/s for 4 s, watching the service's RSS by pid every 200 ms. */
function measure(target: ServeChild): Promise<Report> {
  return run(target, {
    load: { rate: RATE, duration: '4s', streams: 10, connections: 1, workers: 1 },
    stream: { window: 8 },
    monitor: { pid: target.pid, interval: '200ms' },
  });
}

beforeAll(() => {
  if (!existsSync(COMPILED_MAIN)) throw new Error(`${COMPILED_MAIN} is missing: run \`npm run build\` first`);
});

afterAll(async () => {
  for (const { child, exited } of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
});

describe.runIf(process.platform === 'linux')('target memory growth', () => {
  it(
    'shows a steep slope for a leaking v2 and a flat one for v1',
    async () => {
      const [v1, v2] = await Promise.all([serve(['--service-version', 'v1']), serve(['--service-version', 'v2', '--leak-bytes', String(LEAK_BYTES_PER_REQUEST)])]);
      expect(v1.version).toBe('v1');
      expect(v2.version).toBe('v2');

      // Each service is its own process, watched by its own pid: the two are warmed up and measured side by side.
      const [v1Report, v2Report] = await Promise.all(
        [v1, v2].map(async (served) => {
          await warmUp(served);
          return measure(served);
        }),
      );

      for (const [report, served] of [[v1Report, v1], [v2Report, v2]] as const) {
        expect(report.loadModel).toBe('open');
        // The load really ran (the exact rate is not the point here).
        expect(report.counts.messagesReceived).toBeGreaterThan(0.5 * RATE * 4);
        expect(report.memory.target?.source).toContain(`pid ${served.pid}`);
        expect(report.memory.target!.samples).toBeGreaterThan(3);
        expect(report.memory.client.samples).toBeGreaterThan(3);
      }
      const v1Slope = v1Report.memory.target!.growthBytesPerMin;
      const v2Slope = v2Report.memory.target!.growthBytesPerMin;
      expect(v2Slope).toBeGreaterThan(LEAK_SLOPE_FLOOR);
      expect(v2Slope).toBeGreaterThan(5 * Math.max(v1Slope, MIB));
      // Retained, not transient: the service ends the run well above where it started.
      expect(v2Report.memory.target!.endBytes - v2Report.memory.target!.startBytes).toBeGreaterThan(0.25 * LEAK_BYTES_PER_REQUEST * RATE * 4);
      // Every interval carries the target reading nearest its end: the retained leak shows from the first interval to the last.
      const readings = v2Report.intervals.map((i) => i.targetMemoryBytes);
      expect(readings.every((bytes) => bytes !== undefined)).toBe(true);
      expect(readings.at(-1)! - readings[0]!).toBeGreaterThan(0.25 * LEAK_BYTES_PER_REQUEST * RATE * 2);
      expect(memorySpec(v2Report)!.series.map((series) => series.label).slice(0, 2)).toEqual(['Target memory', 'Target memory fitted slope (too short to judge)']);
    },
    60_000,
  );

  it(
    'reads the target memory from a Prometheus endpoint',
    async () => {
      const served = await serve(['--metrics-port', '0']);
      expect(served.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

      const report = await run(served, {
        load: { duration: '1500ms', streams: 4, connections: 1, workers: 1 },
        monitor: { metricsUrl: served.metricsUrl!, interval: '200ms' },
      });

      expect(report.memory.target).toBeDefined();
      expect(report.memory.target!.source).toContain(served.metricsUrl!);
      expect(report.settings.monitor).toEqual({ metricsUrl: served.metricsUrl, intervalMs: 200 });
      expect(report.intervals.every((i) => i.targetMemoryBytes !== undefined && i.clientRssBytes !== undefined)).toBe(true);
      expect(report.memory.target!.samples).toBeGreaterThan(3);
      expect(report.memory.target!.startBytes).toBeGreaterThan(0);
      expect(report.memory.client.samples).toBeGreaterThan(3);
    },
    30_000,
  );
});
