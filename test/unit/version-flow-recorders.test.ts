import { describe, expect, it } from 'vitest';
import { MAX_SPLIT_VERSIONS, OTHER_VERSION } from '../../src/driver/split-versions.js';
import { VersionFlowRecorders } from '../../src/driver/version-flow-recorders.js';
import { versionFlowReport } from '../../src/report/flow-report.js';
import { resultFromSnapshots } from '../../src/report/result-from-snapshots.js';
import { emptyCounters } from '../../src/types/worker-protocol.js';
import { intervalSnapshot } from '../helpers/interval-snapshot.js';
import { createLatencyHistogram, encodeHistogram, recordLatencyUs } from '../../src/stats/latency-histogram.js';
import type { FlowSettings } from '../../src/types/flow-settings.js';

const EMPTY_HISTOGRAM = encodeHistogram(createLatencyHistogram());

const FLOW: FlowSettings = {
  onTimeout: 'continue',
  steps: [{ send: 'order' }, { await: 'decided', until: { status: 'CONFIRMED' }, within: 100, checks: { ok: { status: 'CONFIRMED' } } }],
};

describe('flow figures by version', () => {
  it('keeps at most MAX_SPLIT_VERSIONS versions apart and counts the rest together as (other): memory stays bounded whatever the server labels', () => {
    const versions = new VersionFlowRecorders(FLOW);
    for (let i = 0; i < 100; i++) versions.attach(`build-${i}`).runsCompleted++;
    const figures = versions.result();
    versions.dispose();
    expect(Object.keys(figures)).toHaveLength(MAX_SPLIT_VERSIONS + 1);
    expect(figures[OTHER_VERSION]!.runsStarted).toBe(100 - MAX_SPLIT_VERSIONS);
    expect(Object.values(figures).reduce((sum, f) => sum + f.runsStarted, 0)).toBe(100);
    expect(Object.values(figures).reduce((sum, f) => sum + f.runsCompleted, 0)).toBe(100);
  });

  it('counts a run as started where it is attributed, leaves sends unsplit, and merges workers losslessly', () => {
    const parts = [1, 2].map((worker) => {
      const versions = new VersionFlowRecorders(FLOW);
      const v2 = versions.attach('v2');
      v2.runsMixedVersions = worker;
      v2.awaits.get('decided')!.matched = 100;
      for (let i = 1; i <= 100; i++) recordLatencyUs(v2.awaits.get('decided')!.matchUs, i * 1000 * worker);
      v2.checks.get('ok')!.fails = worker;
      const figures = versions.result();
      versions.dispose();
      return figures['v2']!;
    });
    expect(parts[0]!.runsStarted).toBe(1);
    expect(parts[0]!.sends).toEqual({});

    const merged = versionFlowReport(parts);

    expect(merged.runsStarted).toBe(2);
    expect(merged.runsMixedVersions).toBe(3);
    expect(merged.checks['ok']).toEqual({ passes: 0, fails: 3, rate: 0 });
    expect(merged.awaits['decided']!.matched).toBe(200);
    expect(merged.awaits['decided']!.latencyMs.count).toBe(200);
    // 1, 2, …, 100 ms and 2, 4, …, 200 ms: 100 of the 200 are at most 66.7 ms (x + x/2 = 100), so the median is 67 ms within the histogram's precision.
    expect(merged.awaits['decided']!.latencyMs.p50).toBeGreaterThan(66);
    expect(merged.awaits['decided']!.latencyMs.p50).toBeLessThan(68);
    expect(merged.awaits['decided']!.latencyMs.max).toBeGreaterThanOrEqual(199);
  });

  it('carries each version in the interval snapshots, so a crashed worker’s figures by version are rebuilt from them', () => {
    const versions = new VersionFlowRecorders(FLOW);
    const snapshots = [0, 1, 2].map((index) => {
      for (const version of index === 0 ? ['v1'] : ['v1', 'v2']) {
        const recorder = versions.attach(version);
        const step = recorder.awaits.get('decided')!;
        step.matched += 2;
        recordLatencyUs(step.matchUs, 1000 * (index + 1));
        recordLatencyUs(step.firstMatchUs, 2000 * (index + 1));
        recorder.runsCompleted++;
        recorder.checks.get('ok')!.passes += index;
      }
      const flowVersions = versions.takeInterval();
      return intervalSnapshot({ workerId: 0, index, durationMs: 1000, warmup: false, counters: emptyCounters(), histogram: EMPTY_HISTOGRAM, activeStreams: 1, activeConnections: 1, inFlight: 0, flowVersions });
    });
    const totals = versions.result();
    versions.dispose();

    const rebuilt = resultFromSnapshots(0, snapshots).flowVersions!;

    expect(Object.keys(rebuilt).sort()).toEqual(['v1', 'v2']);
    for (const version of ['v1', 'v2']) {
      const fromIntervals = versionFlowReport([rebuilt[version]!]);
      const whole = versionFlowReport([totals[version]!]);
      expect(fromIntervals.runsStarted).toBe(whole.runsStarted);
      expect(fromIntervals.runsCompleted).toBe(whole.runsCompleted);
      expect(fromIntervals.checks).toEqual(whole.checks);
      expect(fromIntervals.awaits['decided']!.matched).toBe(whole.awaits['decided']!.matched);
      expect(fromIntervals.awaits['decided']!.latencyMs).toEqual(whole.awaits['decided']!.latencyMs);
    }
    expect(versionFlowReport([rebuilt['v2']!]).runsStarted).toBe(2);
  });
});
