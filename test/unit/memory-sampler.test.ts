import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemorySampler, type MemoryReading } from '../../src/monitor/memory-sampler.js';
import { rssSeries } from '../../src/run/start-memory-monitors.js';

/** A probe whose every call waits until the test settles it (oldest call first). */
function controlledProbe() {
  const pending: Array<{ resolve: (reading: MemoryReading | undefined) => void; reject: (error: Error) => void }> = [];
  let calls = 0;
  const probe = () => {
    calls += 1;
    return new Promise<MemoryReading | undefined>((resolve, reject) => pending.push({ resolve, reject }));
  };
  return {
    probe,
    calls: () => calls,
    async answer(reading: MemoryReading | undefined) {
      await vi.advanceTimersByTimeAsync(0);
      pending.shift()!.resolve(reading);
      await vi.advanceTimersByTimeAsync(0);
    },
    async fail(error: Error) {
      await vi.advanceTimersByTimeAsync(0);
      pending.shift()!.reject(error);
      await vi.advanceTimersByTimeAsync(0);
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('MemorySampler', () => {
  it('probes at start and every intervalMs, keeping rss and heap series', async () => {
    let bytes = 100;
    const sampler = new MemorySampler(async () => ({ rssBytes: (bytes += 10), heapBytes: bytes / 2 }), { intervalMs: 250, nowMs: Date.now });

    sampler.start();
    await vi.advanceTimersByTimeAsync(750);
    await sampler.stop();

    expect(sampler.rssSamples()).toEqual([
      { tMs: 0, bytes: 110 },
      { tMs: 250, bytes: 120 },
      { tMs: 500, bytes: 130 },
      { tMs: 750, bytes: 140 },
      { tMs: 750, bytes: 150 },
    ]);
    expect(sampler.heapSamples().map((s) => s.bytes)).toEqual([55, 60, 65, 70, 75]);
    expect(sampler.failedProbes).toBe(0);
  });

  it('defaults to one probe every 500 ms and leaves heap empty when the probe has none', async () => {
    const sampler = new MemorySampler(async () => ({ rssBytes: 1 }), { nowMs: Date.now });

    sampler.start();
    await vi.advanceTimersByTimeAsync(1000);

    expect(sampler.rssSamples().map((s) => s.tMs)).toEqual([0, 500, 1000]);
    expect(sampler.heapSamples()).toEqual([]);
    await sampler.stop();
  });

  it('never runs two probes at once: ticks during a slow probe are skipped', async () => {
    const control = controlledProbe();
    const sampler = new MemorySampler(control.probe, { intervalMs: 100, nowMs: Date.now });

    sampler.start();
    await vi.advanceTimersByTimeAsync(500);
    expect(control.calls()).toBe(1);
    expect(sampler.skippedTicks).toBe(5);

    await control.answer({ rssBytes: 7 });
    await vi.advanceTimersByTimeAsync(100);
    expect(control.calls()).toBe(2);
    await control.answer({ rssBytes: 8 });

    expect(sampler.rssSamples()).toEqual([
      { tMs: 0, bytes: 7 },
      { tMs: 600, bytes: 8 },
    ]);
    const stopped = sampler.stop();
    await control.answer({ rssBytes: 9 });
    await stopped;
  });

  it('counts probes that reject or give no reading, and keeps going', async () => {
    const control = controlledProbe();
    const sampler = new MemorySampler(control.probe, { intervalMs: 100, nowMs: Date.now });

    sampler.start();
    await control.fail(new Error('gone'));
    await vi.advanceTimersByTimeAsync(100);
    await control.answer(undefined);
    await vi.advanceTimersByTimeAsync(100);
    await control.answer({});
    await vi.advanceTimersByTimeAsync(100);
    await control.answer({ rssBytes: 42 });

    expect(sampler.failedProbes).toBe(3);
    expect(sampler.rssSamples()).toEqual([{ tMs: 300, bytes: 42 }]);
    const stopped = sampler.stop();
    await control.answer({ rssBytes: 43 });
    await stopped;
  });

  it('stop() waits for the running probe, takes one final sample, then probes no more', async () => {
    const control = controlledProbe();
    const sampler = new MemorySampler(control.probe, { intervalMs: 100, nowMs: Date.now });
    sampler.start();

    let stopped = false;
    const stopping = sampler.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);

    await control.answer({ rssBytes: 1 });
    expect(control.calls()).toBe(2);
    expect(stopped).toBe(false);
    await control.answer({ rssBytes: 2 });
    await stopping;

    expect(stopped).toBe(true);
    expect(sampler.stop()).toBe(sampler.stop());
    await vi.advanceTimersByTimeAsync(1000);
    expect(control.calls()).toBe(2);
    expect(sampler.rssSamples().map((s) => s.bytes)).toEqual([1, 2]);
  });

  it('moves the samples and the load span to the load clock: ms since the load started (warm-up before the span)', async () => {
    const sampler = new MemorySampler(async () => ({ rssBytes: 1 }), { intervalMs: 250, nowMs: Date.now });
    sampler.start();
    await vi.advanceTimersByTimeAsync(500);
    await sampler.stop();

    expect(sampler.startedAtMs).toBe(1_000_000);
    // The load started 50 ms after the sampler: a 50 ms warm-up ended at 1_000_100.
    const series = rssSeries(sampler, { fromMs: 1_000_100, toMs: 1_000_400 }, 50);
    expect(series.fitSpan).toEqual({ fromMs: 50, toMs: 350 });
    expect(series.samples.map((s) => s.tMs)).toEqual(sampler.rssSamples().map((s) => s.tMs - 50));
    expect(series.samples[0]).toEqual({ tMs: -50, bytes: 1 });
    expect(rssSeries(sampler, undefined, 50)).toEqual({ samples: sampler.rssSamples() });
  });

  it('rejects a non-positive interval', () => {
    expect(() => new MemorySampler(async () => undefined, { intervalMs: 0 })).toThrow(RangeError);
  });
});

describe('MemorySampler timer', () => {
  it('does not keep the process alive', async () => {
    vi.useRealTimers();
    const samplerModule = fileURLToPath(new URL('../../src/monitor/memory-sampler.ts', import.meta.url));
    const script = `
      const { MemorySampler } = await import(${JSON.stringify(samplerModule)});
      new MemorySampler(async () => ({ rssBytes: 1 }), { intervalMs: 10 }).start();
      process.stdout.write('started');
    `;
    // The child exits on its own only if the sampler's interval is unref'd.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      timeout: 30_000,
    });
    expect(stdout).toBe('started');
  });
});
