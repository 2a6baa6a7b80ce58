/**
 * `npm run bench`: grpc-bench on each of its transports against the minimal ping-pong loop a
 * user would write on the same library, all against the same Order service running in its own
 * process on 127.0.0.1. That server is by default the lean one (bench/lean-order-server.ts, on
 * node:http2): the reference service on grpc-js costs about 11 µs of CPU per message and,
 * with two cores, saturates its core before the faster clients do, so every ratio would
 * measure the server. BENCH_SERVER=reference runs against the reference service instead.
 * Four sides per case:
 *
 *   raw grpc-js         bench/raw-grpc-js-loop.ts (@grpc/grpc-js alone)
 *   grpc-bench grpc-js  the CLI with --transport grpc-js
 *   raw http2           bench/raw-http2-loop.ts (node:http2 alone, pre-encoded request, no decode)
 *   grpc-bench http2    the CLI with --transport http2 (skipped, with a note, when this build lacks it)
 *
 * The unary case (id u…, e.g. u1x16w1) calls pb.OrderUnaryService/CreateOrder (bench/order-unary.proto)
 * instead: S callers each making one call after another, grpc-bench on both transports beside
 * bench/raw-grpc-js-unary-loop.ts (@grpc/grpc-js's makeUnaryRequest alone); its figures are calls/s.
 *
 * Every client run is its own process, all measured the same way by GNU time: user + system
 * CPU seconds and peak RSS of the whole process, start-up included. A near-empty run of each
 * side measures its start-up CPU, which is also shown subtracted. The sides alternate within
 * each round (order reversed every other round) so drift in the machine or the server hits all
 * of them, /proc tells how much CPU other processes took during each run, and every run records
 * /proc/loadavg before and after (a busy machine makes throughput unreliable).
 *
 * More sides in bidi cases, on each transport: grpc-bench running the same ping-pong as a flow of one send and one
 * await (`stream.flow`), awaiting `request_id` present (today's flow side) and awaiting any response (no `until`),
 * and grpc-bench's echo with `--correlate-by request_id`. Each flow is judged against the echo doing the same
 * work (≥ 0.95×): the flow without `until` against the plain echo (neither reads a response field), the flow
 * awaiting `request_id` against the echo correlating by it (both read it); the flow awaiting `request_id` over
 * the plain echo is shown as before.
 *
 * Ratios (median messages/s): grpc-bench(grpc-js)/raw grpc-js and grpc-bench(http2)/raw http2,
 * target ≥ 0.95× each; grpc-bench(http2)/grpc-bench(grpc-js), target ≥ 2× at 4 × 64. The same
 * ratios of CPU per message (start-up subtracted) say how much client CPU each side spends,
 * which a busy or server-bound machine distorts less than throughput.
 * Results go to stdout and to reports/bench-<time>.json.
 *
 * Environment: BENCH_SERVER (lean | reference), BENCH_SECONDS (default 5), BENCH_ROUNDS (default 2), BENCH_WARMUP_SECONDS
 * (default 2; 0 skips the server warm-up), BENCH_CASES (e.g. "1x16,4x64w2": connections x streams,
 * optionally w<workers>; default all), BENCH_REQUEST ("template", the default: grpc-bench fills
 * request_id per message like the raw grpc-js loop; "static": one fixed request, like the raw
 * http2 loop's pre-encoded one), BENCH_AUTO ("0" skips the `--workers auto` runs: for each setting measured
 * with several worker counts, each grpc-bench transport runs once with `--workers auto`, and the count its
 * probes chose is printed beside the fixed counts' medians), BENCH_FLOW ("0" skips the flow sides and the correlateBy echo),
 * BENCH_SIDES (side ids to run, e.g. "grpcBenchHttp2,grpcBenchFlowAnyHttp2": only those; a ratio shows when both its sides run).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Report, ReportSettings } from '../src/report/report.js';
import { pathTimestamp } from '../src/reporters/path-timestamp.js';
import {
  BENCH_SERVERS,
  DIST_BENCH,
  GNU_TIME,
  benchServerKind,
  GRPC_BENCH_BIN,
  processTicks,
  TICKS_PER_SECOND,
  ROOT,
  detectGnuTime,
  envNumber,
  failureText,
  gitState,
  grpcBenchHasHttp2Transport,
  killAll,
  loadAverage,
  loadText,
  median,
  runNode,
  startBenchServer,
  type ChildOutcome,
  type ProcessCost,
} from './bench-processes.js';
import type { RawLoopResult } from './raw-grpc-js-loop.js';

/** Other load (cores) above which the throughput figures come with a warning. */
const BUSY_MACHINE_CORES = 0.25;
/**
 * grpc-bench's request. "template" (the default): request_id filled per message, as the raw
 * grpc-js loop does, so every message is rendered and encoded. "static": one fixed request,
 * as the raw http2 loop sends (pre-encoded), which the http2 transport frames only once.
 */
const REQUESTS = {
  template: { request_id: '{{requestId}}', user_id: 'u_123', items: [{ sku_id: 's_001', count: 1 }] },
  static: { request_id: 'r-0', user_id: 'u_123', items: [{ sku_id: 's_001', count: 1 }] },
} as const;
type RequestKind = keyof typeof REQUESTS;

interface BenchCase {
  connections: number;
  streams: number;
  /** Unary calls (S callers, one call after another) instead of bidi ping-pong streams. */
  unary?: boolean;
  /** grpc-bench worker threads (`auto`: grpc-bench probes and picks); the raw loops are always one thread. */
  workers: number | 'auto';
  note?: string;
}

const ALL_CASES: BenchCase[] = [
  { connections: 1, streams: 1, workers: 1, note: 'one stream' },
  { connections: 1, streams: 16, workers: 1 },
  { connections: 4, streams: 64, workers: 1 },
  { connections: 4, streams: 64, workers: 2 },
  { connections: 1, streams: 500, workers: 1, note: 'like ghz -c 500' },
  { connections: 1, streams: 16, workers: 1, unary: true, note: 'unary calls, like ghz -c 16' },
];

