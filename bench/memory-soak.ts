/**
 * `npm run bench:memory`: what grpc-bench's own memory costs, against the reference Order
 * service in its own process on 127.0.0.1, for each transport this build has.
 *
 * (a) Idle streams: N streams (default 10,000) over C connections, one worker; each stream
 *     sends one request, gets its answer and then waits (`--stream-interval 60s`, longer than
 *     the run), so for most of the run N streams sit open and idle. Per idle stream:
 *       - (peak − start) / N of the report's memory.client (the grpc-bench process's RSS),
 *         worker start-up and the opening burst included;
 *       - (idle RSS − idle RSS of a baseline run with C streams) / (N − C), where idle RSS is
 *         the median of this script's own /proc samples of the process while all N streams
 *         are open and answered (from the progress lines): the steady cost of a stream alone;
 *       - the workers' heaps (memory.clientHeap) and the server's RSS the same way as the first.
 *     Each run gets a fresh server, so the server figures do not carry over between runs.
 * (b) Soak: an open-model steady run (default 2,000 msg/s, 64 streams, 4 connections, 120 s);
 *     the report's memory.client and memory.clientHeap slopes (bytes/min, r²) over the samples
 *     taken while the load ran (after the warm-up, until sending stopped), and the slope of this script's own RSS samples during the load after its first
 *     quarter (start-up and JIT growth left out, drain too), which is what a leak would show as.
 *
 * Every run records /proc/loadavg before and after. Results go to stdout and to
 * reports/memory-soak-<time>.json.
 *
 * Environment: MEMORY_IDLE_STREAMS (10000), MEMORY_IDLE_CONNECTIONS (10), MEMORY_IDLE_SECONDS (40),
 * MEMORY_SOAK_SECONDS (120), MEMORY_SOAK_RATE (2000), MEMORY_SOAK_STREAMS (64),
 * MEMORY_SOAK_CONNECTIONS (4), MEMORY_SOAK_WORKERS (default: grpc-bench's own), MEMORY_TRANSPORTS
 * (e.g. "http2"; default both, http2 only when this build has it), MEMORY_PARTS ("idle,soak").
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { MemoryGrowthReport, Report } from '../src/report/report.js';
import { pathTimestamp } from '../src/reporters/path-timestamp.js';
import { memoryGrowth, type MemoryGrowth, type MemorySample } from '../src/stats/memory-growth.js';
import {
  DIST_BENCH,
  GRPC_BENCH_BIN,
  ROOT,
  envNumber,
  failureText,
  gitState,
  grpcBenchHasHttp2Transport,
  killAll,
  loadAverage,
  loadText,
  median,
  processRssBytes,
  runNode,
  startBenchServer,
} from './bench-processes.js';

const REQUEST_DATA = { request_id: '{{requestId}}', user_id: 'u_123', items: [{ sku_id: 's_001', count: 1 }] };
const SAMPLE_EVERY_MS = 500;
/** A run may take this much longer than its -z (start-up, opening, drain) before it is killed. */
const RUN_SLACK_MS = 120_000;
/** The soak's own slope leaves out this share of the run at its start. */
const SOAK_SETTLE_SHARE = 0.25;
const MIB = 1024 * 1024;

type Transport = 'grpc-js' | 'http2';

/** The parts of grpc-bench's JSON report this script reads. */
type GrpcBenchReport = Pick<Report, 'settings' | 'throughput' | 'counts' | 'streams' | 'generator' | 'memory'>;

interface Progress {
  atMs: number;
  /** The line's own "[Ns]": seconds since the load started. */
  elapsedS: number;
  received: number;
  streams: number;
}

interface SampledRun {
  report?: GrpcBenchReport;
  error?: string;
  /** This script's samples of the grpc-bench process's RSS, ms since the run was spawned. */
  rss: MemorySample[];
  progress: Progress[];
  loadAvgBefore?: [number, number, number];
  loadAvgAfter?: [number, number, number];
}

const PROGRESS_LINE = /^\[(\d+)s\] .*?(\d+) received, \d+ errors, (\d+) streams/;

