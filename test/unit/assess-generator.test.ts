import { describe, expect, it } from 'vitest';
import type { GeneratorHealth } from '../../src/types/worker-protocol.js';
import { assessGenerator, type GeneratorEvidence } from '../../src/report/assess-generator.js';
import { GeneratorMonitor, generatorCountingFromMs } from '../../src/driver/generator-monitor.js';

function worker(workerId: number, delayP99Ms: number, countedMs: number | undefined, utilization = 0.5): GeneratorHealth {
  return {
    workerId,
    eventLoopUtilization: utilization,
    eventLoopDelayP99Ms: delayP99Ms,
    eventLoopDelayMaxMs: delayP99Ms,
    eventLoopDelayMeanMs: delayP99Ms / 2,
    busyMs: 500,
    ...(countedMs === undefined ? {} : { countedMs }),
  };
}

function evidence(workers: GeneratorHealth[], openModel = false): GeneratorEvidence {
  return { workers, openModel, processCpuUs: 1_000_000, durationMs: 2000, latencyP99Ms: 1 };
}

describe('generatorCountingFromMs', () => {
  it('starts counting once both the warm-up and the first second are over', () => {
    expect(generatorCountingFromMs(0)).toBe(1000);
    expect(generatorCountingFromMs(300)).toBe(1000);
    expect(generatorCountingFromMs(2500)).toBe(2500);
  });
});

describe('assessGenerator', () => {
  it('flags a worker whose counted event-loop delay p99 is over the limit', () => {
    const report = assessGenerator(evidence([worker(0, 12, 4000), worker(1, 1, 4000)]));
    expect(report.saturated).toBe(true);
    expect(report.evidence).toEqual([expect.stringMatching(/^worker 0: event-loop delay p99 12\.0 ms/)]);
  });

  it('does not judge a worker whose load ended before its figures count', () => {
    // Figures of an uncounted worker are zeros from the monitor; high ones here prove they are skipped.
    const report = assessGenerator(evidence([worker(0, 50, 0, 1)], true));
    expect(report.saturated).toBe(false);
    expect(report.evidence).toEqual([expect.stringMatching(/^event-loop figures not judged: the load ended before they start counting/)]);
  });

  it('names the workers judged when some were not', () => {
    const report = assessGenerator(evidence([worker(0, 2, 3000), worker(1, 40, 0)]));
    expect(report.saturated).toBe(false);
    expect(report.evidence).toEqual(['event-loop delay p99 at most 2.0 ms on 1 of 2 workers (the others\' load ended before the figures count) (limit 10 ms)']);
  });

  it('judges reports without countedMs as before', () => {
    expect(assessGenerator(evidence([worker(0, 20, undefined)])).saturated).toBe(true);
    expect(assessGenerator(evidence([worker(0, 2, undefined)])).evidence).toEqual(['event-loop delay p99 at most 2.0 ms on every worker (limit 10 ms)']);
  });
});

describe('GeneratorMonitor', () => {
  it('reports nothing counted until startCounting', () => {
    expect(new GeneratorMonitor(3).finish()).toMatchObject({ workerId: 3, countedMs: 0, eventLoopUtilization: 0, eventLoopDelayP99Ms: 0 });
  });

  it('never starts counting once sending has stopped', () => {
    const monitor = new GeneratorMonitor(5);
    monitor.sendingStopped();
    monitor.startCounting();
    expect(monitor.finish()).toMatchObject({ workerId: 5, countedMs: 0, eventLoopUtilization: 0 });
  });

  it('counts from startCounting, and busyMs covers the load before it too', async () => {
    const monitor = new GeneratorMonitor(4);
    const until = Date.now() + 50;
    while (Date.now() < until) {
      // busy on purpose: load before counting starts
    }
    monitor.startCounting();
    // Lets the 10 ms delay sampler record into the counted window (a 50 ms timer fires after several of its ticks).
    await new Promise<void>((resolve) => setTimeout(resolve, 50));
    monitor.sendingStopped();
    const health = monitor.finish();
    expect(health.workerId).toBe(4);
    expect(health.countedMs).toBeGreaterThan(0);
    expect(health.eventLoopUtilization).toBeGreaterThanOrEqual(0);
    expect(health.eventLoopUtilization).toBeLessThanOrEqual(1);
    expect(health.busyMs).toBeGreaterThanOrEqual(50);
  });

  it('states the limit it judged by: 5 % of a long P99 when that is over 10 ms', () => {
    const report = assessGenerator({ ...evidence([worker(0, 40, 3000)]), latencyP99Ms: 1000 });
    expect(report.saturated).toBe(false);
    expect(report.evidence).toEqual(['event-loop delay p99 at most 40.0 ms on every worker (limit 50 ms: 5 % of the P99 of 1000.0 ms)']);
    expect(assessGenerator({ ...evidence([worker(0, 72, 3000)]), latencyP99Ms: 222 }).saturated).toBe(true);
  });
});