const caseId = (c: BenchCase): string => `${c.unary ? 'u' : ''}${c.connections}x${c.streams}w${c.workers}`;
const caseLabel = (c: BenchCase): string => `${c.connections} conn × ${c.streams} ${c.unary ? 'unary callers' : 'streams'}`;

type SideId =
  | 'rawGrpcJs'
  | 'grpcBenchGrpcJs'
  | 'rawHttp2'
  | 'grpcBenchHttp2'
  | 'rawGrpcJsUnary'
  | 'grpcBenchFlowGrpcJs'
  | 'grpcBenchFlowHttp2'
  | 'grpcBenchFlowAnyGrpcJs'
  | 'grpcBenchFlowAnyHttp2'
  | 'grpcBenchCorrelatedGrpcJs'
  | 'grpcBenchCorrelatedHttp2';

interface Side {
  id: SideId;
  label: string;
  /** The raw loop's compiled script, or the grpc-bench transport. */
  loop?: string;
  transport?: 'grpc-js' | 'http2';
  /** Runs only in unary cases (true) or only in bidi ones (false); both when absent. */
  unary?: boolean;
  /** grpc-bench running the same ping-pong as a flow of one send and one await: its scenario (FLOW_SCENARIOS). */
  flow?: FlowKind;
  /** The echo with `--correlate-by request_id`, the like-for-like side of the flow awaiting request_id; runs only with the flow sides. */
  correlated?: boolean;
}

/**
 * The order the sides run in within a round (reversed every other round): per transport, each
 * ratio's two sides next to each other, or one apart, so that drift of a shared machine between
 * runs moves both alike: raw · flow without until · echo · flow awaiting request_id · correlateBy echo.
 */
const SIDES: Side[] = [
  { id: 'rawGrpcJs', label: 'raw grpc-js', loop: 'raw-grpc-js-loop.js', unary: false },
  { id: 'grpcBenchFlowAnyGrpcJs', label: 'grpc-bench flow (no until) grpc-js', transport: 'grpc-js', unary: false, flow: 'any' },
  { id: 'grpcBenchGrpcJs', label: 'grpc-bench grpc-js', transport: 'grpc-js' },
  { id: 'grpcBenchFlowGrpcJs', label: 'grpc-bench flow grpc-js', transport: 'grpc-js', unary: false, flow: 'present' },
  { id: 'grpcBenchCorrelatedGrpcJs', label: 'grpc-bench correlateBy grpc-js', transport: 'grpc-js', unary: false, correlated: true },
  { id: 'rawHttp2', label: 'raw http2', loop: 'raw-http2-loop.js', unary: false },
  { id: 'grpcBenchFlowAnyHttp2', label: 'grpc-bench flow (no until) http2', transport: 'http2', unary: false, flow: 'any' },
  { id: 'grpcBenchHttp2', label: 'grpc-bench http2', transport: 'http2' },
  { id: 'grpcBenchFlowHttp2', label: 'grpc-bench flow http2', transport: 'http2', unary: false, flow: 'present' },
  { id: 'grpcBenchCorrelatedHttp2', label: 'grpc-bench correlateBy http2', transport: 'http2', unary: false, correlated: true },
  { id: 'rawGrpcJsUnary', label: 'raw grpc-js unary', loop: 'raw-grpc-js-unary-loop.js', unary: true },
];

type FlowKind = 'present' | 'any';

/**
 * The echo ping-pong as a flow: send the request (`data`), await its answer. One flow run at a
 * time per stream, as the echo side keeps one request in flight: the ratio is what running a
 * flow costs over counting one answer per request. `present`: the answer has request_id set
 * (read from every response); `any`: any answer (no `until`, no response field read).
 */
const FLOW_SCENARIOS: Record<FlowKind, string> = {
  present: ['stream:', '  flow:', '    steps:', '      - send: ping', '      - await: pong', '        until: { request_id: { present: true } }', '        within: 10s', ''].join('\n'),
  any: ['stream:', '  flow:', '    steps:', '      - send: ping', '      - await: pong', '        within: 10s', ''].join('\n'),
};

/** Sides that run only beside the flow ones (BENCH_FLOW=0 skips them all). */
const forFlows = (side: Side): boolean => side.flow !== undefined || side.correlated === true;

/** The sides a case runs. */
const sidesOf = (c: BenchCase, sides: Side[]): Side[] => sides.filter((side) => side.unary === undefined || side.unary === Boolean(c.unary));

interface RatioSpec {
  id: string;
  label: string;
  numerator: SideId;
  denominator: SideId;
  /** Judged against this (≥) where `judged` holds; informational elsewhere. */
  target?: number;
  judged?: (c: BenchCase) => boolean;
}

