import { describe, expect, it } from 'vitest';
import { renderConsoleSummary } from '../../src/reporters/console-reporter.js';
import { MIN_TREND_SAMPLES, MIN_TREND_SPAN_MS } from '../../src/stats/memory-growth.js';
import { latencySpread, syntheticReport } from '../helpers/synthetic-report.js';

function clientRssLine(fittedSamples: number, fittedSpanMs: number): string {
  const report = syntheticReport([{ latenciesMs: latencySpread(2) }]);
  const samples = fittedSamples + 4;
  report.memory.client = { startBytes: 100e6, peakBytes: 120e6, endBytes: 110e6, growthBytesPerMin: 280 * 1048576, r2: 0.94, samples, fittedSamples, fittedSpanMs };
  return renderConsoleSummary(report).split('\n').find((line) => line.startsWith('  client RSS:'))!;
}

describe('console summary: memory growth', () => {
  it('gives no slope from too few samples, where a line through them means nothing', () => {
    const line = clientRssLine(MIN_TREND_SAMPLES - 6, 60_000);
    expect(line).toContain('no trend from 4 samples while the load ran');
    expect(line).not.toContain('MiB/min');
  });

  it('gives no slope from a short load, where start-up growth dominates', () => {
    const line = clientRssLine(MIN_TREND_SAMPLES + 2, 5_000);
    expect(line).toContain('no trend from 5s of load sampled');
    expect(line).not.toContain('MiB/min');
  });

  it('gives the slope, r² and sample count from enough samples over enough load', () => {
    expect(clientRssLine(MIN_TREND_SAMPLES, MIN_TREND_SPAN_MS)).toContain('growth 280.0 MiB/min (r² 0.94, 10 samples)');
  });

  it('names a metrics-URL target without its credentials, even from a report written before they were redacted', () => {
    const report = syntheticReport([{ latenciesMs: latencySpread(2) }]);
    report.memory.target = { ...report.memory.client, source: 'http://scraper:hunter2@10.0.0.5:9100/metrics?token=abc123 (process_resident_memory_bytes)' };
    const summary = renderConsoleSummary(report);
    expect(summary).toContain('target (http://[redacted]@10.0.0.5:9100/metrics?token=[redacted] (process_resident_memory_bytes))');
    expect(summary).not.toMatch(/hunter2|abc123/);
  });
});