/** One grpc-bench run against a fresh reference server, its RSS sampled from /proc meanwhile. */
async function sampledRun(flags: string[], seconds: number, scratch: string, label: string): Promise<SampledRun> {
  const server = await startBenchServer();
  const reportFile = join(scratch, `${label}.json`);
  const rss: MemorySample[] = [];
  const progress: Progress[] = [];
  const startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let pending = '';
  const loadAvgBefore = loadAverage();
  try {
    const outcome = await runNode(
      [
        GRPC_BENCH_BIN, 'run', server.address,
        '--insecure',
        ...flags,
        '-z', `${seconds}s`,
        '-d', JSON.stringify(REQUEST_DATA),
        '--name', label,
        ...(server.pid === undefined ? [] : ['--monitor-pid', String(server.pid)]),
        '-O', 'json',
        '-o', reportFile,
      ],
      {
        timeoutMs: seconds * 1000 + RUN_SLACK_MS,
        useTime: false,
        scratch,
        onStart: (child) => {
          const pid = child.pid;
          if (pid === undefined) return;
          timer = setInterval(() => {
            const bytes = processRssBytes(pid);
            if (bytes !== undefined) rss.push({ tMs: performance.now() - startedAt, bytes });
          }, SAMPLE_EVERY_MS);
        },
        onStderr: (chunk) => {
          pending += chunk;
          let newline: number;
          while ((newline = pending.indexOf('\n')) >= 0) {
            const match = PROGRESS_LINE.exec(pending.slice(0, newline));
            pending = pending.slice(newline + 1);
            if (match) progress.push({ atMs: performance.now() - startedAt, elapsedS: Number(match[1]), received: Number(match[2]), streams: Number(match[3]) });
          }
        },
      },
    );
    clearInterval(timer);
    const loadAvgAfter = loadAverage();
    const around = { ...(loadAvgBefore ? { loadAvgBefore } : {}), ...(loadAvgAfter ? { loadAvgAfter } : {}) };
    if (outcome.code !== 0 || !existsSync(reportFile)) return { error: failureText(outcome, `grpc-bench ${label}`), rss, progress, ...around };
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as GrpcBenchReport;
    rmSync(reportFile, { force: true });
    return { report, rss, progress, ...around };
  } finally {
    clearInterval(timer);
    await server.stop();
  }
}

/** The RSS samples thinned to one per second, MiB, for the JSON: enough to see the shape of a run. */
function rssSeries(run: SampledRun): Array<[seconds: number, mib: number]> {
  const series: Array<[number, number]> = [];
  let next = 0;
  for (const s of run.rss) {
    if (s.tMs < next) continue;
    series.push([Math.round(s.tMs / 100) / 10, Math.round((s.bytes / MIB) * 10) / 10]);
    next = s.tMs + 1000;
  }
  return series;
}

/** Progress lines for the JSON: seconds since spawn, responses so far, open streams. */
const progressSeries = (run: SampledRun): Array<[number, number, number]> => run.progress.map((p) => [Math.round(p.atMs / 100) / 10, p.received, p.streams]);

// ---------------------------------------------------------------------------------------
// (a) Idle streams

interface IdleRun {
  streams: number;
  connections: number;
  run: SampledRun;
  /** Median of this script's RSS samples while every stream was open and answered. */
  idleRssBytes?: number;
  idleWindowMs?: [number, number];
  idleSamples: number;
}

/** The window between the first and the last progress line of the load showing all streams open and answered. */
function idlePhase(run: SampledRun, streams: number, seconds: number): Pick<IdleRun, 'idleRssBytes' | 'idleWindowMs' | 'idleSamples'> {
  const idle = run.progress.filter((p) => p.streams >= streams && p.received >= streams && p.elapsedS <= seconds - 1);
  if (idle.length === 0) return { idleSamples: 0 };
  const from = idle[0]!.atMs;
  const to = idle[idle.length - 1]!.atMs;
  const samples = run.rss.filter((s) => s.tMs >= from && s.tMs <= to);
  if (samples.length === 0) return { idleSamples: 0 };
  return { idleRssBytes: median(samples.map((s) => s.bytes)), idleWindowMs: [Math.round(from), Math.round(to)], idleSamples: samples.length };
}

async function idleRun(transport: Transport, streams: number, connections: number, seconds: number, scratch: string, passTransport: boolean): Promise<IdleRun> {
  const flags = [
    ...(passTransport ? ['--transport', transport] : []),
    '-c', String(streams),
    '--connections', String(connections),
    '--workers', '1',
    '--stream-interval', '60s',
  ];
  const run = await sampledRun(flags, seconds, scratch, `idle-${transport}-${streams}`);
  return { streams, connections, run, ...idlePhase(run, streams, seconds) };
}

