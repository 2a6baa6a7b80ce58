/**
 * `npm run bench:history` (second part): how well the change-point detector and the gate do on
 * generated histories (bench/history-series.ts, seeded: the table is the same on every machine).
 *
 * Each setting is tried on HISTORY_EVAL_TRIES (default 200) series of a latency-like metric
 * (P99: worse = up, judged on the logarithms) with log-normal noise of the given coefficient of variation, optional outliers (5 % of runs at 1.5–3 × the mean)
 * and planted steps. Columns:
 * - found, 20 runs after: the share of series of 60 runs (step at run 40) whose planted change
 *   points were each found within ±2 runs, with no other change point;
 * - gate, 5 runs after: the share of series of 45 runs (step at run 40) at whose newest run the
 *   gate reports the planted step as a confirmed change (regression or improvement);
 * - false alarms: without a step, the share of 60-run series with any change point, and the
 *   share whose newest run the gate fails (confirmed or suspected regression).
 */
import { analyseHistory, DEFAULT_HISTORY_OPTIONS } from '../src/history/analyse-history.js';
import { detectChangePoints } from '../src/history/detect-change-points.js';
import { HISTORY_METRICS } from '../src/history/history-metrics.js';
import { generateSeries, type SeriesShape } from './history-series.js';
import { syntheticRecord } from './history-records.js';

const TRIES = Number(process.env['HISTORY_EVAL_TRIES'] ?? 200);
/** The detector as the gate runs it for P99. */
const P99 = HISTORY_METRICS.find((m) => m.metric === 'p99')!;
const LATENCY = { ...DEFAULT_HISTORY_OPTIONS, minAbsolute: P99.minAbsolute, logScale: P99.logScale };

interface Setting {
  label: string;
  noise: number;
  outliers: number;
  /** Relative steps, and how many runs apart they are (0: one step). */
  steps: number[];
  apart?: number;
}

const percent = (share: number): string => `${(share * 100).toFixed(0)} %`;

function stepsAt(setting: Setting, at: number): SeriesShape['steps'] {
  return setting.steps.map((by, i) => ({ at: at - (setting.steps.length - 1 - i) * (setting.apart ?? 0), by }));
}

function foundExactly(values: number[], planted: readonly number[]): boolean {
  const found = detectChangePoints(values, LATENCY).map((c) => c.index);
  return found.length === planted.length && planted.every((at, i) => Math.abs(found[i]! - at) <= 2);
}

/** What the gate says about the newest run: confirmed/suspected, regression/improvement, or nothing. */
function gateFindings(values: number[]): { confirmed: boolean; fails: boolean } {
  const records = values.map((value, index) => syntheticRecord({ index, metrics: { p99: value } }));
  const analysis = analyseHistory(records, DEFAULT_HISTORY_OPTIONS);
  return { confirmed: analysis.findings.some((f) => f.status === 'confirmed'), fails: analysis.verdict === 'fail' };
}

function evaluate(setting: Setting, index: number): string[] {
  let found = 0;
  let gated = 0;
  let anyChange = 0;
  let failedNights = 0;
  for (let trial = 0; trial < TRIES; trial++) {
    const seed = 1_000_003 * index + trial;
    const shape = { base: 10, noise: setting.noise, outliers: setting.outliers };
    if (setting.steps.length) {
      const long = generateSeries({ ...shape, runs: 60, steps: stepsAt(setting, 40) }, seed);
      if (foundExactly(long, stepsAt(setting, 40).map((s) => s.at))) found += 1;
      const short = generateSeries({ ...shape, runs: 45, steps: stepsAt(setting, 40) }, seed);
      if (gateFindings(short).confirmed) gated += 1;
    } else {
      const flat = generateSeries({ ...shape, runs: 60, steps: [] }, seed);
      if (detectChangePoints(flat, LATENCY).length) anyChange += 1;
      if (gateFindings(flat).fails) failedNights += 1;
    }
  }
  const share = (n: number): string => percent(n / TRIES);
  return setting.steps.length ? [setting.label, share(found), share(gated), '—', '—'] : [setting.label, '—', '—', share(anyChange), share(failedNights)];
}

const SETTINGS: Setting[] = [];
for (const noise of [0.05, 0.1, 0.15, 0.25]) {
  SETTINGS.push({ label: `noise ${percent(noise)}, no step`, noise, outliers: 0, steps: [] });
  for (const step of [0.05, 0.1, 0.2, 0.3]) SETTINGS.push({ label: `noise ${percent(noise)}, step +${percent(step)}`, noise, outliers: 0, steps: [step] });
}
for (const noise of [0.05, 0.15]) {
  SETTINGS.push({ label: `noise ${percent(noise)} + 5 % outliers, no step`, noise, outliers: 0.05, steps: [] });
  SETTINGS.push({ label: `noise ${percent(noise)} + 5 % outliers, step +20 %`, noise, outliers: 0.05, steps: [0.2] });
}
for (const apart of [5, 10]) {
  SETTINGS.push({ label: `noise 5 %, steps +20 % then +20 %, ${apart} runs apart`, noise: 0.05, outliers: 0, steps: [0.2, 0.2], apart });
  SETTINGS.push({ label: `noise 10 %, steps +30 % then −25 %, ${apart} runs apart`, noise: 0.1, outliers: 0, steps: [0.3, -0.25], apart });
}

const o = DEFAULT_HISTORY_OPTIONS;
console.log(`\nchange-point evaluation: ${TRIES} generated series per setting; p ≤ ${o.maxPValue}, change ≥ ${percent(o.minMagnitude)}, ≥ ${o.minSegment} runs a side, new within ${o.recentRuns} runs\n`);
const header = ['setting', 'found, 20 runs after', 'gate, 5 runs after', 'false alarms (60 runs)', 'gate fails, no step'];
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map((_, i) => (i === 0 ? ':---' : '---:')).join('|')}|`);
SETTINGS.forEach((setting, index) => console.log(`| ${evaluate(setting, index).join(' | ')} |`));
