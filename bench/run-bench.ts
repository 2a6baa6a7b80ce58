/**
 * `npm run bench`: grpc-bench against a minimal raw @grpc/grpc-js ping-pong loop, side by
 * side, on the same reference Order service running in its own process on 127.0.0.1.
 *
 * Every client run is its own process (grpc-bench through its CLI, the raw loop through
 * bench/raw-grpc-js-loop.ts), both measured the same way by GNU time: user + system CPU
 * seconds and peak RSS of the whole process, start-up included. A near-empty run of each side
 * measures its start-up CPU, which is also shown subtracted. Runs alternate raw, grpc-bench,
 * raw, grpc-bench… so drift in the machine or the server hits both sides, and /proc tells how
 * much CPU other processes took during each run (a busy machine makes throughput unreliable).
 * Results go to stdout and to reports/bench-<time>.json.
 *
 * Environment: BENCH_SECONDS (default 5), BENCH_ROUNDS (default 2), BENCH_WARMUP_SECONDS
 * (default 2; 0 skips the server warm-up), BENCH_CASES (e.g. "1x16,4x64w2": connections x streams,
 * optionally w<workers>; default all).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { RawLoopResult } from './raw-grpc-js-loop.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST_BENCH = join(ROOT, 'dist', 'bench');
const GRPC_BENCH_BIN = join(ROOT, 'bin', 'grpc-bench.js');
const GNU_TIME = '/usr/bin/time';
const TARGET_RATIO = 0.9;
/** Other load (cores) above which the throughput figures come with a warning. */
const BUSY_MACHINE_CORES = 0.25;
/** The same request on both sides; grpc-bench fills request_id per message like the raw loop does. */
const REQUEST_DATA = { request_id: '{{requestId}}', user_id: 'u_123', items: [{ sku_id: 's_001', count: 1 }] };

interface BenchCase {
  connections: number;
  streams: number;
  /** grpc-bench worker threads; the raw loop is always one thread. */
  workers: number;
  note?: string;
}

const ALL_CASES: BenchCase[] = [
  { connections: 1, streams: 1, workers: 1, note: 'one stream' },
  { connections: 1, streams: 16, workers: 1 },
  { connections: 4, streams: 64, workers: 1 },
  { connections: 4, streams: 64, workers: 2 },
  { connections: 1, streams: 500, workers: 1, note: 'like ghz -c 500' },
];

const caseId = (c: BenchCase): string => `${c.connections}x${c.streams}w${c.workers}`;
const caseLabel = (c: BenchCase): string => `${c.connections} conn × ${c.streams} streams`;

interface ProcessCost {
  /** User + system CPU of the whole client process, seconds. */
  cpuSeconds: number;
  wallSeconds: number;
  maxRssKiB: number;
}

interface Sample {
  side: 'raw' | 'grpc-bench';
  round: number;
  messages: number;
  messagesPerSec: number;
  loadMs: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  cost?: ProcessCost;
  cpuUsPerMessage?: number;
  /** The same after subtracting the side's start-up and tear-down CPU (measured by a near-empty run). */
  marginalCpuUsPerMessage?: number;
  /** Raw loop only: process.cpuUsage over the load window (start-up excluded), µs per message. */
  loadCpuUsPerMessage?: number;
  /** CPU used by the server process during the run, as a share of one core. */
  serverCpuShare?: number;
  /** CPU used on the machine during the run by neither client nor server, in cores (other load). */
  backgroundCores?: number;
  error?: string;
}

interface CaseResult {
  id: string;
  connections: number;
  streams: number;
  workers: number;
  note?: string;
  raw: Sample[];
  grpcBench: Sample[];
  rawMedianMsgPerSec: number;
  grpcBenchMedianMsgPerSec: number;
  ratio: number;
  meetsTarget: boolean;
}