interface IdleResult {
  transport: Transport;
  streams: number;
  connections: number;
  baselineStreams: number;
  /** memory.client of the report: (peak − start) / streams. */
  peakMinusStartBytesPerStream?: number;
  /** (idle RSS − baseline idle RSS) / (streams − baseline streams). */
  idleBytesPerStream?: number;
  /** memory.clientHeap: (peak − start) / streams. */
  workerHeapBytesPerStream?: number;
  /** memory.target (the server's RSS): (peak − start) / streams. */
  serverBytesPerStream?: number;
  client?: MemoryGrowthReport;
  clientHeap?: MemoryGrowthReport;
  target?: MemoryGrowthReport;
  idleRssBytes?: number;
  baselineIdleRssBytes?: number;
  idleWindowMs?: [number, number];
  streamsOpened?: number;
  peakActiveStreams?: number;
  messagesReceived?: number;
  errors?: number;
  loadAvgBefore?: [number, number, number];
  loadAvgAfter?: [number, number, number];
  /** This script's RSS samples ([s since spawn, MiB], one a second) and the progress lines ([s, received, streams]). */
  rssSeries: Array<[number, number]>;
  progress: Array<[number, number, number]>;
  error?: string;
}

function idleResult(transport: Transport, full: IdleRun, baseline: IdleRun): IdleResult {
  const r = full.run.report;
  const perStream = (m: MemoryGrowthReport | undefined): number | undefined => (m ? (m.peakBytes - m.startBytes) / full.streams : undefined);
  const idleDelta =
    full.idleRssBytes !== undefined && baseline.idleRssBytes !== undefined ? (full.idleRssBytes - baseline.idleRssBytes) / (full.streams - baseline.streams) : undefined;
  const errorText = [full.run.error, baseline.run.error && `baseline: ${baseline.run.error}`, full.idleSamples === 0 && r ? 'no idle window found in the progress lines' : undefined]
    .filter(Boolean)
    .join('; ');
  return {
    transport,
    streams: full.streams,
    connections: full.connections,
    baselineStreams: baseline.streams,
    ...(r
      ? {
          peakMinusStartBytesPerStream: perStream(r.memory.client)!,
          workerHeapBytesPerStream: perStream(r.memory.clientHeap)!,
          ...(r.memory.target ? { serverBytesPerStream: perStream(r.memory.target)!, target: r.memory.target } : {}),
          client: r.memory.client,
          clientHeap: r.memory.clientHeap,
          streamsOpened: r.counts.streamsOpened,
          peakActiveStreams: r.streams.peakActive,
          messagesReceived: r.counts.messagesReceived,
          errors: r.counts.errors,
        }
      : {}),
    ...(idleDelta === undefined ? {} : { idleBytesPerStream: idleDelta }),
    ...(full.idleRssBytes === undefined ? {} : { idleRssBytes: full.idleRssBytes }),
    ...(baseline.idleRssBytes === undefined ? {} : { baselineIdleRssBytes: baseline.idleRssBytes }),
    ...(full.idleWindowMs ? { idleWindowMs: full.idleWindowMs } : {}),
    ...(full.run.loadAvgBefore ? { loadAvgBefore: full.run.loadAvgBefore } : {}),
    ...(full.run.loadAvgAfter ? { loadAvgAfter: full.run.loadAvgAfter } : {}),
    rssSeries: rssSeries(full.run),
    progress: progressSeries(full.run),
    ...(errorText ? { error: errorText } : {}),
  };
}

// ---------------------------------------------------------------------------------------
// (b) Soak

interface SoakResult {
  transport: Transport;
  seconds: number;
  rate: number;
  streams: number;
  connections: number;
  workers?: number;
  sentPerSec?: number;
  messagesPerSec?: number;
  errors?: number;
  saturated?: boolean;
  client?: MemoryGrowthReport;
  clientHeap?: MemoryGrowthReport;
  target?: MemoryGrowthReport;
  /** This script's RSS samples of the process during the load, after its first quarter. */
  settledClient?: MemoryGrowth;
  settledFromMs?: number;
  settledToMs?: number;
  /** Falls of RSS between two samples (a major GC returning memory) in that span, MiB each. */
  settledDropsMiB?: number[];
  /** The longest stretch of that span between such falls: how fast RSS climbs while nothing is returned. */
  longestClimb?: MemoryGrowth & { fromMs: number; toMs: number };
  loadAvgBefore?: [number, number, number];
  loadAvgAfter?: [number, number, number];
  rssSeries: Array<[number, number]>;
  progress: Array<[number, number, number]>;
  error?: string;
}

/** Falls of more than this between two samples split the settled span into climbs. */
const DROP_BYTES = 8 * MIB;

