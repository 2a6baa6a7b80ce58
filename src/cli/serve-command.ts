import { BenchError } from '../errors/bench-error.js';
import { parseDurationMs } from '../scenario/parse-duration.js';
import { serveOrderService } from '../target/serve-order-service.js';
import { parseStatusName } from '../target/service-knobs.js';
import type { CliIo } from './cli-io.js';

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
}

function durationFlag(flag: string, text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined) throw new BenchError('USAGE', `--${flag}: expected a duration such as "2ms" or "1s", got "${text}"`);
  return ms;
}

/** `grpc-bench serve`: the reference Order service in the foreground until SIGINT/SIGTERM. */
export async function serveCommand(flags: ServeFlags, io: CliIo): Promise<number> {
  const errorCode = parseStatusName(flags['error-code']);
  if (errorCode === undefined || errorCode === 0) {
    throw new BenchError('USAGE', `--error-code: expected a gRPC status name such as UNAVAILABLE, got "${flags['error-code']}"`);
  }
  if (!(flags['error-ratio'] >= 0 && flags['error-ratio'] <= 1)) {
    throw new BenchError('USAGE', `--error-ratio: expected a number from 0 to 1, got ${flags['error-ratio']}`);
  }
  if (!Number.isInteger(flags.port) || flags.port < 0 || flags.port > 65535) {
    throw new BenchError('USAGE', `--port: expected 0-65535, got ${flags.port}`);
  }
  if (!Number.isInteger(flags['leak-bytes']) || flags['leak-bytes'] < 0) {
    throw new BenchError('USAGE', `--leak-bytes: expected a whole number ≥ 0, got ${flags['leak-bytes']}`);
  }
  const metricsPort = flags['metrics-port'];
  if (metricsPort !== undefined && (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535)) {
    throw new BenchError('USAGE', `--metrics-port: expected 0-65535, got ${metricsPort}`);
  }
  let serving;
  try {
    serving = await serveOrderService({
      port: flags.port,
      host: flags.host,
      graceMs: durationFlag('grace', flags.grace),
      metricsPort,
      knobs: {
        version: flags['service-version'],
        latencyMs: durationFlag('latency', flags.latency),
        jitterMs: durationFlag('jitter', flags.jitter),
        errorRatio: flags['error-ratio'],
        errorCode,
        leakBytes: flags['leak-bytes'],
      },
      log: (line) => io.stdout(`${line}\n`),
    });
  } catch (error) {
    throw new BenchError('SERVER_START_FAILED', `serve: ${(error as Error).message}`);
  }
  await serving.closed;
  return 0;
}
