/**
 * `npm run bench:canary`: does the canary judge catch a small regression, and does it stay
 * quiet when there is none?
 *
 * "Interleaved rounds against a v2 whose --work-us costs about 10 % of throughput: the
 * regression is caught in 5 of 5 tries, and v1 against v1 raises no alarm in 5 of 5."
 *
 * Two ways to deploy the versions (CANARY_MODE):
 * - `routed` (default): one `grpc-bench serve --canary` process per comparison; the candidate
 *   side sends the routing header (`--candidate-metadata`), as a header-routed canary behind
 *   Envoy is measured. Both versions share the process, so the comparison sees the version's
 *   cost and not the luck of two processes (two v1 processes of the same build differed by
 *   10–25 % here, steadily, run after run).
 * - `processes`: v1, a second v1 and v2 as separate `serve` processes on their own ports.
 *
 * With CANARY_PIN=1 (the default when `taskset` exists and there are 2 or more cores) the
 * servers run on core 1 and grpc-bench (one worker thread) on core 0, so the scheduler's placement
 * of the threads — same core or not changed throughput by 15–20 % — does not differ between
 * rounds. Pinning controls the machine, not the judge: the judge sees the same statistics.
 *
 * 1. Calibration: the closed-model throughput (8 streams, no pause between sends, 3 s of which
 *    the first second is left out: each is a new process) without and with the --work-us cost, for a
 *    ladder of values, in pairs of runs (baseline, candidate; 3 pairs per value). A single
 *    value's cost is too noisy to pick from (one run to the next differs by 10 % or more), so a
 *    model is fitted to every pair: throughput ratio = 1 / (1 + k · work-us), k the median of
 *    the pairs' (1/ratio − 1)/work-us; the work-us for the target cost is (1/(1 − cost) − 1)/k.
 * 2. Tries: `grpc-bench run --baseline … --candidate … --rounds 30 -z 1.5s` (the same load),
 *    against the regression and against an unchanged candidate, alternating the two kinds, each
 *    judged by the CLI's own comparison (comparison.json): a t-test on the per-round log ratios.
 *    Many short rounds rather than a few long ones: the machine's speed drifts over seconds, and
 *    a short round's two sides run close together in time; the rounds' overhead is small now that
 *    worker threads are kept across rounds (each round leaves out its first 250 ms).
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
 * Environment: CANARY_MODE (routed | processes), CANARY_PIN (1 | 0), CANARY_TRIES (default 5 of
 * each kind), CANARY_ROUNDS (30), CANARY_SECONDS (1.5), CANARY_WORK_US (the calibration ladder,
 * default "2,4,8"), CANARY_TARGET_COST (0.10), CANARY_MAX_REGRESSION (default
 * "messagesPerSec=5%,p50=5%,p99=20%"), CANARY_CALIBRATION_PAIRS (3).
 * Results go to stdout and reports/canary-judge-<time>.json (the CLI's outputs beside it in
 * reports/canary-judge-<time>/).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pathTimestamp } from '../src/reporters/path-timestamp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'grpc-bench.js');
/** The load of every run: closed model, 8 streams on one connection, each sending as soon as its answer came. */
const LOAD_FLAGS = ['--insecure', '-c', '8', '--stream-interval', '0ms'];
/** The header `serve --canary` routes on by default. */
const ROUTE_HEADER = { 'x-user-group': 'internal-testers' };
const CLIENT_CORE = '0';
const SERVER_CORE = '1';