function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: expected a non-negative number, got "${text}"`);
  return value;
}

function median(values: number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// ---------------------------------------------------------------------------------------
// Child processes

const running = new Set<ChildProcess>();

/** Kills a child and its process group (GNU time's child included). */
function killTree(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

interface ChildOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cost?: ProcessCost;
}

/** Runs `node args…` (under GNU time when available), bounded by timeoutMs. */
async function runNode(args: string[], timeoutMs: number, useTime: boolean, scratch: string): Promise<ChildOutcome> {
  const timeFile = join(scratch, `time-${process.hrtime.bigint()}.txt`);
  const command = useTime ? GNU_TIME : process.execPath;
  const argv = useTime ? ['-f', '%e %U %S %M', '-o', timeFile, process.execPath, ...args] : args;
  const child = spawn(command, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killTree(child, 'SIGKILL');
  }, timeoutMs);
  const code = await new Promise<number | null>((resolve) => {
    child.on('error', (error) => {
      stderr += `${error.message}\n`;
      resolve(null);
    });
    child.on('close', (exitCode) => resolve(exitCode));
  });
  clearTimeout(timer);
  running.delete(child);
  let cost: ProcessCost | undefined;
  if (useTime && existsSync(timeFile)) {
    // GNU time writes "Command exited with non-zero status N" first when the child failed.
    const line = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
    const [wall, user, sys, rss] = line.split(/\s+/).map(Number);
    if ([wall, user, sys, rss].every((v) => Number.isFinite(v))) {
      cost = { wallSeconds: wall!, cpuSeconds: user! + sys!, maxRssKiB: rss! };
    }
    rmSync(timeFile, { force: true });
  }
  return { code, stdout, stderr, timedOut, ...(cost ? { cost } : {}) };
}

/** GNU time with -f/-o, or nothing (then CPU and RSS are skipped for both sides). */
async function detectGnuTime(scratch: string): Promise<boolean> {
  if (!existsSync(GNU_TIME)) return false;
  const probe = await runNode(['-e', '0'], 10_000, true, scratch);
  return probe.code === 0 && probe.cost !== undefined;
}

/** USER_HZ; 100 on every mainstream Linux. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU clock ticks so far, from /proc (Linux only): the server process's, and the whole machine's busy time. */
interface CpuReading {
  atMs: number;
  serverTicks?: number;
  machineBusyTicks?: number;
}

function readCpu(serverPid: number | undefined): CpuReading {
  const reading: CpuReading = { atMs: performance.now() };
  try {
    if (serverPid !== undefined) {
      const stat = readFileSync(`/proc/${serverPid}/stat`, 'utf8');
      // After "pid (comm) " the state is index 0, so utime (field 14) and stime (15) are 11 and 12.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      reading.serverTicks = Number(fields[11]) + Number(fields[12]);
    }
    // "cpu  user nice system idle iowait irq softirq steal …": busy = all but idle and iowait.
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    reading.machineBusyTicks = user! + nice! + system! + irq! + softirq! + (steal ?? 0);
  } catch {
    // Not Linux: no server or background figures.
  }
  return reading;
}

/**
 * Server CPU over the load time (the server idles while a client starts up), and the CPU
 * neither the client nor the server used during the run: other work on the machine, which
 * makes throughput figures unreliable when it is high.
 */
function withCpuReadings<T extends Sample>(sample: T, before: CpuReading, after: CpuReading): T {
  const result: T = { ...sample };
  if (before.serverTicks !== undefined && after.serverTicks !== undefined && sample.loadMs > 0) {
    result.serverCpuShare = (after.serverTicks - before.serverTicks) / CLOCK_TICKS_PER_SECOND / (sample.loadMs / 1000);
  }
  const wallSeconds = (after.atMs - before.atMs) / 1000;
  if (before.machineBusyTicks !== undefined && after.machineBusyTicks !== undefined && sample.cost && before.serverTicks !== undefined && after.serverTicks !== undefined) {
    const machine = (after.machineBusyTicks - before.machineBusyTicks) / CLOCK_TICKS_PER_SECOND;
    const server = (after.serverTicks - before.serverTicks) / CLOCK_TICKS_PER_SECOND;
    result.backgroundCores = Math.max(0, (machine - server - sample.cost.cpuSeconds) / wallSeconds);
  }
  return result;
}

interface BenchServer {
  address: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

async function startBenchServer(): Promise<BenchServer> {
  const child = spawn(process.execPath, [join(DIST_BENCH, 'bench-server.js')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const address = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('bench server: no address within 10 s')), 10_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      try {
        resolve((JSON.parse(buffered.slice(0, newline)) as { address: string }).address);
      } catch (error) {
        reject(error as Error);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench server exited with code ${code} before listening`));
    });
  });
  return {
    address,
    pid: child.pid,
    stop: async () => {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      running.delete(child);
    },
  };
}

