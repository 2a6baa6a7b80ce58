/**
 * What the bench scripts share: child processes (bounded in time, killed with their process
 * group), the reference server in its own process, GNU time, /proc readings and small helpers.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST_BENCH = join(ROOT, 'dist', 'bench');
export const GRPC_BENCH_BIN = join(ROOT, 'bin', 'grpc-bench.js');
export const GNU_TIME = '/usr/bin/time';

export function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: expected a non-negative number, got "${text}"`);
  return value;
}

export function median(values: number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The 1-, 5- and 15-minute load averages from /proc/loadavg (Linux); undefined elsewhere. */
export function loadAverage(): [number, number, number] | undefined {
  try {
    const [one, five, fifteen] = readFileSync('/proc/loadavg', 'utf8').trim().split(/\s+/).map(Number);
    return [one!, five!, fifteen!];
  } catch {
    return undefined;
  }
}

export const loadText = (load: [number, number, number] | undefined): string => (load ? load.map((v) => v.toFixed(2)).join(' ') : '–');

/** Which sources were measured: HEAD, and whether src/ had uncommitted changes. */
export function gitState(): { commit: string; srcDirty: boolean } | null {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: git('rev-parse', 'HEAD'), srcDirty: git('status', '--porcelain', '--', 'src').length > 0 };
  } catch {
    return null;
  }
}

/** Every child still running, so an interrupted bench leaves none behind. */
export const running = new Set<ChildProcess>();

/** Kills a child and its process group (GNU time's child included). */
export function killTree(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

export function killAll(): void {
  for (const child of running) killTree(child, 'SIGKILL');
}

export interface ProcessCost {
  /** User + system CPU of the whole client process, seconds. */
  cpuSeconds: number;
  wallSeconds: number;
  maxRssKiB: number;
}

export interface ChildOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cost?: ProcessCost;
  steadyCpu?: SteadyCpu;
}

export interface RunNodeOptions {
  timeoutMs: number;
  /** Under GNU time (CPU and peak RSS of the whole process), writing its figures into `scratch`. */
  useTime: boolean;
  scratch: string;
  /** Called once the child started (the node process itself when not under GNU time). */
  onStart?: (child: ChildProcess) => void;
  /** Each chunk of the child's stderr as it arrives. */
  onStderr?: (chunk: string) => void;
  /**
   * Reads the node process's CPU (all its threads, from /proc) at these times after the spawn,
   * ms: a window inside the load, away from start-up and shutdown (Linux only).
   */
  steadyWindow?: { fromMs: number; toMs: number };
}

/** CPU of the node process between the two readings of RunNodeOptions.steadyWindow. */
export interface SteadyCpu {
  cpuSeconds: number;
  wallSeconds: number;
}

/** Runs `node args…` in its own process group, bounded by timeoutMs. */
/** The node process under GNU time is its child; without GNU time the child itself. */
function nodePidOf(pid: number, underTime: boolean): number | undefined {
  if (!underTime) return pid;
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return children.length ? Number(children[0]) : undefined;
  } catch {
    return undefined;
  }
}

/** utime + stime of a process (every thread), in clock ticks; undefined when /proc cannot tell. */
export function processTicks(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) " the state is index 0, so utime (field 14) and stime (15) are 11 and 12.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** Linux's USER_HZ, which /proc reports CPU times in (100 on every mainstream Linux). */
export const TICKS_PER_SECOND = 100;