/**
 * RSS under steady load often climbs for a minute or more and then falls at once when a major
 * GC frees what piled up (off-heap buffers included): a slope across a fall says little. The
 * falls, and the slope of the longest climb between them, tell a sawtooth from a leak.
 */
function sawtooth(samples: MemorySample[]): Pick<SoakResult, 'settledDropsMiB' | 'longestClimb'> {
  const drops: number[] = [];
  let best: MemorySample[] = [];
  let current: MemorySample[] = [];
  for (const sample of samples) {
    const previous = current[current.length - 1];
    if (previous && previous.bytes - sample.bytes > DROP_BYTES) {
      drops.push(Math.round(((previous.bytes - sample.bytes) / MIB) * 10) / 10);
      current = [];
    }
    current.push(sample);
    if (current.length > best.length) best = current;
  }
  return {
    settledDropsMiB: drops,
    ...(best.length >= 3 ? { longestClimb: { ...memoryGrowth(best), fromMs: Math.round(best[0]!.tMs), toMs: Math.round(best[best.length - 1]!.tMs) } } : {}),
  };
}

async function soakRun(transport: Transport, settings: { seconds: number; rate: number; streams: number; connections: number; workers?: number }, scratch: string, passTransport: boolean): Promise<SoakResult> {
  const flags = [
    ...(passTransport ? ['--transport', transport] : []),
    '--rate', String(settings.rate),
    '-c', String(settings.streams),
    '--connections', String(settings.connections),
    ...(settings.workers === undefined ? [] : ['--workers', String(settings.workers)]),
  ];
  const run = await sampledRun(flags, settings.seconds, scratch, `soak-${transport}`);
  const r = run.report;
  // The load runs between the progress lines (one every 5 s) up to its last second; without them,
  // the whole sampled span. Its first quarter (start-up, JIT, buffers growing to size) is left out,
  // and so are the drain and the workers' exit after it.
  const during = run.progress.filter((p) => p.elapsedS <= settings.seconds - 1);
  const first = during.length >= 2 ? during[0]!.atMs : (run.rss[0]?.tMs ?? 0);
  const last = during.length >= 2 ? during[during.length - 1]!.atMs : (run.rss[run.rss.length - 1]?.tMs ?? 0);
  const settledFromMs = first + (last - first) * SOAK_SETTLE_SHARE;
  const settled = run.rss.filter((s) => s.tMs >= settledFromMs && s.tMs <= last);
  return {
    transport,
    ...settings,
    ...(r
      ? {
          workers: r.settings.workers,
          sentPerSec: r.throughput.sentPerSec,
          messagesPerSec: r.throughput.messagesPerSec,
          errors: r.counts.errors,
          saturated: r.generator.saturated,
          client: r.memory.client,
          clientHeap: r.memory.clientHeap,
          ...(r.memory.target ? { target: r.memory.target } : {}),
        }
      : {}),
    ...(settled.length >= 3 ? { settledClient: memoryGrowth(settled), settledFromMs: Math.round(settledFromMs), settledToMs: Math.round(last), ...sawtooth(settled) } : {}),
    rssSeries: rssSeries(run),
    progress: progressSeries(run),
    ...(run.loadAvgBefore ? { loadAvgBefore: run.loadAvgBefore } : {}),
    ...(run.loadAvgAfter ? { loadAvgAfter: run.loadAvgAfter } : {}),
    ...(run.error ? { error: run.error } : {}),
  };
}

// ---------------------------------------------------------------------------------------
// Output

