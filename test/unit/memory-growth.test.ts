import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_TREND_SAMPLES, MIN_TREND_SPAN_MS, memoryGrowth, trendShortfall, type MemorySample } from '../../src/stats/memory-growth.js';

const MS_PER_MIN = 60_000;

/** Sample times 0, stepMs, 2·stepMs, ... */
const timesMs = (count: number, stepMs: number): number[] => Array.from({ length: count }, (_, i) => i * stepMs);

describe('memoryGrowth', () => {
  it('reports zeros for no samples', () => {
    expect(memoryGrowth([])).toEqual({ startBytes: 0, peakBytes: 0, endBytes: 0, growthBytesPerMin: 0, r2: 0, samples: 0, fittedSamples: 0, fittedSpanMs: 0 });
  });

  it('recovers the slope of an exact line with r2 = 1', () => {
    // 2 bytes per ms = 120 000 bytes per minute.
    const samples = timesMs(11, 100).map((tMs) => ({ tMs, bytes: 1_000_000 + 2 * tMs }));

    expect(memoryGrowth(samples)).toEqual({
      startBytes: 1_000_000,
      peakBytes: 1_002_000,
      endBytes: 1_002_000,
      growthBytesPerMin: 120_000,
      r2: 1,
      samples: 11,
      fittedSamples: 11,
      fittedSpanMs: 1000,
    });
  });

  it('takes start and end by time, whatever the order of the samples', () => {
    const samples: MemorySample[] = [
      { tMs: 200, bytes: 30 },
      { tMs: 0, bytes: 10 },
      { tMs: 100, bytes: 50 },
    ];

    expect(memoryGrowth(samples)).toMatchObject({ startBytes: 10, peakBytes: 50, endBytes: 30, samples: 3 });
  });

  it('reports a constant series as slope 0 and r2 0', () => {
    const samples = timesMs(20, 500).map((tMs) => ({ tMs, bytes: 0.1 }));

    expect(memoryGrowth(samples)).toMatchObject({ growthBytesPerMin: 0, r2: 0, startBytes: 0.1, peakBytes: 0.1, endBytes: 0.1 });
  });

  it('gives r2 0 for fewer than 3 samples but still a slope for 2', () => {
    expect(memoryGrowth([{ tMs: 0, bytes: 5 }])).toMatchObject({ growthBytesPerMin: 0, r2: 0, samples: 1 });
    expect(memoryGrowth([{ tMs: 0, bytes: 0 }, { tMs: MS_PER_MIN, bytes: 600 }])).toMatchObject({ growthBytesPerMin: 600, r2: 0 });
  });

  it('gives slope 0 and r2 0 when every sample has the same time', () => {
    expect(memoryGrowth([1, 2, 3].map((bytes) => ({ tMs: 7, bytes })))).toMatchObject({ growthBytesPerMin: 0, r2: 0 });
  });

  describe('fitted on the span the load ran', () => {
    // 0–2 s start-up ramp (workers starting), 2–10 s load at +60 kB/min, 10–11 s shutdown drop.
    const startUp = timesMs(5, 500).map((tMs) => ({ tMs, bytes: 20e6 + 15e6 * (tMs / 2000) }));
    const load = timesMs(17, 500).map((i) => ({ tMs: 2000 + i, bytes: 40e6 + (60_000 / MS_PER_MIN) * i }));
    const shutdown = [10_500, 11_000].map((tMs) => ({ tMs, bytes: 25e6 }));
    const run: MemorySample[] = [...startUp.slice(0, -1), ...load, ...shutdown];
    const loadSpan = { fromMs: 2000, toMs: 10_000 };

    it('keeps the start-up ramp and the shutdown drop out of the slope and r2', () => {
      const whole = memoryGrowth(run);
      const fitted = memoryGrowth(run, loadSpan);

      // Fitted on everything, the ramp and the drop swamp the leak: the slope is far off and the fit poor.
      expect(Math.abs(whole.growthBytesPerMin - 60_000)).toBeGreaterThan(1e6);
      expect(whole.r2).toBeLessThan(0.5);
      expect(fitted.growthBytesPerMin).toBeCloseTo(60_000, 6);
      expect(fitted.r2).toBeCloseTo(1, 9);
      expect(fitted).toEqual({ ...memoryGrowth(load), startBytes: 20e6, peakBytes: 40e6 + 8000, endBytes: 25e6, samples: run.length });
      expect(fitted).toMatchObject({ fittedSamples: load.length, fittedSpanMs: 8000 });
    });

    it('does not move whatever the ramp and the drop look like', () => {
      fc.assert(
        fc.property(
          fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 10 }),
          fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 10 }),
          (rampBytes, dropBytes) => {
            const ramp = rampBytes.map((bytes, i) => ({ tMs: i * 100, bytes }));
            const drop = dropBytes.map((bytes, i) => ({ tMs: 10_001 + i * 100, bytes }));
            const fitted = memoryGrowth([...ramp, ...load, ...drop], loadSpan);

            expect(fitted.growthBytesPerMin).toBe(memoryGrowth(load).growthBytesPerMin);
            expect(fitted.r2).toBe(memoryGrowth(load).r2);
            expect(fitted.samples).toBe(ramp.length + load.length + drop.length);
          },
        ),
      );
    });

    it('reports slope 0 and r2 0 when no sample falls inside the span', () => {
      expect(memoryGrowth(run, { fromMs: 2100, toMs: 2200 })).toMatchObject({ growthBytesPerMin: 0, r2: 0, startBytes: 20e6, endBytes: 25e6, fittedSamples: 0, fittedSpanMs: 0 });
      expect(memoryGrowth(run, { fromMs: 3000, toMs: 2000 })).toMatchObject({ growthBytesPerMin: 0, r2: 0, samples: run.length });
    });
  });

  it('recovers the slope of a noisy line to within what the noise allows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 200 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.double({ min: -1e8, max: 1e8, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.infiniteStream(fc.double({ min: -1, max: 1, noNaN: true })),
        (count, stepMs, baseBytes, growthBytesPerMin, noiseBytes, unitNoise) => {
          const times = timesMs(count, stepMs);
          const samples = times.map((tMs) => ({
            tMs,
            bytes: baseBytes + (growthBytesPerMin / MS_PER_MIN) * tMs + noiseBytes * unitNoise.next().value,
          }));
          // With |noise| ≤ ε the least-squares slope is off by at most ε·Σ|t - t̄| / Σ(t - t̄)².
          const meanT = times.reduce((sum, t) => sum + t, 0) / count;
          const sxx = times.reduce((sum, t) => sum + (t - meanT) ** 2, 0);
          const sumAbs = times.reduce((sum, t) => sum + Math.abs(t - meanT), 0);
          const boundPerMin = ((noiseBytes * sumAbs) / sxx) * MS_PER_MIN;
          const roundingPerMin = 1e-9 * (Math.abs(growthBytesPerMin) + (baseBytes / (count * stepMs)) * MS_PER_MIN);

          const { growthBytesPerMin: fitted, r2 } = memoryGrowth(samples);

          expect(Math.abs(fitted - growthBytesPerMin)).toBeLessThanOrEqual(boundPerMin + roundingPerMin + 1e-6);
          expect(r2).toBeGreaterThanOrEqual(0);
          expect(r2).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('scales the slope with bytes and inversely with time, leaving r2 unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ tMs: fc.integer({ min: 0, max: 1_000_000 }), bytes: fc.integer({ min: 0, max: 1e9 }) }),
          { minLength: 3, maxLength: 50 },
        ),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: -1e6, max: 1e6 }),
        (samples, bytesFactor, timeFactor, timeShiftMs) => {
          const base = memoryGrowth(samples);
          const scaled = memoryGrowth(
            samples.map(({ tMs, bytes }) => ({ tMs: tMs * timeFactor + timeShiftMs, bytes: bytes * bytesFactor })),
          );
          const tolerance = 1e-9 * Math.max(1, Math.abs(base.growthBytesPerMin) * bytesFactor);

          expect(Math.abs(scaled.growthBytesPerMin - (base.growthBytesPerMin * bytesFactor) / timeFactor)).toBeLessThanOrEqual(tolerance);
          expect(scaled.r2).toBeCloseTo(base.r2, 9);
          expect(scaled.peakBytes).toBe(base.peakBytes * bytesFactor);
        },
      ),
    );
  });
});