// ---------------------------------------------------------------------------------------
// The two sides

interface RunContext {
  address: string;
  serverPid: number | undefined;
  seconds: number;
  useTime: boolean;
  scratch: string;
  /** Start-up + tear-down CPU seconds of a near-empty run: raw, and grpc-bench by worker count. */
  fixedCpu: { raw?: number; grpcBench: Map<number, number> };
}

function finishSample(sample: Sample, fixedCpuSeconds: number | undefined): Sample {
  if (sample.cost && sample.messages > 0) {
    sample.cpuUsPerMessage = (sample.cost.cpuSeconds * 1e6) / sample.messages;
    if (fixedCpuSeconds !== undefined) sample.marginalCpuUsPerMessage = ((sample.cost.cpuSeconds - fixedCpuSeconds) * 1e6) / sample.messages;
  }
  return sample;
}

function failed(side: Sample['side'], round: number, outcome: ChildOutcome, what: string): Sample {
  const reason = outcome.timedOut ? 'timed out' : `exit code ${outcome.code}`;
  const detail = outcome.stderr.trim().split('\n').slice(-3).join(' | ');
  return { side, round, messages: 0, messagesPerSec: 0, loadMs: 0, p50Ms: NaN, p99Ms: NaN, errors: 0, error: `${what}: ${reason}${detail ? `: ${detail}` : ''}` };
}

async function runRaw(c: BenchCase, round: number, ctx: RunContext, seconds = ctx.seconds): Promise<Sample> {
  const args = [
    join(DIST_BENCH, 'raw-grpc-js-loop.js'),
    '--target', ctx.address,
    '--connections', String(c.connections),
    '--streams', String(c.streams),
    '--seconds', String(seconds),
  ];
  const before = readCpu(ctx.serverPid);
  const outcome = await runNode(args, (seconds + 30) * 1000, ctx.useTime, ctx.scratch);
  const after = readCpu(ctx.serverPid);
  if (outcome.code !== 0) return failed('raw', round, outcome, 'raw loop');
  const result = JSON.parse(outcome.stdout.trim().split('\n').pop()!) as RawLoopResult;
  return withCpuReadings(
    finishSample({
      side: 'raw',
      round,
      messages: result.messages,
      messagesPerSec: (result.messages * 1000) / result.elapsedMs,
      loadMs: result.elapsedMs,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      errors: result.errors,
      loadCpuUsPerMessage: result.messages > 0 ? (result.cpuUserUs + result.cpuSystemUs) / result.messages : NaN,
      ...(outcome.cost ? { cost: outcome.cost } : {}),
    }, ctx.fixedCpu.raw),
    before,
    after,
  );
}

interface GrpcBenchReport {
  durationMs: number;
  throughput: { messagesPerSec: number };
  counts: { messagesReceived: number; errors: number };
  latencyMs: { p50: number; p99: number };
}

/** A timed run (`-z`), or `messages` for a near-empty run that measures start-up cost. */
async function runGrpcBench(c: BenchCase, round: number, ctx: RunContext, messages?: number): Promise<Sample> {
  const reportFile = join(ctx.scratch, `grpc-bench-${caseId(c)}-${round}.json`);
  const args = [
    GRPC_BENCH_BIN, 'run', ctx.address,
    '--insecure',
    '-c', String(c.streams),
    '--connections', String(c.connections),
    '--workers', String(c.workers),
    ...(messages === undefined ? ['-z', `${ctx.seconds}s`] : ['-n', String(messages)]),
    '-d', JSON.stringify(REQUEST_DATA),
    '--name', 'bench',
    '-O', 'json',
    '-o', reportFile,
  ];
  const before = readCpu(ctx.serverPid);
  const outcome = await runNode(args, (ctx.seconds + 30) * 1000, ctx.useTime, ctx.scratch);
  const after = readCpu(ctx.serverPid);
  if (outcome.code !== 0 || !existsSync(reportFile)) return failed('grpc-bench', round, outcome, 'grpc-bench');
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as GrpcBenchReport;
  rmSync(reportFile, { force: true });
  return withCpuReadings(
    finishSample({
      side: 'grpc-bench',
      round,
      messages: report.counts.messagesReceived,
      messagesPerSec: report.throughput.messagesPerSec,
      loadMs: report.durationMs,
      p50Ms: report.latencyMs.p50,
      p99Ms: report.latencyMs.p99,
      errors: report.counts.errors,
      ...(outcome.cost ? { cost: outcome.cost } : {}),
    }, ctx.fixedCpu.grpcBench.get(c.workers)),
    before,
    after,
  );
}

