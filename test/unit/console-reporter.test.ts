import { describe, expect, it } from 'vitest';
import { MIN_TREND_SAMPLES, renderConsoleSummary } from '../../src/reporters/console-reporter.js';
import { latencySpread, syntheticReport } from '../helpers/synthetic-report.js';

function memoryLines(samples: number): string[] {
  const report = syntheticReport([{ latenciesMs: latencySpread(2) }]);
  report.memory.client = { startBytes: 100e6, peakBytes: 120e6, endBytes: 110e6, growthBytesPerMin: 280 * 1048576, r2: 0.01, samples };
  return renderConsoleSummary(report).split('\n').filter((line) => line.startsWith('  client RSS:'));
}

describe('console summary: memory growth', () => {
  it('gives no slope from too few samples, where a line through them means nothing', () => {
    const [line] = memoryLines(MIN_TREND_SAMPLES - 6);
    expect(line).toContain('no trend from 4 samples');
    expect(line).not.toContain('MiB/min');
  });

  it('gives the slope, r² and sample count from enough samples', () => {
    const [line] = memoryLines(MIN_TREND_SAMPLES);
    expect(line).toContain('growth 280.0 MiB/min (r² 0.01, 10 samples)');
  });
});