describe('trendShortfall', () => {
  const seriesOf = (count: number, stepMs: number) => memoryGrowth(timesMs(count, stepMs).map((tMs) => ({ tMs, bytes: 1e6 + tMs })));

  it('judges a series with enough fitted samples over enough time', () => {
    expect(trendShortfall(seriesOf(MIN_TREND_SAMPLES, MIN_TREND_SPAN_MS / (MIN_TREND_SAMPLES - 1)))).toBeUndefined();
  });

  it('refuses too few samples, however long they span', () => {
    expect(trendShortfall(seriesOf(MIN_TREND_SAMPLES - 1, MIN_TREND_SPAN_MS))).toBe(`${MIN_TREND_SAMPLES - 1} samples while the load ran (10 or more needed: run longer)`);
  });

  it('refuses a short span, however many samples it holds', () => {
    expect(trendShortfall(seriesOf(101, 50))).toBe('5s of load sampled (30s or more needed: start-up growth dominates)');
  });

  it('counts only the samples inside the fit span', () => {
    const samples = timesMs(200, 500).map((tMs) => ({ tMs, bytes: 1e6 }));
    expect(trendShortfall(memoryGrowth(samples, { fromMs: 0, toMs: MIN_TREND_SPAN_MS }))).toBeUndefined();
    expect(trendShortfall(memoryGrowth(samples, { fromMs: 0, toMs: MIN_TREND_SPAN_MS - 1 }))).toMatch(/^29s of load sampled/);
  });
});