/**
 * CPU of near-empty runs (connect, one message per stream, shut down), median of three: what
 * each side spends whatever the run length. Subtracting it gives the per-message cost of the
 * load itself, which short runs otherwise overstate.
 */
async function measureFixedCpu(ctx: RunContext, workerCounts: number[]): Promise<void> {
  const cpuOf = (samples: Sample[]): number | undefined => {
    const value = median(samples.filter((s) => !s.error && s.cost).map((s) => s.cost!.cpuSeconds));
    return Number.isFinite(value) ? value : undefined;
  };
  const raw: Sample[] = [];
  for (let i = 0; i < 3; i++) raw.push(await runRaw({ connections: 1, streams: 1, workers: 1 }, 0, ctx, 0.001));
  const rawFixed = cpuOf(raw);
  if (rawFixed !== undefined) ctx.fixedCpu.raw = rawFixed;
  for (const workers of workerCounts) {
    const runs: Sample[] = [];
    for (let i = 0; i < 3; i++) runs.push(await runGrpcBench({ connections: workers, streams: workers, workers }, 0, ctx, workers));
    const fixed = cpuOf(runs);
    if (fixed !== undefined) ctx.fixedCpu.grpcBench.set(workers, fixed);
  }
}

// ---------------------------------------------------------------------------------------
// Output

const int = (v: number): string => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '–');
const fixed = (v: number | undefined, digits: number): string => (v !== undefined && Number.isFinite(v) ? v.toFixed(digits) : '–');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function medianOf(samples: Sample[], pick: (s: Sample) => number | undefined): number {
  return median(samples.filter((s) => !s.error).map((s) => pick(s) ?? NaN));
}

const fixedText = (seconds: number | undefined): string => (seconds === undefined ? '–' : `${Math.round(seconds * 1000)} ms`);

