/**
 * `npm run bench:canary`: does the canary judge catch a small regression, and does it stay
 * quiet when there is none?
 *
 * "Interleaved rounds against a v2 whose --work-us costs about 10 % of throughput: the
 * regression is caught in 5 of 5 tries, and v1 against v1 raises no alarm in 5 of 5."
 *
 * 1. Calibration: the closed-model throughput (8 streams, no pause between sends, 3 s of which
 *    the first second is left out, like a round) of v1 and of v2 with a few --work-us values,
 *    each value on a freshly started v2 (warmed by a 3 s run first), in pairs of runs v1, v2
 *    (3 pairs; the cost is 1 − the median v2/v1 ratio of the pairs, so drift between pairs
 *    cancels); one more value is interpolated between the two around 10 %, and the work-us whose
 *    cost is closest to 10 % is used.
 * 2. Tries: `grpc-bench run --baseline v1 --candidate v2 --rounds 5 -z 3s` (the same load), and
 *    the same with a second v1 process as the candidate, alternating the two kinds, each judged
 *    by the CLI's own comparison (comparison.json).
 *
 * Tolerances: a 10 % throughput cost in a closed model is −10 % messages/s and about +11 % at
 * P50 (latency = streams / throughput). messagesPerSec=5% and p50=5% sit halfway between no
 * change and that effect, so a v2 fails when its estimated cost is above half the planted one
 * (and significant), and a v1 has to look 5 % worse, significantly, to raise a false alarm. The
 * tail moves little with a 10 % CPU cost but swings by tens of percent between runs on a shared
 * machine: p99=20%.
 *
 * Every line of output carries the 1-minute load average before and after (/proc/loadavg): on a
 * busy shared machine the figures are about the machine as much as the product.
 *
 * Environment: CANARY_TRIES (default 5 of each kind), CANARY_ROUNDS (5), CANARY_SECONDS (3),
 * CANARY_WORK_US (the calibration ladder, default "1,2,4,8"), CANARY_TARGET_COST (0.10),
 * CANARY_MAX_REGRESSION (default "messagesPerSec=5%,p50=5%,p99=20%"), CANARY_CALIBRATION_PAIRS (3).
 * Results go to stdout and reports/canary-judge-<time>.json (the CLI's outputs beside it in
 * reports/canary-judge-<time>/).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'grpc-bench.js');
/** The load of every run: closed model, 8 streams on one connection, each sending as soon as its answer came. */
const LOAD_FLAGS = ['--insecure', '-c', '8', '--stream-interval', '0ms'];