const RATIOS: RatioSpec[] = [
  { id: 'grpcBenchGrpcJsOverRawGrpcJs', label: 'gb grpc-js / raw grpc-js', numerator: 'grpcBenchGrpcJs', denominator: 'rawGrpcJs', target: 0.95 },
  { id: 'grpcBenchHttp2OverRawHttp2', label: 'gb http2 / raw http2', numerator: 'grpcBenchHttp2', denominator: 'rawHttp2', target: 0.95 },
  {
    id: 'grpcBenchHttp2OverGrpcBenchGrpcJs',
    label: 'gb http2 / gb grpc-js',
    numerator: 'grpcBenchHttp2',
    denominator: 'grpcBenchGrpcJs',
    target: 2,
    judged: (c) => c.connections === 4 && c.streams === 64,
  },
  { id: 'rawHttp2OverRawGrpcJs', label: 'raw http2 / raw grpc-js', numerator: 'rawHttp2', denominator: 'rawGrpcJs' },
  // Unary cases: calls/s over the raw grpc-js unary loop's.
  { id: 'grpcBenchGrpcJsOverRawUnary', label: 'gb grpc-js / raw grpc-js unary', numerator: 'grpcBenchGrpcJs', denominator: 'rawGrpcJsUnary' },
  { id: 'grpcBenchHttp2OverRawUnary', label: 'gb http2 / raw grpc-js unary', numerator: 'grpcBenchHttp2', denominator: 'rawGrpcJsUnary' },
  // A flow of one send and one await against today's echo, same server, same round.
  { id: 'flowOverEchoGrpcJs', label: 'gb flow / gb echo grpc-js', numerator: 'grpcBenchFlowGrpcJs', denominator: 'grpcBenchGrpcJs', target: 0.95 },
  { id: 'flowOverEchoHttp2', label: 'gb flow / gb echo http2', numerator: 'grpcBenchFlowHttp2', denominator: 'grpcBenchHttp2', target: 0.95 },
  // Like for like: neither reads a response field; both read request_id.
  { id: 'flowAnyOverEchoGrpcJs', label: 'gb flow no until / gb echo grpc-js', numerator: 'grpcBenchFlowAnyGrpcJs', denominator: 'grpcBenchGrpcJs', target: 0.95 },
  { id: 'flowAnyOverEchoHttp2', label: 'gb flow no until / gb echo http2', numerator: 'grpcBenchFlowAnyHttp2', denominator: 'grpcBenchHttp2', target: 0.95 },
  { id: 'flowOverCorrelatedGrpcJs', label: 'gb flow request_id / gb echo correlateBy grpc-js', numerator: 'grpcBenchFlowGrpcJs', denominator: 'grpcBenchCorrelatedGrpcJs', target: 0.95 },
  { id: 'flowOverCorrelatedHttp2', label: 'gb flow request_id / gb echo correlateBy http2', numerator: 'grpcBenchFlowHttp2', denominator: 'grpcBenchCorrelatedHttp2', target: 0.95 },
];

interface Sample {
  side: SideId;
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
  /** Raw loops only: process.cpuUsage over the load window (start-up excluded), µs per message. */
  loadCpuUsPerMessage?: number;
  /**
   * The client process's CPU (every thread, /proc) over a window well inside the load (2 s after
   * the spawn until the planned end), over the messages the run's average rate gives that window.
   */
  steadyCpuUsPerMessage?: number;
  /** CPU used by the server process during the run, as a share of one core. */
  serverCpuShare?: number;
  /** CPU used on the machine during the run by neither client nor server, in cores (other load). */
  backgroundCores?: number;
  /** /proc/loadavg (1, 5, 15 min) just before and just after the run. */
  loadAvgBefore?: [number, number, number];
  loadAvgAfter?: [number, number, number];
  /** grpc-bench with `--workers auto`: the count it chose and why. */
  workerChoice?: ReportSettings['workerChoice'];
  error?: string;
}

interface SideSummary {
  messagesPerSec: number;
  cpuUsPerMessage: number;
  marginalCpuUsPerMessage: number;
  loadCpuUsPerMessage: number;
  steadyCpuUsPerMessage: number;
  p50Ms: number;
  p99Ms: number;
  maxRssMiB: number;
  serverCpuPercent: number;
  backgroundCores: number;
  loadAvg1: number;
}

interface RatioResult {
  label: string;
  /** Median messages/s of the numerator side over the denominator's. */
  throughput: number;
  /**
   * The same per round (the two sides ran minutes apart at most, in alternation), median and
   * range over the rounds: drift of the machine between rounds cancels in each round's ratio.
   */
  pairedThroughput: { median: number; min: number; max: number };
  /** Denominator's CPU µs/msg (start-up subtracted) over the numerator's: > 1 = the numerator spends less CPU per message. */
  cpuEfficiency: number;
  /** The same from the steady-window CPU (no start-up or shutdown in it). */
  steadyCpuEfficiency: number;
  target?: number;
  meetsTarget?: boolean;
}

interface CaseResult {
  id: string;
  connections: number;
  streams: number;
  unary?: boolean;
  workers: number | 'auto';
  note?: string;
  samples: Partial<Record<SideId, Sample[]>>;
  medians: Partial<Record<SideId, SideSummary>>;
  ratios: Record<string, RatioResult>;
}

// ---------------------------------------------------------------------------------------
// /proc readings

/** CPU clock ticks so far, from /proc (Linux only): the server process's, and the whole machine's busy time. */
interface CpuReading {
  atMs: number;
  serverTicks?: number;
  machineBusyTicks?: number;
  loadAvg?: [number, number, number];
}

function readCpu(serverPid: number | undefined): CpuReading {
  const load = loadAverage();
  const reading: CpuReading = { atMs: performance.now(), ...(load ? { loadAvg: load } : {}) };
  try {
    const serverTicks = processTicks(serverPid);
    if (serverTicks !== undefined) reading.serverTicks = serverTicks;
    // "cpu  user nice system idle iowait irq softirq steal …": busy = all but idle and iowait.
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    reading.machineBusyTicks = user! + nice! + system! + irq! + softirq! + (steal ?? 0);
  } catch {
    // Not Linux: no server or background figures.
  }
  return reading;
}

/**
 * Server CPU over the load time (the server idles while a client starts up), the CPU neither
 * the client nor the server used during the run (other work on the machine, which makes
 * throughput figures unreliable when it is high), and the load averages around the run.
 */
function withCpuReadings(sample: Sample, before: CpuReading, after: CpuReading): Sample {
  const result: Sample = { ...sample };
  if (before.loadAvg) result.loadAvgBefore = before.loadAvg;
  if (after.loadAvg) result.loadAvgAfter = after.loadAvg;
  if (before.serverTicks !== undefined && after.serverTicks !== undefined && sample.loadMs > 0) {
    result.serverCpuShare = (after.serverTicks - before.serverTicks) / TICKS_PER_SECOND / (sample.loadMs / 1000);
  }
  const wallSeconds = (after.atMs - before.atMs) / 1000;
  if (before.machineBusyTicks !== undefined && after.machineBusyTicks !== undefined && sample.cost && before.serverTicks !== undefined && after.serverTicks !== undefined) {
    const machine = (after.machineBusyTicks - before.machineBusyTicks) / TICKS_PER_SECOND;
    const server = (after.serverTicks - before.serverTicks) / TICKS_PER_SECOND;
    result.backgroundCores = Math.max(0, (machine - server - sample.cost.cpuSeconds) / wallSeconds);
  }
  return result;
}

// ---------------------------------------------------------------------------------------
// The sides