function printTables(results: CaseResult[], ctx: RunContext): void {
  const { useTime } = ctx;
  const throughput = results.map((r) => [
    caseLabel(r),
    String(r.workers),
    r.raw.map((s) => (s.error ? 'ERR' : int(s.messagesPerSec))).join(' / '),
    r.grpcBench.map((s) => (s.error ? 'ERR' : int(s.messagesPerSec))).join(' / '),
    Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : '–',
    Number.isFinite(r.ratio) ? (r.meetsTarget ? 'ok' : `< ${TARGET_RATIO}×`) : '–',
    [...r.raw, ...r.grpcBench].map((s) => fixed(s.backgroundCores, 1)).join(' '),
  ]);
  process.stdout.write(
    `\nThroughput, messages/s (each round; ratio = median grpc-bench / median raw, target ≥ ${TARGET_RATIO}×)\n` +
      `${table(['setting', 'workers', 'raw grpc-js', 'grpc-bench', 'ratio', 'target', 'other load, cores (raw… gb…)'], throughput)}\n`,
  );
  const background = median(results.flatMap((r) => [...r.raw, ...r.grpcBench]).map((s) => s.backgroundCores ?? NaN));
  if (background >= BUSY_MACHINE_CORES) {
    process.stdout.write(
      `! the machine was busy: other processes used ${background.toFixed(1)} of ${availableParallelism()} cores during a median run; ` +
        'throughput and latency figures are unreliable, CPU per message less so.\n',
    );
  }
  const costs = results.map((r) => [
    caseLabel(r),
    String(r.workers),
    fixed(medianOf(r.raw, (s) => s.cpuUsPerMessage), 1),
    fixed(medianOf(r.grpcBench, (s) => s.cpuUsPerMessage), 1),
    fixed(medianOf(r.raw, (s) => s.marginalCpuUsPerMessage), 1),
    fixed(medianOf(r.grpcBench, (s) => s.marginalCpuUsPerMessage), 1),
    fixed(medianOf(r.raw, (s) => s.loadCpuUsPerMessage), 1),
    `${fixed(medianOf(r.raw, (s) => s.p50Ms), 3)} / ${fixed(medianOf(r.raw, (s) => s.p99Ms), 3)}`,
    `${fixed(medianOf(r.grpcBench, (s) => s.p50Ms), 3)} / ${fixed(medianOf(r.grpcBench, (s) => s.p99Ms), 3)}`,
    fixed(medianOf(r.raw, (s) => (s.cost ? s.cost.maxRssKiB / 1024 : undefined)), 0),
    fixed(medianOf(r.grpcBench, (s) => (s.cost ? s.cost.maxRssKiB / 1024 : undefined)), 0),
    `${fixed(medianOf(r.raw, (s) => s.serverCpuShare && s.serverCpuShare * 100), 0)} / ${fixed(medianOf(r.grpcBench, (s) => s.serverCpuShare && s.serverCpuShare * 100), 0)}`,
  ]);
  process.stdout.write(
    `\nCost and latency (medians over rounds)\n` +
      `${table(
        ['setting', 'workers', 'CPU µs/msg raw', 'grpc-bench', 'minus start-up: raw', 'grpc-bench', 'raw in-process', 'P50/P99 ms raw', 'grpc-bench', 'RSS MiB raw', 'grpc-bench', 'server CPU % raw/gb'],
        costs,
      )}\n`,
  );
  process.stdout.write(
    useTime
      ? 'CPU µs/msg and RSS: GNU time on each client process (user+sys, max RSS), start-up included, divided by responses received.\n' +
          `"minus start-up": the same after subtracting the CPU of a near-empty run of that side (raw ${fixedText(ctx.fixedCpu.raw)}; ` +
          `grpc-bench ${[...ctx.fixedCpu.grpcBench].map(([w, cpu]) => `${w} worker(s) ${fixedText(cpu)}`).join(', ') || '–'}).\n` +
          '"raw in-process": the raw loop\'s own process.cpuUsage() over its load window, a check on the subtraction.\n' +
          'server CPU %: the server process\'s CPU during the run over the load time (100 = one core busy), from /proc.\n'
      : `${GNU_TIME} not available: CPU and RSS are not measured for either side (install the "time" package).\n`,
  );
  for (const r of results) {
    for (const s of [...r.raw, ...r.grpcBench]) {
      if (s.error) process.stdout.write(`! ${caseLabel(r)} w${r.workers} ${s.side} round ${s.round}: ${s.error}\n`);
      else if (s.errors > 0) process.stdout.write(`! ${caseLabel(r)} w${r.workers} ${s.side} round ${s.round}: ${s.errors} errors\n`);
    }
  }
}

/** Which sources were measured: HEAD, and whether src/ had uncommitted changes. */
function gitState(): { commit: string; srcDirty: boolean } | null {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: git('rev-parse', 'HEAD'), srcDirty: git('status', '--porcelain', '--', 'src').length > 0 };
  } catch {
    return null;
  }
}

