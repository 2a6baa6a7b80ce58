import { BenchError } from '../errors/bench-error.js';
import { parseDurationMs } from '../scenario/parse-duration.js';
import { parseHeaderMatch } from '../target/canary-router.js';
import { serveOrderService, type ServeOrderServiceOptions } from '../target/serve-order-service.js';
import { parseStatusName } from '../grpc/status-names.js';
import { MAX_PUSH_RATE_PER_SEC, ORDER_PROTOCOLS, type OrderProtocol, type ServiceKnobs, type StageDelaysMs } from '../target/service-knobs.js';
import type { CliIo } from './cli-io.js';
import { serveTlsFromFlags } from './serve-tls-flags.js';
import { watchParent } from './watch-parent.js';

export interface ServeFlags {
  port: number;
  host: string;
  'service-version': string;
  latency: string;
  jitter: string;
  'error-ratio': number;
  'error-code': string;
  'leak-bytes': number;
  grace: string;
  /** Absent unless --metrics-port was given. */
  'metrics-port'?: number;
  'work-us'?: number;
  protocol?: string;
  'stage-delays'?: string;
  'reject-ratio'?: number;
  'reject-seed'?: number;
  'push-rate'?: number;
  stall?: string;
  'stall-after': string;
  canary: boolean;
  'canary-header': string;
  'canary-weight': number;
  'canary-version'?: string;
  'canary-latency'?: string;
  'canary-jitter'?: string;
  'canary-error-ratio'?: number;
  'canary-error-code'?: string;
  'canary-leak-bytes'?: number;
  'canary-work-us'?: number;
  'canary-protocol'?: string;
  'canary-stage-delays'?: string;
  'canary-reject-ratio'?: number;
  'canary-reject-seed'?: number;
  'canary-push-rate'?: number;
  'tls-cert'?: string;
  'tls-key'?: string;
  'tls-client-ca'?: string;
}

function durationFlag(flag: string, text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined) throw new BenchError('USAGE', `--${flag}: expected a duration such as "2ms" or "1s", got "${text}"`);
  return ms;
}

/** `--stage-delays`: one duration for every stage, or three (ACCEPTED, RESERVED, the decision) joined by commas. */
function stageDelaysFlag(flag: string, text: string): StageDelaysMs {
  const parts = text.split(',').map((part) => part.trim());
  const ms = parts.map((part) => parseDurationMs(part));
  if ((parts.length !== 1 && parts.length !== 3) || ms.some((value) => value === undefined)) {
    throw new BenchError('USAGE', `--${flag}: expected one duration or three joined by commas (before ACCEPTED, RESERVED, CONFIRMED/REJECTED) such as "1ms,5ms,2ms", got "${text}"`);
  }
  const [accepted, reserved = accepted, decided = accepted] = ms as number[];
  return { accepted: accepted!, reserved, decided };
}

/** The reservation protocol's flags of one version. */
function protocolKnobsFromFlags(get: <T>(name: string) => T | undefined, prefix: string): Partial<ServiceKnobs> {
  const knobs: Partial<ServiceKnobs> = {};
  const protocol = get<string>('protocol');
  if (protocol !== undefined) {
    if (!(ORDER_PROTOCOLS as ReadonlyArray<string>).includes(protocol)) throw new BenchError('USAGE', `--${prefix}protocol: expected one of ${ORDER_PROTOCOLS.join(', ')}, got "${protocol}"`);
    knobs.protocol = protocol as OrderProtocol;
  }
  const stageDelays = get<string>('stage-delays');
  if (stageDelays !== undefined) knobs.stageDelaysMs = stageDelaysFlag(`${prefix}stage-delays`, stageDelays);
  const rejectRatio = get<number>('reject-ratio');
  if (rejectRatio !== undefined) {
    if (!(rejectRatio >= 0 && rejectRatio <= 1)) throw new BenchError('USAGE', `--${prefix}reject-ratio: expected a number from 0 to 1, got ${rejectRatio}`);
    knobs.rejectRatio = rejectRatio;
  }
  const rejectSeed = get<number>('reject-seed');
  if (rejectSeed !== undefined) {
    if (!Number.isSafeInteger(rejectSeed)) throw new BenchError('USAGE', `--${prefix}reject-seed: expected a whole number, got ${rejectSeed}`);
    knobs.rejectSeed = rejectSeed;
  }
  const pushRate = get<number>('push-rate');
  if (pushRate !== undefined) {
    if (!(pushRate >= 0 && pushRate <= MAX_PUSH_RATE_PER_SEC)) throw new BenchError('USAGE', `--${prefix}push-rate: expected pushes per second per stream from 0 to ${MAX_PUSH_RATE_PER_SEC}, got ${pushRate}`);
    knobs.pushRatePerSec = pushRate;
  }
  return knobs;
}