interface RunContext {
  address: string;
  serverPid: number | undefined;
  seconds: number;
  useTime: boolean;
  scratch: string;
  request: RequestKind;
  /** Start-up + tear-down CPU seconds of a near-empty run, by fixedCpuKey. */
  fixedCpu: Map<string, number>;
}

const fixedCpuKey = (side: Side, workers: number | 'auto'): string => (side.loop ? side.id : `${side.id}/w${workers}`);

function finishSample(sample: Sample, fixedCpuSeconds: number | undefined): Sample {
  if (sample.cost && sample.messages > 0) {
    sample.cpuUsPerMessage = (sample.cost.cpuSeconds * 1e6) / sample.messages;
    // Not when the start-up CPU is as large as the whole run's: then noise is all that is left.
    if (fixedCpuSeconds !== undefined && sample.cost.cpuSeconds > fixedCpuSeconds) {
      sample.marginalCpuUsPerMessage = ((sample.cost.cpuSeconds - fixedCpuSeconds) * 1e6) / sample.messages;
    }
  }
  return sample;
}

function failed(side: SideId, round: number, outcome: ChildOutcome, what: string): Sample {
  return { side, round, messages: 0, messagesPerSec: 0, loadMs: 0, p50Ms: NaN, p99Ms: NaN, errors: 0, error: failureText(outcome, what) };
}

/**
 * The steady window of a timed run: from 2 s after the spawn (every side's start-up is over by
 * then: about 0.2 s for the raw loops, 1 s for grpc-bench) until the planned end of the load
 * (grpc-bench's load ends later than the raw loops', by its longer start-up), so no side's
 * start-up or shutdown falls inside it. Runs shorter than 3 s get none.
 */
function steadyWindowOf(seconds: number): { steadyWindow?: { fromMs: number; toMs: number } } {
  return seconds >= 3 ? { steadyWindow: { fromMs: 2000, toMs: seconds * 1000 + 100 } } : {};
}

function steadyCpuOf(outcome: ChildOutcome, messagesPerSec: number): { steadyCpuUsPerMessage?: number } {
  const steady = outcome.steadyCpu;
  if (!steady || !(messagesPerSec > 0) || steady.wallSeconds <= 0) return {};
  return { steadyCpuUsPerMessage: (steady.cpuSeconds * 1e6) / (messagesPerSec * steady.wallSeconds) };
}

async function runRaw(side: Side, c: BenchCase, round: number, ctx: RunContext, seconds = ctx.seconds): Promise<Sample> {
  const args = [
    join(DIST_BENCH, side.loop!),
    '--target', ctx.address,
    '--connections', String(c.connections),
    '--streams', String(c.streams),
    '--seconds', String(seconds),
  ];
  const before = readCpu(ctx.serverPid);
  const outcome = await runNode(args, { timeoutMs: (seconds + 30) * 1000, useTime: ctx.useTime, scratch: ctx.scratch, ...steadyWindowOf(seconds) });
  const after = readCpu(ctx.serverPid);
  if (outcome.code !== 0) return withCpuReadings(failed(side.id, round, outcome, side.label), before, after);
  const result = JSON.parse(outcome.stdout.trim().split('\n').pop()!) as RawLoopResult;
  return withCpuReadings(
    finishSample({
      side: side.id,
      round,
      messages: result.messages,
      messagesPerSec: (result.messages * 1000) / result.elapsedMs,
      loadMs: result.elapsedMs,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      errors: result.errors,
      loadCpuUsPerMessage: result.messages > 0 ? (result.cpuUserUs + result.cpuSystemUs) / result.messages : NaN,
      ...steadyCpuOf(outcome, (result.messages * 1000) / result.elapsedMs),
      ...(outcome.cost ? { cost: outcome.cost } : {}),
    }, ctx.fixedCpu.get(fixedCpuKey(side, c.workers))),
    before,
    after,
  );
}

/** The parts of grpc-bench's JSON report this script reads. */
type GrpcBenchReport = Pick<Report, 'settings' | 'durationMs' | 'throughput' | 'counts' | 'latencyMs'>;

/** A timed run (`-z`), or `messages` for a near-empty run that measures start-up cost. */
async function runGrpcBench(side: Side, c: BenchCase, round: number, ctx: RunContext, passTransport: boolean, messages?: number): Promise<Sample> {
  const reportFile = join(ctx.scratch, `grpc-bench-${side.id}-${caseId(c)}-${round}.json`);
  const flowFile = join(ctx.scratch, `flow-scenario-${side.flow}.yaml`);
  if (side.flow) writeFileSync(flowFile, FLOW_SCENARIOS[side.flow]);
  const args = [
    GRPC_BENCH_BIN, 'run', ...(side.flow ? [flowFile] : []), ctx.address,
    ...(side.correlated ? ['--correlate-by', 'request_id'] : []),
    '--insecure',
    // The lean server does not answer server reflection.
    ...(c.unary
      ? ['--proto', join(ROOT, 'bench', 'order-unary.proto'), '--import-paths', join(ROOT, 'proto'), '--call', 'pb.OrderUnaryService/CreateOrder']
      : ['--proto', join(ROOT, 'proto', 'order.proto')]),
    ...(passTransport ? ['--transport', side.transport!] : []),
    '-c', String(c.streams),
    '--connections', String(c.connections),
    '--workers', String(c.workers),
    ...(messages === undefined ? ['-z', `${ctx.seconds}s`] : ['-n', String(messages)]),
    '-d', JSON.stringify(REQUESTS[ctx.request]),
    '--name', 'bench',
    '-O', 'json',
    '-o', reportFile,
  ];
  const before = readCpu(ctx.serverPid);
  // Probes (workers auto) and near-empty runs have no load at a known time.
  const window = messages === undefined && c.workers !== 'auto' ? steadyWindowOf(ctx.seconds) : {};
  const outcome = await runNode(args, { timeoutMs: (ctx.seconds + 30) * 1000, useTime: ctx.useTime, scratch: ctx.scratch, ...window });
  const after = readCpu(ctx.serverPid);
  if (outcome.code !== 0 || !existsSync(reportFile)) return withCpuReadings(failed(side.id, round, outcome, side.label), before, after);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as GrpcBenchReport;
  rmSync(reportFile, { force: true });
  return withCpuReadings(
    finishSample({
      side: side.id,
      round,
      messages: report.counts.messagesReceived,
      messagesPerSec: report.throughput.messagesPerSec,
      loadMs: report.durationMs,
      p50Ms: report.latencyMs.p50,
      p99Ms: report.latencyMs.p99,
      errors: report.counts.errors,
      ...steadyCpuOf(outcome, report.throughput.messagesPerSec),
      ...(outcome.cost ? { cost: outcome.cost } : {}),
      ...(report.settings.workerChoice ? { workerChoice: report.settings.workerChoice } : {}),
    }, ctx.fixedCpu.get(fixedCpuKey(side, c.workers))),
    before,
    after,
  );
}