function timestamp(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const seconds = envNumber('BENCH_SECONDS', 5);
  const rounds = Math.max(1, Math.floor(envNumber('BENCH_ROUNDS', 2)));
  const warmupSeconds = envNumber('BENCH_WARMUP_SECONDS', 2);
  if (seconds <= 0) throw new Error('BENCH_SECONDS must be > 0');
  const wanted = process.env['BENCH_CASES']?.split(',').map((s) => s.trim()).filter(Boolean);
  const cases = wanted?.length
    ? ALL_CASES.filter((c) => wanted.some((w) => (w.includes('w') ? caseId(c) === w : caseId(c).startsWith(`${w}w`))))
    : ALL_CASES;
  if (cases.length === 0) throw new Error(`BENCH_CASES: none of ${wanted?.join(', ')} is one of ${ALL_CASES.map(caseId).join(', ')}`);
  for (const entry of [GRPC_BENCH_BIN, join(DIST_BENCH, 'raw-grpc-js-loop.js'), join(DIST_BENCH, 'bench-server.js')]) {
    if (!existsSync(entry)) throw new Error(`${entry} not found: run "npm run build" first (npm run bench does)`);
  }

  const scratch = mkdtempSync(join(tmpdir(), 'grpc-bench-bench-'));
  const useTime = await detectGnuTime(scratch);
  const server = await startBenchServer();
  const stopAll = (): void => {
    for (const child of running) killTree(child, 'SIGKILL');
    rmSync(scratch, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    stopAll();
    process.exit(130);
  });

  const ctx: RunContext = { address: server.address, serverPid: server.pid, seconds, useTime, scratch, fixedCpu: { grpcBench: new Map() } };
  process.stdout.write(
    `grpc-bench vs raw @grpc/grpc-js ping-pong — server ${server.address} (own process), ` +
      `${seconds}s per run, ${rounds} round(s), node ${process.version}, ${availableParallelism()} CPU(s) ${cpus()[0]?.model ?? ''}\n`,
  );
  if (!useTime) process.stdout.write(`${GNU_TIME} not found or not GNU time: CPU and RSS will not be measured.\n`);

  const results: CaseResult[] = [];
  try {
    if (warmupSeconds > 0) {
      process.stdout.write(`warm-up: raw loop 4×64 for ${warmupSeconds}s (not recorded)\n`);
      await runRaw({ connections: 4, streams: 64, workers: 1 }, 0, ctx, warmupSeconds);
    }
    if (useTime) {
      process.stdout.write('start-up cost: near-empty runs of each side (not recorded)\n');
      await measureFixedCpu(ctx, [...new Set(cases.map((c) => c.workers))]);
    }
    for (const c of cases) {
      const raw: Sample[] = [];
      const grpcBench: Sample[] = [];
      for (let round = 1; round <= rounds; round++) {
        const r = await runRaw(c, round, ctx);
        raw.push(r);
        const b = await runGrpcBench(c, round, ctx);
        grpcBench.push(b);
        process.stdout.write(
          `${caseLabel(c).padEnd(22)} w${c.workers} round ${round}: raw ${r.error ? 'ERROR' : int(r.messagesPerSec)} msg/s, grpc-bench ${b.error ? 'ERROR' : int(b.messagesPerSec)} msg/s\n`,
        );
      }
      const rawMedian = medianOf(raw, (s) => s.messagesPerSec);
      const benchMedian = medianOf(grpcBench, (s) => s.messagesPerSec);
      const ratio = benchMedian / rawMedian;
      results.push({
        id: caseId(c),
        connections: c.connections,
        streams: c.streams,
        workers: c.workers,
        ...(c.note === undefined ? {} : { note: c.note }),
        raw,
        grpcBench,
        rawMedianMsgPerSec: rawMedian,
        grpcBenchMedianMsgPerSec: benchMedian,
        ratio,
        meetsTarget: ratio >= TARGET_RATIO,
      });
    }
  } finally {
    await server.stop();
    stopAll();
  }

  printTables(results, ctx);
  const reportsDir = join(ROOT, 'reports');
  mkdirSync(reportsDir, { recursive: true });
  const file = join(reportsDir, `bench-${timestamp(new Date())}.json`);
  const document = {
    kind: 'grpc-bench-vs-raw-grpc-js',
    createdAt: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? '',
    secondsPerRun: seconds,
    rounds,
    targetRatio: TARGET_RATIO,
    cpuMeasured: useTime,
    fixedCpuSeconds: { raw: ctx.fixedCpu.raw ?? null, grpcBenchByWorkers: Object.fromEntries(ctx.fixedCpu.grpcBench) },
    git: gitState(),
    request: REQUEST_DATA,
    cases: results,
  };
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(`\nwritten: ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error)?.message ?? String(error)}\n`);
  for (const child of running) killTree(child, 'SIGKILL');
  process.exit(1);
});