/** The knob flags of one version; `prefix` is '' for the stable version, 'canary-' for the canary. */
function knobsFromFlags(flags: ServeFlags, prefix: '' | 'canary-'): Partial<ServiceKnobs> {
  const get = <T>(name: string): T | undefined => (flags as unknown as Record<string, T | undefined>)[`${prefix}${name}`];
  const knobs: Partial<ServiceKnobs> = {};
  const version = get<string>(prefix ? 'version' : 'service-version');
  if (version !== undefined) knobs.version = version;
  const latency = get<string>('latency');
  if (latency !== undefined) knobs.latencyMs = durationFlag(`${prefix}latency`, latency);
  const jitter = get<string>('jitter');
  if (jitter !== undefined) knobs.jitterMs = durationFlag(`${prefix}jitter`, jitter);
  const errorRatio = get<number>('error-ratio');
  if (errorRatio !== undefined) {
    if (!(errorRatio >= 0 && errorRatio <= 1)) throw new BenchError('USAGE', `--${prefix}error-ratio: expected a number from 0 to 1, got ${errorRatio}`);
    knobs.errorRatio = errorRatio;
  }
  const errorCodeName = get<string>('error-code');
  if (errorCodeName !== undefined) {
    const errorCode = parseStatusName(errorCodeName);
    if (errorCode === undefined || errorCode === 0) {
      throw new BenchError('USAGE', `--${prefix}error-code: expected a gRPC status name such as UNAVAILABLE, got "${errorCodeName}"`);
    }
    knobs.errorCode = errorCode;
  }
  const leakBytes = get<number>('leak-bytes');
  if (leakBytes !== undefined) {
    if (!Number.isInteger(leakBytes) || leakBytes < 0) throw new BenchError('USAGE', `--${prefix}leak-bytes: expected a whole number ≥ 0, got ${leakBytes}`);
    knobs.leakBytes = leakBytes;
  }
  // Fractions allowed: a cost of 10 % can lie between two whole microseconds.
  const workUs = get<number>('work-us');
  if (workUs !== undefined) {
    if (!Number.isFinite(workUs) || workUs < 0) throw new BenchError('USAGE', `--${prefix}work-us: expected a number of µs ≥ 0 such as 1.5, got ${workUs}`);
    knobs.workUs = workUs;
  }
  return { ...knobs, ...protocolKnobsFromFlags(get, prefix) };
}

function portFlag(flag: string, port: number | undefined): number | undefined {
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new BenchError('USAGE', `--${flag}: expected 0-65535, got ${port}`);
  }
  return port;
}

/**
 * `grpc-bench serve`: the reference Order service in the foreground until SIGINT/SIGTERM, or
 * until the process that started it exits (`npx … & kill $!` kills npx, not this process).
 */
export async function serveCommand(flags: ServeFlags, io: CliIo): Promise<number> {
  // Read first: the parent may already be gone by the time the service is listening.
  const parentPid = process.ppid;
  const port = portFlag('port', flags.port)!;
  const metricsPort = portFlag('metrics-port', flags['metrics-port']);
  const knobs = knobsFromFlags(flags, '');
  let canary: ServeOrderServiceOptions['canary'];
  if (flags.canary) {
    const header = flags['canary-header'] === '' ? undefined : parseHeaderMatch(flags['canary-header']);
    if (flags['canary-header'] !== '' && !header) {
      throw new BenchError('USAGE', `--canary-header: expected name=value, got "${flags['canary-header']}"`);
    }
    const weight = flags['canary-weight'];
    if (!(weight >= 0 && weight <= 1)) throw new BenchError('USAGE', `--canary-weight: expected a number from 0 to 1, got ${weight}`);
    canary = { knobs: knobsFromFlags(flags, 'canary-'), weight, ...(header ? { header } : {}) };
  }
  const stallMs = flags.stall === undefined ? undefined : durationFlag('stall', flags.stall);
  const stallAfterMs = durationFlag('stall-after', flags['stall-after']);
  const tls = serveTlsFromFlags(flags, io.cwd);
  let serving;
  try {
    serving = await serveOrderService({
      port,
      host: flags.host,
      graceMs: durationFlag('grace', flags.grace),
      metricsPort,
      knobs,
      ...(canary ? { canary } : {}),
      ...(stallMs ? { stall: { afterMs: stallAfterMs, durationMs: stallMs } } : {}),
      ...(tls ? { tls } : {}),
      log: (line) => io.stdout(`${line}\n`),
    });
  } catch (error) {
    if (error instanceof RangeError) throw new BenchError('USAGE', `serve: ${error.message}`);
    throw new BenchError('SERVER_START_FAILED', `serve: ${(error as Error).message}`);
  }
  const unwatch = watchParent(parentPid, () => {
    io.stdout(`order service: its parent process ${parentPid} exited\n`);
    void serving.handle.shutdown();
  });
  await serving.closed;
  unwatch();
  return 0;
}
