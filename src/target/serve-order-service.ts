import type { ServiceKnobs } from './service-knobs.js';
import { startOrderServer, type OrderServerHandle, type OrderServerOptions } from './start-order-server.js';

export interface ServeOrderServiceOptions {
  port: number;
  host: string;
  knobs: Partial<ServiceKnobs>;
  /** Serve Prometheus /metrics over HTTP on this port (0 = a free one); omitted = no metrics. */
  metricsPort?: number;
  /** How long in-flight streams may run on after SIGTERM/SIGINT, in milliseconds. */
  graceMs: number;
  /** Canary mode: a second version behind a header/weight route rule. */
  canary?: OrderServerOptions['canary'];
  /** Serve TLS (mutual TLS with `clientCa`); PEM text. */
  tls?: OrderServerOptions['tls'];
  /** A one-off stall: after `afterMs`, hold every answer for `durationMs`. */
  stall?: { afterMs: number; durationMs: number };
  /** Receives one human-readable line per event, without a trailing newline. */
  log: (line: string) => void;
}

export interface ServingOrderService {
  handle: OrderServerHandle;
  /** Resolves once a signal-initiated (or direct) shutdown has finished. */
  closed: Promise<void>;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Runs the Order service in the foreground for `grpc-bench serve`: logs one ready line,
 * then shuts down gracefully on the first SIGTERM or SIGINT. Never exits the process;
 * the caller decides what happens after `closed` resolves.
 */
export async function serveOrderService(options: ServeOrderServiceOptions): Promise<ServingOrderService> {
  const started = await startOrderServer({
    host: options.host,
    port: options.port,
    knobs: options.knobs,
    metricsPort: options.metricsPort,
    ...(options.canary ? { canary: options.canary } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
  });
  if (options.stall) {
    const { afterMs, durationMs } = options.stall;
    setTimeout(() => started.stall(durationMs), afterMs).unref();
  }

  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  let stopping: Promise<void> | undefined;
  const onSignal = () => {
    void stop();
  };
  const removeSignalHandlers = () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };

  const stop = (graceMs = options.graceMs): Promise<void> => {
    stopping ??= (async () => {
      removeSignalHandlers();
      options.log(`order service stopping (grace ${graceMs} ms)`);
      await started.shutdown(graceMs);
      resolveClosed();
    })();
    return stopping;
  };

  for (const signal of SIGNALS) process.on(signal, onSignal);

  // Direct shutdowns through the handle also log, release the signal handlers and settle `closed`.
  const handle: OrderServerHandle = {
    ...started,
    shutdown: (graceMs) => stop(graceMs),
    forceShutdown: () => {
      removeSignalHandlers();
      started.forceShutdown();
      resolveClosed();
    },
  };

  const metricsNote = started.metricsUrl === undefined ? '' : ` (metrics ${started.metricsUrl})`;
  const versions = started.canary ? `${started.knobs().version}+${started.canary.knobs().version} (canary)` : started.knobs().version;
  const reserving = [started.knobs(), ...(started.canary ? [started.canary.knobs()] : [])].filter((knobs) => knobs.protocol === 'reservation').map((knobs) => knobs.version);
  const protocolNote = reserving.length ? ` (reservation protocol: ${reserving.join(', ')})` : '';
  const tlsNote = options.tls ? (options.tls.clientCa === undefined ? ' (TLS)' : ' (mutual TLS)') : '';
  options.log(`order service ${versions} listening on ${started.address}${protocolNote}${tlsNote}${metricsNote}`);
  return { handle, closed };
}