function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}: expected a positive number, got "${text}"`);
  return value;
}

function envList(name: string, fallback: number[]): number[] {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const values = text.split(',').map((item) => Number(item.trim()));
  if (!values.every((v) => Number.isInteger(v) && v >= 0)) throw new Error(`${name}: expected whole numbers such as "5,10,20", got "${text}"`);
  return values;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The 1-minute load average. */
function loadAverage(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}

// ---------------------------------------------------------------------------------------
// Child processes

const running = new Set<ChildProcess>();

interface Server {
  address: string;
  label: string;
  stop(): Promise<void>;
}

/** `grpc-bench serve --port 0 ARGS`, resolved on its ready line. */
async function startServer(label: string, args: string[]): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label}: no ready line within 15 s`)), 15_000);
    void exited.then(() => reject(new Error(`${label}: serve exited before its ready line: ${stderr.trim()}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      const match = /listening on (\S+)/.exec(line);
      if (match) resolve(match[1]!);
      else reject(new Error(`${label}: unexpected first line from serve: ${line}`));
    });
  });
  return {
    address,
    label,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      running.delete(child);
    },
  };
}

interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `grpc-bench ARGS` to completion (killed after timeoutMs). */
async function cli(args: string[], timeoutMs: number): Promise<CliOutcome> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      stderr += `${error.message}\n`;
      resolve(null);
    });
    child.once('close', (exitCode) => resolve(exitCode));
  });
  clearTimeout(timer);
  running.delete(child);
  return { code, stdout, stderr };
}

function failure(what: string, outcome: CliOutcome): Error {
  return new Error(`${what}: exit code ${outcome.code}: ${outcome.stderr.trim().split('\n').slice(-3).join(' | ')}`);
}

// ---------------------------------------------------------------------------------------
// Calibration

interface ThroughputRun {
  target: string;
  messagesPerSec: number;
  p50Ms: number;
  loadBefore: number;
  loadAfter: number;
}

/** Left out of each calibration run, as each interleaved round leaves out its first second. */
const WARMUP_SECONDS = 1;
/** A freshly started server runs cold code for a while: this long a run warms it before it is measured. */
const SERVER_WARMUP_SECONDS = 3;

/** One closed-model run of `seconds` (the first WARMUP_SECONDS left out) against `server`: its messages/s. */
async function measureThroughput(server: Server, seconds: number, file: string): Promise<ThroughputRun> {
  const loadBefore = loadAverage();
  const args = ['run', server.address, ...LOAD_FLAGS, '-z', `${seconds}s`, '--warmup', `${WARMUP_SECONDS}s`, '-O', 'json', '-o', file];
  const outcome = await cli(args, (seconds + 60) * 1000);
  const loadAfter = loadAverage();
  if (outcome.code !== 0) throw failure(`throughput of ${server.label}`, outcome);
  const report = JSON.parse(readFileSync(file, 'utf8')) as { throughput: { messagesPerSec: number }; latencyMs: { p50: number } };
  return { target: server.label, messagesPerSec: report.throughput.messagesPerSec, p50Ms: report.latencyMs.p50, loadBefore, loadAfter };
}

interface CalibrationStep {
  workUs: number;
  v1MessagesPerSec: number;
  v2MessagesPerSec: number;
  /** 1 − the median of the v2/v1 ratios of the pairs of runs. */
  cost: number;
  runs: ThroughputRun[];
}

async function calibrate(v1: Server, workUs: number, pairs: number, seconds: number, dir: string): Promise<CalibrationStep> {
  const v2 = await startServer(`v2 --work-us ${workUs}`, ['--service-version', 'v2', '--work-us', String(workUs)]);
  const runs: ThroughputRun[] = [];
  try {
    // A fresh process runs cold code: warm it as long-lived v1 already is.
    await measureThroughput(v2, SERVER_WARMUP_SECONDS, join(dir, `calibrate-w${workUs}-warmup.json`));
    for (let i = 0; i < pairs; i++) {
      runs.push(await measureThroughput(v1, seconds, join(dir, `calibrate-w${workUs}-v1-${i}.json`)));
      runs.push(await measureThroughput(v2, seconds, join(dir, `calibrate-w${workUs}-v2-${i}.json`)));
    }
  } finally {
    await v2.stop();
  }
  const v1Runs = runs.filter((r) => r.target === v1.label).map((r) => r.messagesPerSec);
  const v2Runs = runs.filter((r) => r.target !== v1.label).map((r) => r.messagesPerSec);
  // Each v2 run against the v1 run just before it: drift between pairs cancels out.
  const cost = 1 - median(v2Runs.map((v2MessagesPerSec, i) => v2MessagesPerSec / v1Runs[i]!));
  const step = { workUs, v1MessagesPerSec: median(v1Runs), v2MessagesPerSec: median(v2Runs), cost, runs };
  const loads = runs.map((r) => `${r.loadBefore.toFixed(2)}→${r.loadAfter.toFixed(2)}`).join(' ');
  console.log(`  --work-us ${String(workUs).padStart(3)}: v1 ${step.v1MessagesPerSec.toFixed(0)} msg/s, v2 ${step.v2MessagesPerSec.toFixed(0)} msg/s (medians), cost ${(step.cost * 100).toFixed(1)} %  (load avg ${loads})`);
  return step;
}

/**
 * The work-us that would cost `target` by log-linear interpolation between the two measured
 * values around it; undefined when no two values bracket it.
 */
function interpolate(steps: CalibrationStep[], target: number): number | undefined {
  const sorted = [...steps].filter((s) => s.workUs > 0).sort((a, b) => a.workUs - b.workUs);
  for (let i = 1; i < sorted.length; i++) {
    const [low, high] = [sorted[i - 1]!, sorted[i]!];
    if (low.cost < target && high.cost >= target) {
      const f = (target - low.cost) / (high.cost - low.cost);
      return Math.round(Math.exp(Math.log(low.workUs) + f * (Math.log(high.workUs) - Math.log(low.workUs))));
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Tries

interface MetricFigures {
  verdict: string;
  baseline: number;
  candidate: number;
  ratio?: number;
  ciLow?: number;
  ciHigh?: number;
  pValue?: number;
}

interface Try {
  index: number;
  kind: 'regression' | 'null';
  baseline: string;
  candidate: string;
  exitCode: number | null;
  verdict: string;
  design: string;
  pairedIntervals: number;
  headline: string;
  metrics: Record<string, MetricFigures>;
  /** Each round's messages/s, from the CLI's progress lines: baseline, candidate. */
  rounds: Array<{ baseline?: number; candidate?: number }>;
  loadBefore: number;
  loadAfter: number;
  wallSeconds: number;
  /** True when the try came out as it should: caught (fail, exit 99) or no alarm (exit 0). */
  asExpected: boolean;
  outputDir: string;
}

interface ComparisonFile {
  verdict: string;
  headline: string;
  design: string;
  pairedIntervals: number;
  metrics: Array<{ metric: string; verdict: string; baseline: number; candidate: number; pValue?: number; test?: { ratio: { estimate: number; low: number; high: number } } }>;
}

async function runTry(
  index: number,
  kind: Try['kind'],
  baseline: Server,
  candidate: Server,
  settings: { rounds: number; seconds: number; maxRegression: string },
  dir: string,
): Promise<Try> {
  const outputDir = join(dir, `${kind}-${index}`);
  const args = ['run', '--baseline', baseline.address, '--candidate', candidate.address, ...LOAD_FLAGS, '--rounds', String(settings.rounds), '-z', `${settings.seconds}s`];
  args.push('--max-regression', settings.maxRegression, '-o', outputDir);
  const loadBefore = loadAverage();
  const startedMs = Date.now();
  const outcome = await cli(args, (settings.rounds * 2 * (settings.seconds + 15) + 60) * 1000);
  const wallSeconds = (Date.now() - startedMs) / 1000;
  const loadAfter = loadAverage();
  if (outcome.code !== 0 && outcome.code !== 99) throw failure(`${kind} try ${index}`, outcome);
  const comparison = JSON.parse(readFileSync(join(outputDir, 'comparison.json'), 'utf8')) as ComparisonFile;
  const metrics: Record<string, MetricFigures> = {};
  for (const m of comparison.metrics) {
    const figures: MetricFigures = { verdict: m.verdict, baseline: m.baseline, candidate: m.candidate };
    if (m.test) Object.assign(figures, { ratio: m.test.ratio.estimate, ciLow: m.test.ratio.low, ciHigh: m.test.ratio.high });
    if (m.pValue !== undefined) figures.pValue = m.pValue;
    metrics[m.metric] = figures;
  }
  const rounds: Try['rounds'] = [];
  for (const match of outcome.stderr.matchAll(/^round (\d+)\/\d+ (baseline|candidate): ([\d.]+) msg\/s/gm)) {
    const round = (rounds[Number(match[1]) - 1] ??= {});
    round[match[2] as 'baseline' | 'candidate'] = Number(match[3]);
  }
  const asExpected = kind === 'regression' ? comparison.verdict === 'fail' && outcome.code === 99 : outcome.code === 0;
  return {
    index,
    kind,
    baseline: baseline.label,
    candidate: candidate.label,
    exitCode: outcome.code,
    verdict: comparison.verdict,
    design: comparison.design,
    pairedIntervals: comparison.pairedIntervals,
    headline: comparison.headline,
    metrics,
    rounds,
    loadBefore,
    loadAfter,
    wallSeconds,
    asExpected,
    outputDir,
  };
}

// ---------------------------------------------------------------------------------------
// Output

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const ratioCell = (m: MetricFigures | undefined): string => (m?.ratio === undefined ? '—' : `${m.ratio.toFixed(3)}`);
const pCell = (m: MetricFigures | undefined): string => (m?.pValue === undefined ? '—' : m.pValue < 0.001 ? '<0.001' : m.pValue.toFixed(3));

function tryRow(t: Try): string[] {
  const label = t.kind === 'regression' ? `v1 vs v2 #${t.index}` : `v1 vs v1' #${t.index}`;
  const m = t.metrics;
  return [
    label,
    `${t.verdict} (${t.exitCode})`,
    t.asExpected ? 'ok' : t.kind === 'regression' ? 'MISSED' : 'FALSE ALARM',
    ratioCell(m['messagesPerSec']),
    pCell(m['messagesPerSec']),
    ratioCell(m['p50']),
    pCell(m['p50']),
    ratioCell(m['p99']),
    pCell(m['p99']),
    String(t.pairedIntervals),
    `${t.loadBefore.toFixed(2)}→${t.loadAfter.toFixed(2)}`,
  ];
}

function timestamp(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const tries = envNumber('CANARY_TRIES', 5);
  const rounds = envNumber('CANARY_ROUNDS', 5);
  const seconds = envNumber('CANARY_SECONDS', 3);
  const ladder = envList('CANARY_WORK_US', [1, 2, 4, 8]);
  const targetCost = envNumber('CANARY_TARGET_COST', 0.1);
  const pairs = envNumber('CANARY_CALIBRATION_PAIRS', 3);
  const maxRegression = process.env['CANARY_MAX_REGRESSION'] || 'messagesPerSec=5%,p50=5%,p99=20%';
  const startedAt = new Date();
  const name = `canary-judge-${timestamp(startedAt)}`;
  const dir = join(ROOT, 'reports', name);
  mkdirSync(dir, { recursive: true });

  console.log(`canary judge benchmark: ${tries} + ${tries} tries of ${rounds} interleaved rounds of ${seconds} s; load ${LOAD_FLAGS.join(' ')}`);
  console.log(`load average at start: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  const v1 = await startServer('v1', ['--service-version', 'v1']);
  const v1Again = await startServer("v1'", ['--service-version', 'v1']);
  let v2: Server | undefined;
  try {
    console.log(`\ncalibration: closed-model throughput, ${seconds} s runs, ${pairs} × (v1, v2) per --work-us, target cost ${(targetCost * 100).toFixed(0)} %`);
    for (const server of [v1, v1Again]) await measureThroughput(server, SERVER_WARMUP_SECONDS, join(dir, `warmup-${server === v1 ? 'v1' : 'v1-again'}.json`));
    const steps: CalibrationStep[] = [];
    for (const workUs of ladder) steps.push(await calibrate(v1, workUs, pairs, seconds, dir));
    const between = interpolate(steps, targetCost);
    if (between !== undefined && !steps.some((s) => s.workUs === between)) steps.push(await calibrate(v1, between, pairs, seconds, dir));
    const chosen = steps.reduce((best, s) => (Math.abs(s.cost - targetCost) < Math.abs(best.cost - targetCost) ? s : best));
    console.log(`chosen: --work-us ${chosen.workUs} (measured cost ${(chosen.cost * 100).toFixed(1)} %)`);

    v2 = await startServer('v2', ['--service-version', 'v2', '--work-us', String(chosen.workUs)]);
    await measureThroughput(v2, SERVER_WARMUP_SECONDS, join(dir, 'warmup-v2.json'));
    console.log(`\ntries: ${rounds} rounds × ${seconds} s per side, --max-regression ${maxRegression}; regression and null tries alternate`);
    const results: Try[] = [];
    for (let i = 1; i <= tries; i++) {
      for (const [kind, candidate] of [['regression', v2], ['null', v1Again]] as const) {
        const t = await runTry(i, kind, v1, candidate, { rounds, seconds, maxRegression }, dir);
        results.push(t);
        const perRound = t.rounds.map((r) => `${r.baseline?.toFixed(0) ?? '?'}/${r.candidate?.toFixed(0) ?? '?'}`).join(' ');
        console.log(`  ${kind === 'regression' ? 'v1 vs v2 ' : "v1 vs v1'"} #${i}: ${t.verdict} (exit ${t.exitCode}) ${t.asExpected ? '' : '← not as expected '}— msg/s per round (baseline/candidate) ${perRound}; load avg ${t.loadBefore.toFixed(2)}→${t.loadAfter.toFixed(2)}; ${t.wallSeconds.toFixed(0)} s`);
      }
    }

    const ordered = [...results.filter((t) => t.kind === 'regression'), ...results.filter((t) => t.kind === 'null')];
    console.log(`\n${table(['try', 'verdict (exit)', 'outcome', 'msg/s ratio', 'p', 'P50 ratio', 'p', 'P99 ratio', 'p', 'pairs', 'load avg'], ordered.map(tryRow))}`);
    console.log('ratio: candidate/baseline, the median of the per-pair ratios (paired design); p: Wilcoxon signed-rank, corrected for serial correlation');
    const caught = results.filter((t) => t.kind === 'regression' && t.asExpected).length;
    const quiet = results.filter((t) => t.kind === 'null' && t.asExpected).length;
    console.log(`\nregression (--work-us ${chosen.workUs}, cost ${(chosen.cost * 100).toFixed(1)} %) caught in ${caught} of ${tries}; v1 against v1 raised no alarm in ${quiet} of ${tries}`);
    console.log(`load average at end: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);

    const file = join(ROOT, 'reports', `${name}.json`);
    const summary = {
      startedAt: startedAt.toISOString(),
      settings: { tries, rounds, seconds, load: LOAD_FLAGS, maxRegression, targetCost, ladder, calibrationPairs: pairs },
      calibration: { steps, chosenWorkUs: chosen.workUs, measuredCost: chosen.cost },
      tries: results,
      caught,
      quiet,
    };
    writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`written: ${file} (the CLI's comparisons in ${dir}/)`);
  } finally {
    await Promise.all([v1, v1Again, v2].filter((s): s is Server => s !== undefined).map((s) => s.stop()));
  }
}

main().catch((error: unknown) => {
  console.error(`bench:canary: ${(error as Error).stack ?? String(error)}`);
  for (const child of running) child.kill('SIGKILL');
  process.exitCode = 1;
});