/**
 * CPU of near-empty runs (connect, one message per stream, shut down), median of three: what
 * each side spends whatever the run length. Subtracting it gives the per-message cost of the
 * load itself, which short runs otherwise overstate.
 */
async function measureFixedCpu(ctx: RunContext, sides: Side[], workerCounts: number[], passTransport: boolean): Promise<void> {
  const cpuOf = (samples: Sample[]): number | undefined => {
    const value = median(samples.filter((s) => !s.error && s.cost).map((s) => s.cost!.cpuSeconds));
    return Number.isFinite(value) ? value : undefined;
  };
  // A flow runs for a duration, never a message count: its start-up is not measured apart.
  for (const side of sides.filter((s) => !forFlows(s))) {
    for (const workers of side.loop ? [1] : workerCounts) {
      const runs: Sample[] = [];
      for (let i = 0; i < 3; i++) {
        runs.push(
          side.loop
            ? await runRaw(side, { connections: 1, streams: 1, workers: 1 }, 0, ctx, 0.001)
            : await runGrpcBench(side, { connections: workers, streams: workers, workers }, 0, ctx, passTransport, workers),
        );
      }
      const fixed = cpuOf(runs);
      if (fixed !== undefined) ctx.fixedCpu.set(fixedCpuKey(side, workers), fixed);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Summaries and output

function medianOf(samples: Sample[] | undefined, pick: (s: Sample) => number | undefined): number {
  return median((samples ?? []).filter((s) => !s.error).map((s) => pick(s) ?? NaN));
}

function summarize(samples: Sample[]): SideSummary {
  return {
    messagesPerSec: medianOf(samples, (s) => s.messagesPerSec),
    cpuUsPerMessage: medianOf(samples, (s) => s.cpuUsPerMessage),
    marginalCpuUsPerMessage: medianOf(samples, (s) => s.marginalCpuUsPerMessage),
    loadCpuUsPerMessage: medianOf(samples, (s) => s.loadCpuUsPerMessage),
    steadyCpuUsPerMessage: medianOf(samples, (s) => s.steadyCpuUsPerMessage),
    p50Ms: medianOf(samples, (s) => s.p50Ms),
    p99Ms: medianOf(samples, (s) => s.p99Ms),
    maxRssMiB: medianOf(samples, (s) => (s.cost ? s.cost.maxRssKiB / 1024 : undefined)),
    serverCpuPercent: medianOf(samples, (s) => (s.serverCpuShare === undefined ? undefined : s.serverCpuShare * 100)),
    backgroundCores: medianOf(samples, (s) => s.backgroundCores),
    loadAvg1: median(samples.map((s) => s.loadAvgBefore?.[0] ?? NaN)),
  };
}

/** Per round, numerator msg/s over denominator msg/s; rounds where either side failed are left out. */
function roundRatios(samples: Partial<Record<SideId, Sample[]>>, numerator: SideId, denominator: SideId): number[] {
  const ratios: number[] = [];
  for (const num of samples[numerator] ?? []) {
    const den = samples[denominator]?.find((s) => s.round === num.round);
    if (!num.error && den && !den.error && den.messagesPerSec > 0) ratios.push(num.messagesPerSec / den.messagesPerSec);
  }
  return ratios;
}

function ratiosOf(c: BenchCase, medians: Partial<Record<SideId, SideSummary>>, samples: Partial<Record<SideId, Sample[]>>): Record<string, RatioResult> {
  const ratios: Record<string, RatioResult> = {};
  for (const spec of RATIOS) {
    const num = medians[spec.numerator];
    const den = medians[spec.denominator];
    if (!num || !den) continue;
    const throughput = num.messagesPerSec / den.messagesPerSec;
    const perRound = roundRatios(samples, spec.numerator, spec.denominator);
    const pairedThroughput = { median: median(perRound), min: Math.min(...perRound), max: Math.max(...perRound) };
    // Start-up subtracted when both have it, whole-process CPU otherwise.
    const marginal = Number.isFinite(num.marginalCpuUsPerMessage) && Number.isFinite(den.marginalCpuUsPerMessage);
    const cpuEfficiency = marginal ? den.marginalCpuUsPerMessage / num.marginalCpuUsPerMessage : den.cpuUsPerMessage / num.cpuUsPerMessage;
    const judged = spec.target !== undefined && (spec.judged?.(c) ?? true);
    ratios[spec.id] = {
      label: spec.label,
      throughput,
      pairedThroughput,
      cpuEfficiency,
      steadyCpuEfficiency: den.steadyCpuUsPerMessage / num.steadyCpuUsPerMessage,
      ...(judged ? { target: spec.target!, meetsTarget: Number.isFinite(throughput) && throughput >= spec.target! } : {}),
    };
  }
  return ratios;
}

const int = (v: number): string => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '–');
const fixed = (v: number | undefined, digits: number): string => (v !== undefined && Number.isFinite(v) ? v.toFixed(digits) : '–');

function table(header: string[], rows: string[][], leftColumns = 2): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const fixedText = (seconds: number | undefined): string => (seconds === undefined ? '–' : `${Math.round(seconds * 1000)} ms`);

function printTables(results: CaseResult[], ctx: RunContext, sides: Side[], http2Note: string | undefined): void {
  const perSide: string[][] = [];
  for (const r of results) {
    for (const side of sides) {
      const samples = r.samples[side.id];
      const m = r.medians[side.id];
      if (!samples || !m) continue;
      perSide.push([
        `${caseLabel(r)} w${r.workers}`,
        side.label,
        samples.map((s) => (s.error ? 'ERR' : int(s.messagesPerSec))).join(' / '),
        int(m.messagesPerSec),
        fixed(m.cpuUsPerMessage, 1),
        fixed(m.marginalCpuUsPerMessage, 1),
        fixed(m.loadCpuUsPerMessage, 1),
        fixed(m.steadyCpuUsPerMessage, 1),
        fixed(m.p50Ms, 3),
        fixed(m.p99Ms, 3),
        fixed(m.maxRssMiB, 0),
        fixed(m.serverCpuPercent, 0),
        fixed(m.backgroundCores, 2),
        fixed(m.loadAvg1, 2),
      ]);
    }
  }
  process.stdout.write(
    `\nPer side (medians over rounds; msg/s of each round first)\n` +
      `${table(
        ['setting', 'side', 'msg/s rounds', 'msg/s', 'CPU µs/msg', 'minus start-up', 'in-process', 'steady', 'P50 ms', 'P99 ms', 'RSS MiB', 'server CPU %', 'other load', 'loadavg 1m'],
        perSide,
      )}\n`,
  );

  const pairedCell = (ratio: RatioResult | undefined): string => {
    const paired = ratio?.pairedThroughput;
    if (!paired || !Number.isFinite(paired.median)) return '–';
    return `${paired.median.toFixed(2)}× (${paired.min.toFixed(2)}–${paired.max.toFixed(2)})`;
  };
  const ratioCell = (ratio: RatioResult | undefined, pick: 'throughput' | 'cpuEfficiency' | 'steadyCpuEfficiency'): string => {
    if (!ratio || !Number.isFinite(ratio[pick])) return '–';
    const value = `${ratio[pick].toFixed(2)}×`;
    if (pick !== 'throughput' || ratio.target === undefined) return value;
    return `${value} ${ratio.meetsTarget ? 'ok' : `< ${ratio.target}×`}`;
  };
  const specs = RATIOS.filter((spec) => results.some((r) => r.ratios[spec.id]));
  const header = ['setting', ...specs.map((s) => `${s.label}${s.target === undefined ? '' : ` (≥ ${s.target}×${s.judged ? ' at 4×64' : ''})`}`)];
  process.stdout.write(
    `\nThroughput ratios (median msg/s over median msg/s)\n` +
      `${table(header, results.map((r) => [`${caseLabel(r)} w${r.workers}`, ...specs.map((s) => ratioCell(r.ratios[s.id], 'throughput'))]), 1)}\n` +
      `\nThe same paired by round (median of each round's ratio, lowest–highest round)\n` +
      `${table(['setting', ...specs.map((s) => s.label)], results.map((r) => [`${caseLabel(r)} w${r.workers}`, ...specs.map((s) => pairedCell(r.ratios[s.id]))]), 1)}\n` +
      `\nCPU-per-message ratios (denominator's CPU µs/msg over numerator's, start-up subtracted: > 1× = numerator cheaper per message)\n` +
      `${table(['setting', ...specs.map((s) => s.label)], results.map((r) => [`${caseLabel(r)} w${r.workers}`, ...specs.map((s) => ratioCell(r.ratios[s.id], 'cpuEfficiency'))]), 1)}\n` +
      `\nCPU-per-message ratios in steady state (each client's CPU, all threads, over a window inside the load: no start-up or shutdown)\n` +
      `${table(['setting', ...specs.map((s) => s.label)], results.map((r) => [`${caseLabel(r)} w${r.workers}`, ...specs.map((s) => ratioCell(r.ratios[s.id], 'steadyCpuEfficiency'))]), 1)}\n`,
  );
  if (http2Note) process.stdout.write(`! ${http2Note}\n`);
  process.stdout.write(
    ctx.request === 'template'
      ? 'grpc-bench request: template (request_id per message, rendered and encoded each time, as the raw grpc-js loop does); ' +
          'the raw http2 loop writes one pre-encoded request, so "gb http2 / raw http2" includes that encoding: BENCH_REQUEST=static compares like with like.\n'
      : 'grpc-bench request: static (one fixed request, like the raw http2 loop\'s pre-encoded one); the raw grpc-js loop still encodes a distinct request_id per message.\n',
  );

  const background = median(results.flatMap((r) => Object.values(r.samples).flat()).map((s) => s.backgroundCores ?? NaN));
  if (background >= BUSY_MACHINE_CORES) {
    process.stdout.write(
      `! the machine was busy: other processes used ${background.toFixed(1)} of ${availableParallelism()} cores during a median run; ` +
        'throughput and latency figures are unreliable, CPU per message less so.\n',
    );
  }
  if (ctx.useTime) {
    const fixedList = [...ctx.fixedCpu].map(([key, cpu]) => `${key} ${fixedText(cpu)}`).join(', ') || '–';
    process.stdout.write(
      'CPU µs/msg and RSS: GNU time on each client process (user+sys, max RSS), start-up included, divided by responses received.\n' +
        `"minus start-up": the same after subtracting the CPU of a near-empty run of that side (${fixedList}).\n` +
        '"in-process": the raw loops\' own process.cpuUsage() over their load window, a check on the subtraction.\n' +
        '"steady": the client process\'s CPU (all threads, /proc) from 2 s after its start to the planned end of its load, over the messages its average rate gives that span: ' +
        'the per-message cost without start-up, shutdown or the subtraction\'s guesswork.\n' +
        'server CPU %: the server process\'s CPU during the run over the load time (100 = one core busy), from /proc.\n' +
        'other load: cores used during the run by neither client nor server; loadavg 1m: /proc/loadavg before the run.\n',
    );
  } else {
    process.stdout.write(`${GNU_TIME} not available: CPU and RSS are not measured for any side (install the "time" package).\n`);
  }
  for (const r of results) {
    for (const s of Object.values(r.samples).flat()) {
      if (s.error) process.stdout.write(`! ${caseLabel(r)} w${r.workers} ${s.side} round ${s.round}: ${s.error}\n`);
      else if (s.errors > 0) process.stdout.write(`! ${caseLabel(r)} w${r.workers} ${s.side} round ${s.round}: ${s.errors} errors\n`);
    }
  }
}

// ---------------------------------------------------------------------------------------

interface AutoResult {
  /** The case whose fixed worker counts it is set beside, e.g. "4x64". */
  setting: string;
  side: SideId;
  sample: Sample;
}

/**
 * For every setting measured with more than one worker count: each grpc-bench side once with
 * `--workers auto`, to show which count grpc-bench's own probes pick against the fixed-count medians.
 */
async function runWorkersAuto(cases: BenchCase[], sides: Side[], ctx: RunContext, hasHttp2: boolean): Promise<AutoResult[]> {
  const settings = new Map<string, BenchCase>();
  for (const c of cases) {
    const setting = `${c.connections}x${c.streams}`;
    if (cases.some((other) => other !== c && `${other.connections}x${other.streams}` === setting)) settings.set(setting, { connections: c.connections, streams: c.streams, workers: 'auto' });
  }
  const results: AutoResult[] = [];
  for (const [setting, c] of settings) {
    for (const side of sides.filter((s) => !s.loop && !forFlows(s))) {
      const sample = await runGrpcBench(side, c, 1, ctx, hasHttp2);
      const choice = sample.workerChoice;
      process.stdout.write(
        `${caseLabel(c).padEnd(22)} workers auto: ${side.label} ${sample.error ? 'ERROR' : `chose ${choice?.workers ?? '?'} → ${int(sample.messagesPerSec)} msg/s`}` +
          `${choice ? ` (probes ${choice.probes.map((p) => `${p.workers}: ${int(p.messagesPerSec)}`).join(', ')})` : ''}\n`,
      );
      results.push({ setting, side: side.id, sample });
    }
  }
  return results;
}

/** What auto chose beside the medians of the fixed counts of the same setting. */
function printAutoResults(autoResults: AutoResult[], results: CaseResult[]): void {
  if (!autoResults.length) return;
  process.stdout.write('\nworkers auto (one run each; probes add about 6 s before the load) beside the fixed counts (median msg/s)\n');
  for (const { setting, side, sample } of autoResults) {
    const fixed = results
      .filter((r) => r.id.startsWith(`${setting}w`))
      .map((r) => `w${r.workers} ${int(r.medians[side]?.messagesPerSec ?? NaN)}`)
      .join(', ');
    const choice = sample.workerChoice;
    process.stdout.write(`  ${setting} ${side}: chose ${choice?.workers ?? '?'} (${choice?.reason ?? sample.error ?? 'no choice in the report'}); fixed: ${fixed}\n`);
  }
}

/** The closing note of each unary case: calls/s of each side and grpc-bench's ratios to the raw unary loop. */
function printUnaryNote(results: CaseResult[]): void {
  for (const r of results.filter((result) => result.unary)) {
    const callsPerSec = (side: SideId): string => `${int(r.medians[side]?.messagesPerSec ?? NaN)} calls/s`;
    const ratio = (id: string): string => {
      const paired = r.ratios[id]?.pairedThroughput.median;
      return paired !== undefined && Number.isFinite(paired) ? `${paired.toFixed(2)}×` : '–';
    };
    process.stdout.write(
      `\nunary (${caseLabel(r)}, median over rounds): grpc-bench http2 ${callsPerSec('grpcBenchHttp2')}, grpc-bench grpc-js ${callsPerSec('grpcBenchGrpcJs')}, ` +
        `raw grpc-js unary loop ${callsPerSec('rawGrpcJsUnary')}; paired ratios to the raw loop: http2 ${ratio('grpcBenchHttp2OverRawUnary')}, grpc-js ${ratio('grpcBenchGrpcJsOverRawUnary')}; ` +
        `http2 / grpc-js ${ratio('grpcBenchHttp2OverGrpcBenchGrpcJs')}\n`,
    );
  }
}

async function main(): Promise<void> {
  const seconds = envNumber('BENCH_SECONDS', 5);
  const rounds = Math.max(1, Math.floor(envNumber('BENCH_ROUNDS', 2)));
  const warmupSeconds = envNumber('BENCH_WARMUP_SECONDS', 2);
  const autoWorkers = process.env['BENCH_AUTO'] !== '0';
  if (seconds <= 0) throw new Error('BENCH_SECONDS must be > 0');
  const request = (process.env['BENCH_REQUEST'] || 'template') as RequestKind;
  if (!(request in REQUESTS)) throw new Error(`BENCH_REQUEST: expected "template" or "static", got "${request}"`);
  const wanted = process.env['BENCH_CASES']?.split(',').map((s) => s.trim()).filter(Boolean);
  const serverKind = benchServerKind();
  // The unary twin of the Order method is served by the lean server only.
  const available = ALL_CASES.filter((c) => !c.unary || serverKind === 'lean');
  const cases = wanted?.length
    ? available.filter((c) => wanted.some((w) => (w.includes('w') ? caseId(c) === w : caseId(c).startsWith(`${w}w`))))
    : available;
  if (cases.length === 0) throw new Error(`BENCH_CASES: none of ${wanted?.join(', ')} is one of ${available.map(caseId).join(', ')} (${serverKind} server)`);
  const entries = [GRPC_BENCH_BIN, join(DIST_BENCH, BENCH_SERVERS[serverKind]), ...SIDES.filter((s) => s.loop).map((s) => join(DIST_BENCH, s.loop!))];
  for (const entry of entries) {
    if (!existsSync(entry)) throw new Error(`${entry} not found: run "npm run build" first (npm run bench does)`);
  }

  const hasHttp2 = grpcBenchHasHttp2Transport();
  const http2Note = hasHttp2 ? undefined : 'grpc-bench http2 skipped: this build of grpc-bench has no `--transport http2` (run --help lists no such choice)';
  // Only the sides some chosen case runs (a raw loop's start-up is measured only when it runs).
  const wantedSides = process.env['BENCH_SIDES']?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknownSide = wantedSides?.find((id) => !SIDES.some((s) => s.id === id));
  if (unknownSide !== undefined) throw new Error(`BENCH_SIDES: "${unknownSide}" is not one of ${SIDES.map((s) => s.id).join(', ')}`);
  const sides = SIDES.filter(
    (s) =>
      (hasHttp2 || s.transport !== 'http2') &&
      (process.env['BENCH_FLOW'] !== '0' || !forFlows(s)) &&
      (!wantedSides?.length || wantedSides.includes(s.id)) &&
      cases.some((c) => sidesOf(c, [s]).length),
  );
  if (sides.length === 0) throw new Error(`BENCH_SIDES: none of ${wantedSides?.join(', ')} runs in the chosen cases`);

  const scratch = mkdtempSync(join(tmpdir(), 'grpc-bench-bench-'));
  const useTime = await detectGnuTime(scratch);
  const server = await startBenchServer(serverKind);
  const stopAll = (): void => {
    killAll();
    rmSync(scratch, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    stopAll();
    process.exit(130);
  });

  const ctx: RunContext = { address: server.address, serverPid: server.pid, seconds, useTime, scratch, request, fixedCpu: new Map() };
  const loadAtStart = loadAverage();
  process.stdout.write(
    `grpc-bench (grpc-js, http2) vs raw grpc-js and raw node:http2 ping-pong — ${serverKind} server ${server.address} (own process), ` +
      `${seconds}s per run, ${rounds} round(s), grpc-bench request: ${request}, node ${process.version}, ${availableParallelism()} CPU(s) ${cpus()[0]?.model ?? ''}, ` +
      `loadavg ${loadText(loadAtStart)}\n`,
  );
  if (http2Note) process.stdout.write(`! ${http2Note}\n`);
  if (!useTime) process.stdout.write(`${GNU_TIME} not found or not GNU time: CPU and RSS will not be measured.\n`);

  const results: CaseResult[] = [];
  const autoResults: AutoResult[] = [];
  const runSide = (side: Side, c: BenchCase, round: number): Promise<Sample> =>
    side.loop ? runRaw(side, c, round, ctx) : runGrpcBench(side, c, round, ctx, hasHttp2);
  try {
    if (warmupSeconds > 0) {
      process.stdout.write(`warm-up: raw grpc-js loop 4×64 for ${warmupSeconds}s (not recorded)\n`);
      await runRaw(SIDES[0]!, { connections: 4, streams: 64, workers: 1 }, 0, ctx, warmupSeconds);
    }
    if (useTime) {
      process.stdout.write('start-up cost: near-empty runs of each side (not recorded)\n');
      await measureFixedCpu(ctx, sides, [...new Set(cases.map((c) => c.workers).filter((w): w is number => w !== 'auto'))], hasHttp2);
    }
    for (const c of cases) {
      const samples: Partial<Record<SideId, Sample[]>> = {};
      const caseSides = sidesOf(c, sides);
      for (let round = 1; round <= rounds; round++) {
        // Reversed every other round: no side always runs first after a case change or last before the next.
        const order = round % 2 === 1 ? caseSides : [...caseSides].reverse();
        const got = new Map<SideId, Sample>();
        for (const side of order) {
          const sample = await runSide(side, c, round);
          got.set(side.id, sample);
          (samples[side.id] ??= []).push(sample);
        }
        const figures = caseSides.map((side) => {
          const s = got.get(side.id)!;
          return `${side.label} ${s.error ? 'ERROR' : int(s.messagesPerSec)}`;
        });
        process.stdout.write(
          `${caseLabel(c).padEnd(22)} w${c.workers} round ${round} (loadavg ${fixed(got.get(order[0]!.id)!.loadAvgBefore?.[0], 2)}): ${figures.join(' · ')} ${c.unary ? 'calls' : 'msg'}/s\n`,
        );
      }
      const medians: Partial<Record<SideId, SideSummary>> = {};
      for (const side of caseSides) medians[side.id] = summarize(samples[side.id]!);
      results.push({
        id: caseId(c),
        connections: c.connections,
        streams: c.streams,
        ...(c.unary ? { unary: true } : {}),
        workers: c.workers,
        ...(c.note === undefined ? {} : { note: c.note }),
        samples,
        medians,
        ratios: ratiosOf(c, medians, samples),
      });
    }
    if (autoWorkers) autoResults.push(...(await runWorkersAuto(cases, sides, ctx, hasHttp2)));
  } finally {
    await server.stop();
    stopAll();
  }
  const loadAtEnd = loadAverage();

  printTables(results, ctx, sides, http2Note);
  printAutoResults(autoResults, results);
  printUnaryNote(results);
  process.stdout.write(`loadavg at start ${loadText(loadAtStart)}, at end ${loadText(loadAtEnd)}\n`);
  const reportsDir = join(ROOT, 'reports');
  mkdirSync(reportsDir, { recursive: true });
  const file = join(reportsDir, `bench-${pathTimestamp(new Date())}.json`);
  const document = {
    kind: 'grpc-bench-vs-raw-loops',
    createdAt: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? '',
    loadAvgAtStart: loadAtStart ?? null,
    loadAvgAtEnd: loadAtEnd ?? null,
    server: serverKind,
    secondsPerRun: seconds,
    rounds,
    sides: sides.map((s) => ({ id: s.id, label: s.label })),
    ...(http2Note ? { skipped: http2Note } : {}),
    ratios: RATIOS.map((r) => ({ id: r.id, label: r.label, numerator: r.numerator, denominator: r.denominator, target: r.target ?? null, judgedAt: r.judged ? '4x64' : r.target === undefined ? null : 'all' })),
    cpuMeasured: useTime,
    fixedCpuSeconds: Object.fromEntries(ctx.fixedCpu),
    git: gitState(),
    request: { kind: request, grpcBench: REQUESTS[request] },
    cases: results,
    workersAuto: autoResults,
  };
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(`\nwritten: ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error)?.message ?? String(error)}\n`);
  killAll();
  process.exit(1);
});