const fixed = (v: number | undefined, digits: number): string => (v !== undefined && Number.isFinite(v) ? v.toFixed(digits) : '–');
const mib = (bytes: number | undefined): string => fixed(bytes === undefined ? undefined : bytes / MIB, 1);
const kib = (bytes: number | undefined): string => fixed(bytes === undefined ? undefined : bytes / 1024, 2);
const slope = (m: { growthBytesPerMin: number; r2: number } | undefined): string => (m ? `${fixed(m.growthBytesPerMin / MIB, 2)} (r² ${m.r2.toFixed(2)})` : '–');
const load1 = (before: [number, number, number] | undefined, after: [number, number, number] | undefined): string => `${fixed(before?.[0], 2)} → ${fixed(after?.[0], 2)}`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((cell, i) => (i < 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function printIdle(results: IdleResult[]): void {
  const rows = results.map((r) => [
    r.transport,
    `${r.streams} / ${r.connections}`,
    `${r.peakActiveStreams ?? '–'} / ${r.messagesReceived ?? '–'}`,
    mib(r.client?.startBytes),
    mib(r.client?.peakBytes),
    mib(r.idleRssBytes),
    mib(r.baselineIdleRssBytes),
    kib(r.peakMinusStartBytesPerStream),
    kib(r.idleBytesPerStream),
    kib(r.workerHeapBytesPerStream),
    kib(r.serverBytesPerStream),
    load1(r.loadAvgBefore, r.loadAvgAfter),
  ]);
  process.stdout.write(
    `\n(a) Idle streams: each sends one request, then waits (--stream-interval 60s); one worker\n` +
      `${table(
        ['transport', 'streams/conns', 'peak open/answered', 'RSS start MiB', 'peak', 'idle', 'baseline idle', 'KiB/stream (peak−start)/N', 'idle − baseline', 'worker heap', 'server RSS', 'loadavg 1m'],
        rows,
      )}\n` +
      '(peak−start)/N: the report\'s memory.client (grpc-bench process RSS), worker start-up and the opening burst included.\n' +
      'idle − baseline: median RSS while all N streams sat open and answered, minus the same for a run with one stream per connection, over the streams added.\n' +
      'worker heap: memory.clientHeap (peak − start)/N; server RSS: memory.target (the reference server, fresh per run) (peak − start)/N.\n',
  );
}

function printSoak(results: SoakResult[]): void {
  const rows = results.map((r) => [
    r.transport,
    `${r.rate}/s ${r.streams}×${r.connections} w${r.workers ?? '–'} ${r.seconds}s`,
    fixed(r.sentPerSec, 0),
    `${mib(r.client?.startBytes)} → ${mib(r.client?.peakBytes)} → ${mib(r.client?.endBytes)}`,
    slope(r.client),
    slope(r.settledClient),
    r.settledDropsMiB ? (r.settledDropsMiB.length ? r.settledDropsMiB.map((d) => `−${d}`).join(' ') : 'none') : '–',
    r.longestClimb ? `${slope(r.longestClimb)} over ${Math.round((r.longestClimb.toMs - r.longestClimb.fromMs) / 1000)}s` : '–',
    slope(r.clientHeap),
    slope(r.target),
    `${r.errors ?? '–'}${r.saturated ? ' saturated' : ''}`,
    load1(r.loadAvgBefore, r.loadAvgAfter),
  ]);
  process.stdout.write(
    `\n(b) Soak: open model; slopes in MiB/min\n` +
      `${table(['transport', 'load', 'sent/s', 'RSS start → peak → end MiB', 'RSS slope (report)', 'RSS slope after 1st quarter', 'falls MiB', 'longest climb', 'worker heap slope', 'server RSS slope', 'errors', 'loadavg 1m'], rows)}\n` +
      'RSS slope (report): memory.client.growthBytesPerMin over the whole run, start-up and the workers\' exit included; "after 1st quarter": this script\'s own\n' +
        `/proc samples of the load once start-up growth is over; falls: drops of more than ${DROP_BYTES / MIB} MiB between two samples in that span (a major GC ` +
        'returning memory); longest climb: the slope between falls. A climb that falls back is a GC cycle; a leak climbs across the falls.\n',
  );
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const idleStreams = Math.floor(envNumber('MEMORY_IDLE_STREAMS', 10_000));
  const idleConnections = Math.max(1, Math.floor(envNumber('MEMORY_IDLE_CONNECTIONS', 10)));
  const idleSeconds = envNumber('MEMORY_IDLE_SECONDS', 40);
  const soak = {
    seconds: envNumber('MEMORY_SOAK_SECONDS', 120),
    rate: envNumber('MEMORY_SOAK_RATE', 2000),
    streams: Math.floor(envNumber('MEMORY_SOAK_STREAMS', 64)),
    connections: Math.floor(envNumber('MEMORY_SOAK_CONNECTIONS', 4)),
    ...(process.env['MEMORY_SOAK_WORKERS'] ? { workers: Math.floor(envNumber('MEMORY_SOAK_WORKERS', 1)) } : {}),
  };
  if (idleStreams <= idleConnections) throw new Error(`MEMORY_IDLE_STREAMS (${idleStreams}) must be more than MEMORY_IDLE_CONNECTIONS (${idleConnections})`);
  if (idleSeconds <= 0 || soak.seconds <= 0 || soak.rate <= 0) throw new Error('MEMORY_IDLE_SECONDS, MEMORY_SOAK_SECONDS and MEMORY_SOAK_RATE must be > 0');
  for (const entry of [GRPC_BENCH_BIN, join(DIST_BENCH, 'bench-server.js')]) {
    if (!existsSync(entry)) throw new Error(`${entry} not found: run "npm run build" first (npm run bench:memory does)`);
  }
  const parts = new Set((process.env['MEMORY_PARTS'] ?? 'idle,soak').split(',').map((p) => p.trim()));

  const hasHttp2 = grpcBenchHasHttp2Transport();
  const wantedTransports = (process.env['MEMORY_TRANSPORTS'] ?? 'grpc-js,http2').split(',').map((t) => t.trim()) as Transport[];
  const transports = wantedTransports.filter((t) => t === 'grpc-js' || (t === 'http2' && hasHttp2));
  const http2Note = wantedTransports.includes('http2') && !hasHttp2 ? 'http2 skipped: this build of grpc-bench has no `--transport http2`' : undefined;
  if (transports.length === 0) throw new Error(`MEMORY_TRANSPORTS: nothing to run (${wantedTransports.join(', ')})`);

  const scratch = mkdtempSync(join(tmpdir(), 'grpc-bench-memory-'));
  process.once('SIGINT', () => {
    killAll();
    rmSync(scratch, { recursive: true, force: true });
    process.exit(130);
  });
  const loadAtStart = loadAverage();
  process.stdout.write(
    `grpc-bench memory — transports ${transports.join(', ')}, node ${process.version}, ${availableParallelism()} CPU(s), loadavg ${loadText(loadAtStart)}\n`,
  );
  if (http2Note) process.stdout.write(`! ${http2Note}\n`);

  const idle: IdleResult[] = [];
  const soaks: SoakResult[] = [];
  try {
    if (parts.has('idle')) {
      for (const transport of transports) {
        process.stdout.write(`idle ${transport}: ${idleConnections} streams (baseline), then ${idleStreams}, ${idleSeconds}s each (loadavg ${loadText(loadAverage())})\n`);
        const baseline = await idleRun(transport, idleConnections, idleConnections, idleSeconds, scratch, hasHttp2);
        const full = await idleRun(transport, idleStreams, idleConnections, idleSeconds, scratch, hasHttp2);
        const result = idleResult(transport, full, baseline);
        idle.push(result);
        process.stdout.write(
          `  ${transport}: (peak−start)/N ${kib(result.peakMinusStartBytesPerStream)} KiB, idle − baseline ${kib(result.idleBytesPerStream)} KiB per stream` +
            `${result.error ? ` (${result.error})` : ''}\n`,
        );
      }
    }
    if (parts.has('soak')) {
      for (const transport of transports) {
        process.stdout.write(`soak ${transport}: ${soak.rate} msg/s, ${soak.streams} streams, ${soak.connections} connections, ${soak.seconds}s (loadavg ${loadText(loadAverage())})\n`);
        const result = await soakRun(transport, soak, scratch, hasHttp2);
        soaks.push(result);
        process.stdout.write(`  ${transport}: RSS slope ${slope(result.client)} MiB/min, heap ${slope(result.clientHeap)}${result.error ? ` (${result.error})` : ''}\n`);
      }
    }
  } finally {
    killAll();
    rmSync(scratch, { recursive: true, force: true });
  }
  const loadAtEnd = loadAverage();

  if (idle.length) printIdle(idle);
  if (soaks.length) printSoak(soaks);
  for (const r of [...idle, ...soaks]) if (r.error) process.stdout.write(`! ${r.transport}: ${r.error}\n`);
  process.stdout.write(`loadavg at start ${loadText(loadAtStart)}, at end ${loadText(loadAtEnd)}\n`);

  const reportsDir = join(ROOT, 'reports');
  mkdirSync(reportsDir, { recursive: true });
  const file = join(reportsDir, `memory-soak-${pathTimestamp(new Date())}.json`);
  const document = {
    kind: 'grpc-bench-memory',
    createdAt: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? '',
    loadAvgAtStart: loadAtStart ?? null,
    loadAvgAtEnd: loadAtEnd ?? null,
    ...(http2Note ? { skipped: http2Note } : {}),
    git: gitState(),
    request: REQUEST_DATA,
    idleSettings: { streams: idleStreams, connections: idleConnections, seconds: idleSeconds, workers: 1, streamInterval: '60s' },
    soakSettings: soak,
    idle,
    soak: soaks,
  };
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(`\nwritten: ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:memory: ${(error as Error)?.message ?? String(error)}\n`);
  killAll();
  process.exit(1);
});
