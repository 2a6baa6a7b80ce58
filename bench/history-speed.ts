/**
 * `npm run bench:history` (first part): how long the history gate takes on a long history —
 * 1,000 runs of one series, 8 metrics each with steps, noise and outliers, each record holding
 * 30 per-interval samples and a real encoded histogram. Times (a) the analysis alone, on
 * records in memory, and (b) the whole gate: reading the 1,000 record files from disk, then the
 * analysis. Median and slowest of HISTORY_BENCH_REPEATS (default 5) repetitions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyseHistory } from '../src/history/analyse-history.js';
import { appendRecord } from '../src/history/append-record.js';
import { HISTORY_METRICS } from '../src/history/history-metrics.js';
import { readHistory } from '../src/history/read-history.js';
import { createLatencyHistogram, encodeHistogram, recordLatencyUs } from '../src/stats/latency-histogram.js';
import { generateSeries } from './history-series.js';
import { syntheticRecord } from './history-records.js';

const RUNS = Number(process.env['HISTORY_BENCH_RUNS'] ?? 1000);
const REPEATS = Number(process.env['HISTORY_BENCH_REPEATS'] ?? 5);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(label: string, work: () => unknown): void {
  const ms: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    work();
    ms.push(performance.now() - start);
  }
  console.log(`${label}: median ${median(ms).toFixed(0)} ms, slowest ${Math.max(...ms).toFixed(0)} ms (${REPEATS} repetitions)`);
}

const histogram = createLatencyHistogram();
for (let i = 0; i < 5000; i++) recordLatencyUs(histogram, 300 + ((i * 7919) % 4000));
const encoded = encodeHistogram(histogram);
const series = HISTORY_METRICS.map((_, m) => generateSeries({ runs: RUNS, base: 100, noise: 0.05 + 0.025 * m, steps: [{ at: Math.floor(RUNS / 3), by: 0.2 }, { at: Math.floor((2 * RUNS) / 3), by: -0.15 }], outliers: 0.02 }, 1000 + m));
const intervals = Array.from({ length: 30 }, (_, i) => ({ tMs: (i + 1) * 1000, durationMs: 1000, messagesPerSec: 12_000, p50Ms: 0.6, p99Ms: 2.1, errors: 0 }));
const records = Array.from({ length: RUNS }, (_, index) =>
  syntheticRecord({ index, metrics: Object.fromEntries(HISTORY_METRICS.map((spec, m) => [spec.metric, series[m]![index]!])), histogram: encoded, intervals }),
);

console.log(`history gate benchmark: ${RUNS} runs × ${HISTORY_METRICS.length} metrics, one series`);
let changePoints = 0;
time('analysis (records in memory)', () => {
  changePoints = analyseHistory(records).series[0]!.metrics.reduce((sum, m) => sum + m.changePoints.length, 0);
});
console.log(`  change points found: ${changePoints} (2 planted in each of the ${HISTORY_METRICS.length} metrics)`);

const dir = mkdtempSync(join(tmpdir(), 'history-bench-'));
try {
  for (const record of records) appendRecord(dir, record);
  time(`read ${RUNS} record files + analysis`, () => analyseHistory(readHistory(dir).records));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