function sampleSteadyCpu(child: ChildProcess, underTime: boolean, window: { fromMs: number; toMs: number }): { result: Promise<SteadyCpu | undefined>; cancel(): void } {
  const timers: NodeJS.Timeout[] = [];
  let settle: (value: SteadyCpu | undefined) => void = () => {};
  const result = new Promise<SteadyCpu | undefined>((resolve) => (settle = resolve));
  let first: { ticks: number; atMs: number; pid: number } | undefined;
  timers.push(setTimeout(() => {
    const pid = child.pid === undefined ? undefined : nodePidOf(child.pid, underTime);
    const ticks = processTicks(pid);
    if (pid === undefined || ticks === undefined) return settle(undefined);
    first = { ticks, atMs: performance.now(), pid };
  }, window.fromMs));
  timers.push(setTimeout(() => {
    const ticks = first ? processTicks(first.pid) : undefined;
    if (!first || ticks === undefined) return settle(undefined);
    settle({ cpuSeconds: (ticks - first.ticks) / TICKS_PER_SECOND, wallSeconds: (performance.now() - first.atMs) / 1000 });
  }, window.toMs));
  return {
    result,
    cancel: () => {
      for (const timer of timers) clearTimeout(timer);
      settle(undefined);
    },
  };
}

export async function runNode(args: string[], options: RunNodeOptions): Promise<ChildOutcome> {
  const { timeoutMs, useTime, scratch } = options;
  const timeFile = join(scratch, `time-${process.hrtime.bigint()}.txt`);
  const command = useTime ? GNU_TIME : process.execPath;
  const argv = useTime ? ['-f', '%e %U %S %M', '-o', timeFile, process.execPath, ...args] : args;
  const child = spawn(command, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  options.onStart?.(child);
  const steady = options.steadyWindow ? sampleSteadyCpu(child, useTime, options.steadyWindow) : undefined;
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    options.onStderr?.(chunk);
  });
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
  // A child that ended before the window closed has no steady figure.
  steady?.cancel();
  const steadyCpu = await steady?.result;
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
  return { code, stdout, stderr, timedOut, ...(cost ? { cost } : {}), ...(steadyCpu ? { steadyCpu } : {}) };
}

/** GNU time with -f/-o, or nothing (then CPU and RSS are skipped for every side). */
export async function detectGnuTime(scratch: string): Promise<boolean> {
  if (!existsSync(GNU_TIME)) return false;
  const probe = await runNode(['-e', '0'], { timeoutMs: 10_000, useTime: true, scratch });
  return probe.code === 0 && probe.cost !== undefined;
}

/** The last lines of a failed child's stderr, for a one-line message. */
export function failureText(outcome: ChildOutcome, what: string): string {
  const reason = outcome.timedOut ? 'timed out' : `exit code ${outcome.code}`;
  const detail = outcome.stderr.trim().split('\n').slice(-3).join(' | ');
  return `${what}: ${reason}${detail ? `: ${detail}` : ''}`;
}

/** Does this build of grpc-bench take `--transport http2`? */
export function grpcBenchHasHttp2Transport(): boolean {
  try {
    const help = execFileSync(process.execPath, [GRPC_BENCH_BIN, 'run', '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const at = help.indexOf('--transport');
    return at >= 0 && help.slice(at, at + 400).includes('"http2"');
  } catch {
    return false;
  }
}

export interface BenchServer {
  address: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** Benchmark targets: the reference Order service (grpc-js) or the lean one on node:http2. */
export const BENCH_SERVERS = { reference: 'bench-server.js', lean: 'lean-order-server.js' } as const;
export type BenchServerKind = keyof typeof BENCH_SERVERS;

/** BENCH_SERVER: "lean" (default) or "reference". */
export function benchServerKind(): BenchServerKind {
  const kind = process.env['BENCH_SERVER'] || 'lean';
  if (!(kind in BENCH_SERVERS)) throw new Error(`BENCH_SERVER: expected "lean" or "reference", got "${kind}"`);
  return kind as BenchServerKind;
}

/** An Order service (dist/bench/bench-server.js or lean-order-server.js) in its own process on 127.0.0.1. */
export async function startBenchServer(kind: BenchServerKind = 'reference'): Promise<BenchServer> {
  const child = spawn(process.execPath, [join(DIST_BENCH, BENCH_SERVERS[kind])], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
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

/** Resident set size of a process from /proc/<pid>/status (Linux), bytes; undefined when gone. */
export function processRssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