function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: expected a number ≥ 0, got "${text}"`);
  return value;
}

function envList(name: string, fallback: number[]): number[] {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const values = text.split(',').map((item) => Number(item.trim()));
  if (!values.every((v) => Number.isInteger(v) && v > 0)) throw new Error(`${name}: expected whole numbers > 0 such as "2,4,8", got "${text}"`);
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

type Mode = 'routed' | 'processes';

function chooseMode(): Mode {
  const mode = process.env['CANARY_MODE'] || 'routed';
  if (mode !== 'routed' && mode !== 'processes') throw new Error(`CANARY_MODE: expected routed or processes, got "${mode}"`);
  return mode;
}

function choosePinning(): boolean {
  const text = process.env['CANARY_PIN'];
  if (text === '0') return false;
  const possible = availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  if (text === '1' && !possible) throw new Error('CANARY_PIN=1 needs taskset (util-linux) and 2 or more cores');
  return possible;
}

// ---------------------------------------------------------------------------------------
// Child processes

const running = new Set<ChildProcess>();
let pinned = false;

/** node BIN ARGS, on `core` when pinning. */
function spawnGrpcBench(args: string[], core: string): ChildProcess {
  const command = pinned ? ['taskset', '-c', core, process.execPath] : [process.execPath];
  const child = spawn(command[0]!, [...command.slice(1), BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  running.add(child);
  return child;
}

interface Server {
  address: string;
  label: string;
  stop(): Promise<void>;
}

/** `grpc-bench serve --port 0 ARGS`, resolved on its ready line. */
async function startServer(label: string, args: string[]): Promise<Server> {
  const child = spawnGrpcBench(['serve', '--port', '0', ...args], SERVER_CORE);
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
  const child = spawnGrpcBench(args, CLIENT_CORE);
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
// What is compared: a target, and the metadata that routes to a version

interface Side {
  label: string;
  address: string;
  metadata?: Record<string, string>;
}

/** A baseline and a candidate side, and the servers behind them (stopped together). */
interface Deployment {
  baseline: Side;
  candidate: Side;
  servers: Server[];
}

/**
 * routed: one `serve --canary` process, the candidate reached by the routing header.
 * processes: `baselineServer` as the baseline, a new `serve` process as the candidate.
 */
async function deploy(mode: Mode, candidateLabel: string, workUs: number, baselineServer: Server): Promise<Deployment> {
  if (mode === 'routed') {
    const server = await startServer(`canary ${candidateLabel}`, ['--canary', '--canary-version', candidateLabel, '--canary-work-us', String(workUs)]);
    return { baseline: { label: 'v1', address: server.address }, candidate: { label: candidateLabel, address: server.address, metadata: ROUTE_HEADER }, servers: [server] };
  }
  const server = await startServer(candidateLabel, ['--service-version', candidateLabel, '--work-us', String(workUs)]);
  return { baseline: { label: baselineServer.label, address: baselineServer.address }, candidate: { label: candidateLabel, address: server.address }, servers: [server] };
}

const stopAll = (deployment: Deployment): Promise<unknown> => Promise.all(deployment.servers.map((s) => s.stop()));

// ---------------------------------------------------------------------------------------
// Calibration

interface ThroughputRun {
  side: string;
  messagesPerSec: number;
  p50Ms: number;
  loadBefore: number;
  loadAfter: number;
}

/** Left out of each calibration run: a new process runs cold code for a while. */
const WARMUP_SECONDS = 1;
/** Each calibration run: long enough that its cold first second can be left out. */
const CALIBRATION_SECONDS = 3;
/** A freshly started server runs cold code for a while: this long a run warms it before it is measured. */
const SERVER_WARMUP_SECONDS = 3;

function loadFlags(): string[] {
  // Pinned, grpc-bench has one core: one worker thread.
  return pinned ? [...LOAD_FLAGS, '--workers', '1'] : LOAD_FLAGS;
}

/** One closed-model run of `seconds` (the first WARMUP_SECONDS left out) against `side`: its messages/s. */
async function measureThroughput(side: Side, seconds: number, file: string): Promise<ThroughputRun> {
  const loadBefore = loadAverage();
  const args = ['run', side.address, ...loadFlags(), '-z', `${seconds}s`, '--warmup', `${WARMUP_SECONDS}s`, '-O', 'json', '-o', file];
  if (side.metadata) args.push('-m', JSON.stringify(side.metadata));
  const outcome = await cli(args, (seconds + 60) * 1000);
  const loadAfter = loadAverage();
  if (outcome.code !== 0) throw failure(`throughput of ${side.label}`, outcome);
  const report = JSON.parse(readFileSync(file, 'utf8')) as { throughput: { messagesPerSec: number }; latencyMs: { p50: number } };
  return { side: side.label, messagesPerSec: report.throughput.messagesPerSec, p50Ms: report.latencyMs.p50, loadBefore, loadAfter };
}

interface CalibrationStep {
  workUs: number;
  /** Per pair of runs (baseline then candidate): candidate/baseline messages/s. */
  ratios: number[];
  /** 1 − the median ratio. */
  cost: number;
  runs: ThroughputRun[];
}

async function calibrate(mode: Mode, v1: Server, workUs: number, pairs: number, seconds: number, dir: string): Promise<CalibrationStep> {
  const deployment = await deploy(mode, 'v2', workUs, v1);
  const runs: ThroughputRun[] = [];
  const ratios: number[] = [];
  try {
    // A fresh process runs cold code: warm it as long-lived v1 already is.
    await measureThroughput(deployment.candidate, SERVER_WARMUP_SECONDS, join(dir, `calibrate-w${workUs}-warmup.json`));
    for (let i = 0; i < pairs; i++) {
      const baseline = await measureThroughput(deployment.baseline, seconds, join(dir, `calibrate-w${workUs}-v1-${i}.json`));
      const candidate = await measureThroughput(deployment.candidate, seconds, join(dir, `calibrate-w${workUs}-v2-${i}.json`));
      runs.push(baseline, candidate);
      ratios.push(candidate.messagesPerSec / baseline.messagesPerSec);
    }
  } finally {
    await stopAll(deployment);
  }
  const step = { workUs, ratios, cost: 1 - median(ratios), runs };
  const loads = runs.map((r) => `${r.loadBefore.toFixed(2)}→${r.loadAfter.toFixed(2)}`).join(' ');
  const figures = runs.map((r) => r.messagesPerSec.toFixed(0)).join(' ');
  console.log(`  --work-us ${String(workUs).padStart(3)}: msg/s (v1 v2 …) ${figures}; cost ${(step.cost * 100).toFixed(1)} % (median of the pairs)  (load avg ${loads})`);
  return step;
}

/**
 * Throughput ratio = 1 / (1 + k · work-us): k from every pair of every step (the median of the
 * pairs' (1/ratio − 1)/work-us), then the work-us that costs `target`. At least 1.
 */
function fitWorkUs(steps: CalibrationStep[], target: number): { k: number; workUs: number } {
  const slopes = steps.flatMap((step) => step.ratios.map((ratio) => (1 / ratio - 1) / step.workUs));
  const k = median(slopes);
  if (!(k > 0)) return { k, workUs: Math.max(...steps.map((s) => s.workUs)) };
  return { k, workUs: Math.max(0.1, Math.round((10 * (1 / (1 - target) - 1)) / k) / 10) };
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
  /** Standard deviation of the per-round log ratios: the noise the judge saw. */
  sdLogRatio?: number;
  logRatios?: number[];
}

interface Try {
  index: number;
  kind: 'regression' | 'null';
  baseline: string;
  candidate: string;
  exitCode: number | null;
  verdict: string;
  design: string;
  rounds: number;
  headline: string;
  metrics: Record<string, MetricFigures>;
  /** Each round's messages/s, from the CLI's progress lines: baseline, candidate. */
  roundThroughput: Array<{ baseline?: number; candidate?: number }>;
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
  rounds: number;
  metrics: Array<{
    metric: string;
    verdict: string;
    baseline: number;
    candidate: number;
    pValue?: number;
    test?: { ratio: { estimate: number; low: number; high: number }; roundTest?: { sdLogRatio: number; logRatios: number[] } };
  }>;
}

async function runTry(index: number, kind: Try['kind'], deployment: Deployment, settings: { rounds: number; seconds: number; maxRegression: string }, dir: string): Promise<Try> {
  const outputDir = join(dir, `${kind}-${index}`);
  const { baseline, candidate } = deployment;
  const args = ['run', '--baseline', baseline.address, '--candidate', candidate.address, ...loadFlags(), '--rounds', String(settings.rounds), '-z', `${settings.seconds}s`];
  if (baseline.metadata) args.push('--baseline-metadata', JSON.stringify(baseline.metadata));
  if (candidate.metadata) args.push('--candidate-metadata', JSON.stringify(candidate.metadata));
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
    if (m.test?.roundTest) Object.assign(figures, { sdLogRatio: m.test.roundTest.sdLogRatio, logRatios: m.test.roundTest.logRatios });
    if (m.pValue !== undefined) figures.pValue = m.pValue;
    metrics[m.metric] = figures;
  }
  const roundThroughput: Try['roundThroughput'] = [];
  for (const match of outcome.stderr.matchAll(/^round (\d+)\/\d+ (baseline|candidate): ([\d.]+) msg\/s/gm)) {
    const round = (roundThroughput[Number(match[1]) - 1] ??= {});
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
    rounds: comparison.rounds,
    headline: comparison.headline,
    metrics,
    roundThroughput,
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
const sdCell = (m: MetricFigures | undefined): string => (m?.sdLogRatio === undefined ? '—' : m.sdLogRatio.toFixed(3));

function tryRow(t: Try): string[] {
  const label = t.kind === 'regression' ? `v1 vs v2 #${t.index}` : `v1 vs v1' #${t.index}`;
  const m = t.metrics;
  return [
    label,
    `${t.verdict} (${t.exitCode})`,
    t.asExpected ? 'ok' : t.kind === 'regression' ? 'MISSED' : 'FALSE ALARM',
    ratioCell(m['messagesPerSec']),
    pCell(m['messagesPerSec']),
    sdCell(m['messagesPerSec']),
    ratioCell(m['p50']),
    pCell(m['p50']),
    ratioCell(m['p99']),
    pCell(m['p99']),
    String(t.rounds),
    `${t.loadBefore.toFixed(2)}→${t.loadAfter.toFixed(2)}`,
  ];
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const mode = chooseMode();
  pinned = choosePinning();
  const tries = envNumber('CANARY_TRIES', 5);
  const rounds = envNumber('CANARY_ROUNDS', 30);
  const seconds = envNumber('CANARY_SECONDS', 1.5);
  const ladder = envList('CANARY_WORK_US', [2, 4, 8]);
  const targetCost = envNumber('CANARY_TARGET_COST', 0.1);
  const pairs = envNumber('CANARY_CALIBRATION_PAIRS', 3);
  const maxRegression = process.env['CANARY_MAX_REGRESSION'] || 'messagesPerSec=5%,p50=5%,p99=20%';
  const startedAt = new Date();
  const name = `canary-judge-${pathTimestamp(startedAt)}`;
  const dir = join(ROOT, 'reports', name);
  mkdirSync(dir, { recursive: true });

  console.log(`canary judge benchmark: ${tries} + ${tries} tries of ${rounds} interleaved rounds of ${seconds} s; load ${loadFlags().join(' ')}`);
  console.log(`mode ${mode} (${mode === 'routed' ? 'one serve --canary process per comparison, the candidate reached by a routing header' : 'separate serve processes'}); ${pinned ? `servers pinned to core ${SERVER_CORE}, grpc-bench to core ${CLIENT_CORE}` : 'not pinned'}`);
  console.log(`load average at start: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  // processes mode: the long-lived baseline, warmed once. routed mode: each deployment brings its own.
  const v1 = await startServer('v1', ['--service-version', 'v1']);
  const deployments: Deployment[] = [];
  try {
    await measureThroughput({ label: 'v1', address: v1.address }, SERVER_WARMUP_SECONDS, join(dir, 'warmup-v1.json'));
    console.log(`\ncalibration: closed-model throughput, ${CALIBRATION_SECONDS} s runs, ${pairs} × (v1, v2) per --work-us, target cost ${(targetCost * 100).toFixed(0)} %`);
    const steps: CalibrationStep[] = [];
    for (const workUs of ladder) steps.push(await calibrate(mode, v1, workUs, pairs, CALIBRATION_SECONDS, dir));
    const fit = fitWorkUs(steps, targetCost);
    console.log(`fit: ratio = 1/(1 + ${fit.k.toFixed(4)} · work-us) → --work-us ${fit.workUs} for a ${(targetCost * 100).toFixed(0)} % cost`);
    const check = await calibrate(mode, v1, fit.workUs, pairs, CALIBRATION_SECONDS, dir);
    steps.push(check);

    const regression = await deploy(mode, 'v2', fit.workUs, v1);
    const unchanged = await deploy(mode, "v1'", 0, v1);
    deployments.push(regression, unchanged);
    for (const d of deployments) await measureThroughput(d.candidate, SERVER_WARMUP_SECONDS, join(dir, `warmup-${d.candidate.label === 'v2' ? 'v2' : 'v1-again'}.json`));
    console.log(`\ntries: ${rounds} rounds × ${seconds} s per side, --max-regression ${maxRegression}; regression and null tries alternate`);
    const results: Try[] = [];
    for (let i = 1; i <= tries; i++) {
      for (const [kind, deployment] of [['regression', regression], ['null', unchanged]] as const) {
        const t = await runTry(i, kind, deployment, { rounds, seconds, maxRegression }, dir);
        results.push(t);
        const perRound = t.roundThroughput.map((r) => `${r.baseline?.toFixed(0) ?? '?'}/${r.candidate?.toFixed(0) ?? '?'}`).join(' ');
        console.log(`  ${kind === 'regression' ? 'v1 vs v2 ' : "v1 vs v1'"} #${i}: ${t.verdict} (exit ${t.exitCode}) ${t.asExpected ? '' : '← not as expected '}— msg/s per round (baseline/candidate) ${perRound}; load avg ${t.loadBefore.toFixed(2)}→${t.loadAfter.toFixed(2)}; ${t.wallSeconds.toFixed(0)} s`);
      }
    }

    const ordered = [...results.filter((t) => t.kind === 'regression'), ...results.filter((t) => t.kind === 'null')];
    console.log(`\n${table(['try', 'verdict (exit)', 'outcome', 'msg/s ratio', 'p', 'sd', 'P50 ratio', 'p', 'P99 ratio', 'p', 'rounds', 'load avg'], ordered.map(tryRow))}`);
    console.log('ratio: candidate/baseline, the geometric mean of the per-round ratios; p: t-test on the per-round log ratios (rounds − 1 degrees of freedom); sd: standard deviation of the per-round log ratios of messages/s');
    const caught = results.filter((t) => t.kind === 'regression' && t.asExpected).length;
    const quiet = results.filter((t) => t.kind === 'null' && t.asExpected).length;
    console.log(`\nregression (--work-us ${fit.workUs}, measured cost ${(check.cost * 100).toFixed(1)} %) caught in ${caught} of ${tries}; v1 against v1 raised no alarm in ${quiet} of ${tries}`);
    console.log(`load average at end: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);

    const file = join(ROOT, 'reports', `${name}.json`);
    const summary = {
      startedAt: startedAt.toISOString(),
      settings: { mode, pinned, tries, rounds, seconds, load: loadFlags(), maxRegression, targetCost, ladder, calibrationPairs: pairs },
      calibration: { steps, k: fit.k, chosenWorkUs: fit.workUs, measuredCost: check.cost },
      tries: results,
      caught,
      quiet,
    };
    writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`written: ${file} (the CLI's comparisons in ${dir}/)`);
  } finally {
    await Promise.all([v1.stop(), ...deployments.map(stopAll)]);
  }
}

main().catch((error: unknown) => {
  console.error(`bench:canary: ${(error as Error).stack ?? String(error)}`);
  for (const child of running) child.kill('SIGKILL');
  process.exitCode = 1;
});
