import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Comparison } from '../../src/compare/comparison.js';
import type { Report } from '../../src/report/report.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { makeTempDir, startServeChild, type ServeChild } from '../helpers/cli-process.js';
import { runInProcess } from '../helpers/in-process-cli.js';

/*
 * `compare REPORT --versions v1,v2`: a real split run against `serve --canary` (a header-routed
 * canary in the same process as the stable version), its report written to a file, then its two versions judged as two reports
 * paired by interval. The slower canary waits 20 ms against the stable version's 2 ms (a 10× P50:
 * every paired interval goes the same way); the unchanged canary waits the same 10 ms as v1.
 */

describe('compare --versions: two versions of one router-split run', () => {
  const temp = makeTempDir('grpc-bench-compare-versions-');
  let slower: ServeChild;
  let same: ServeChild;

  beforeAll(async () => {
    [slower, same] = await Promise.all([
      startServeChild(['--canary', '--latency', '2ms', '--canary-latency', '20ms']),
      startServeChild(['--canary', '--canary-version', 'v1b', '--latency', '10ms', '--canary-latency', '10ms']),
    ]);
  });

  afterAll(async () => {
    await Promise.all([slower, same].filter(Boolean).map((child) => child.stop()));
    temp.remove();
  });

  /**
   * 3 s of 8 streams, half of the stream slots routed to the canary, in 250 ms intervals (the CLI's are 1 s):
   * 8 measured intervals per version after the 1 s warm-up: all 8 pairs one way give the paired rank test p ≈ 0.014.
   */
  async function splitRun(server: ServeChild, name: string): Promise<string> {
    const scenario = loadScenario({
      overrides: {
        name,
        target: server.address,
        insecure: true,
        load: { streams: 8, duration: '3s' },
        stream: { interval: '1ms' },
        split: { by: 'served_by', routed: { share: 0.5, metadata: { 'x-user-group': 'internal-testers' } } },
      },
    });
    const { report } = await runScenario(scenario, { snapshotIntervalMs: 250 });
    expect(report.partial).toBe(false);
    const file = join(temp.dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(report));
    return file;
  }

  async function compareVersions(file: string, versions: string): Promise<{ code: number; comparison: Comparison; stderr: string }> {
    const result = await runInProcess(['compare', file, '--versions', versions, '-O', 'json'], temp.dir);
    const comparison = JSON.parse(result.stdout) as Comparison;
    const figures = comparison.metrics.filter((m) => m.test).map((m) => `${m.metric} ${m.test!.ratio.estimate.toFixed(2)}× p ${m.pValue!.toPrecision(2)} ${m.verdict}`);
    console.log(`${versions}: exit ${result.code}, ${comparison.verdict} (${comparison.design}, ${comparison.pairedIntervals} pairs): ${figures.join('; ')}`);
    return { code: result.code, comparison, stderr: result.stderr };
  }

  it('a slower v2 behind the router: a regression, exit 99, intervals paired by time', async () => {
    const file = await splitRun(slower, 'slower-canary');
    const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    expect(Object.keys(report.versions ?? {}).sort()).toEqual(['v1', 'v2']);

    const { code, comparison, stderr } = await compareVersions(file, 'v1,v2');
    expect(code, stderr).toBe(99);
    expect(stderr).toContain('[REGRESSION_DETECTED]');
    expect(comparison.verdict).toBe('fail');
    expect(comparison.design).toBe('paired');
    const p50 = comparison.metrics.find((m) => m.metric === 'p50')!;
    expect(p50.verdict).toBe('fail');
    expect(p50.candidate).toBeGreaterThan(p50.baseline);
    // A split run counts errors for the whole run only: no error rate or failed streams per version.
    expect(comparison.metrics.map((m) => m.metric)).not.toContain('errorRate');
    expect(comparison.metrics.map((m) => m.metric)).not.toContain('streamsFailed');
    expect(comparison.baseline.name).toBe('slower-canary v1');
    expect(comparison.candidate.name).toBe('slower-canary v2');

    // The other way round v2 is the baseline and v1 no worse: no failure.
    const reversed = await compareVersions(file, 'v2,v1');
    expect(reversed.code, reversed.stderr).toBe(0);
    expect(reversed.comparison.metrics.find((m) => m.metric === 'p50')!.verdict).not.toBe('fail');

    // Every format judges the same: markdown and console exit 99 too.
    for (const format of ['console', 'markdown']) {
      const result = await runInProcess(['compare', file, '--versions', 'v1,v2', '-O', format], temp.dir);
      expect(result.code, `${format}: ${result.stderr}`).toBe(99);
      expect(result.stdout).toContain(`${file} v2`);
    }
  });

  it('an unchanged canary (v1b, the same latency) behind the router: no regression, exit 0', async () => {
    const file = await splitRun(same, 'same-canary');
    const { code, comparison, stderr } = await compareVersions(file, 'v1,v1b');
    expect(code, stderr).toBe(0);
    expect(comparison.design).toBe('paired');
    expect(comparison.metrics.filter((m) => m.verdict === 'fail')).toEqual([]);
  });
});
