import { Server, ServerCredentials, loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { loadOrderPackageDefinition } from './load-order-package-definition.js';
import { ORDER_SERVICE_NAME } from './order-messages.js';
import { createOrderMetrics } from './order-metrics.js';
import { createOrderService } from './order-service.js';
import { serveMetrics, type MetricsServer } from './serve-metrics.js';
import { createCanaryRouter, type CanaryRule } from './canary-router.js';
import { createServerCounters, teeCounters, type ServerCounters } from './server-counters.js';
import type { ServiceKnobs } from './service-knobs.js';

export interface OrderServerOptions {
  /** Interface to listen on; default 127.0.0.1 (loopback only). */
  host?: string;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Initial knobs; unspecified fields take DEFAULT_KNOBS. */
  knobs?: Partial<ServiceKnobs>;
  /**
   * When set, Prometheus metrics are served over HTTP at /metrics on this port of the
   * same host (0 picks a free one); when absent, no metrics are collected.
   */
  metricsPort?: number;
  /** Canary mode: a second version (default `version: 'v2'`) behind a header/weight route rule. */
  canary?: CanaryRule & { knobs: Partial<ServiceKnobs> };
  /** Serve TLS with this certificate and key (PEM text); with `clientCa`, clients must show a certificate it signed (mutual TLS). */
  tls?: { cert: string; key: string; clientCa?: string };
}

export interface OrderServerHandle {
  /** Dialable 'host:port' (IPv6 hosts in brackets). */
  address: string;
  /** The port actually bound. */
  port: number;
  /** Live server-side counters. */
  counters: ServerCounters;
  /** The Prometheus endpoint, e.g. 'http://127.0.0.1:9464/metrics'; only with metricsPort. */
  metricsUrl?: string;
  /** Changes knobs for requests arriving from now on; throws RangeError on invalid values. */
  setKnobs(knobs: Partial<ServiceKnobs>): void;
  /** A copy of the knobs currently in force. */
  knobs(): ServiceKnobs;
  /** Holds every answer due in the next `ms` milliseconds until the stall is over (once). */
  stall(ms: number): void;
  /** Canary mode: the canary version's own counters and knobs (the totals stay in `counters`). */
  canary?: { counters: ServerCounters; stableCounters: ServerCounters; setKnobs(knobs: Partial<ServiceKnobs>): void; knobs(): ServiceKnobs };
  /**
   * Graceful stop: health goes NOT_SERVING, no new connections or streams are accepted,
   * in-flight streams get up to graceMs (default 5000) to finish, then the rest are
   * cancelled. Idempotent.
   */
  shutdown(graceMs?: number): Promise<void>;
  /** Immediate stop: cancels every in-flight stream. */
  forceShutdown(): void;
}

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_GRACE_MS = 5000;

function formatHostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * grpc-js reports a failed bind as "No address added out of total N resolved errors: [...]";
 * the bracketed socket errors (e.g. "listen EADDRINUSE: ...") are the useful part.
 */
function bindFailureReason(error: Error): string {
  const socketErrors = /errors: \[(.+)\]\s*$/s.exec(error.message)?.[1];
  return socketErrors ?? error.message;
}

function serverCredentials(tls: OrderServerOptions['tls']): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  const clientCa = tls.clientCa === undefined ? null : Buffer.from(tls.clientCa);
  return ServerCredentials.createSsl(clientCa, [{ cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) }], clientCa !== null);
}

function bind(server: Server, host: string, port: number, credentials: ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(formatHostPort(host, port), credentials, (error, boundPort) => {
      if (error) {
        reject(new Error(`cannot listen on ${formatHostPort(host, port)}: ${bindFailureReason(error)}`, { cause: error }));
      } else {
        resolve(boundPort);
      }
    });
  });
}

/**
 * Starts the reference Order service with standard health checking ('' and
 * 'pb.OrderService' SERVING) and server reflection. Resolves once listening; rejects with
 * "cannot listen on HOST:PORT: reason" if the bind fails.
 */
export async function startOrderServer(options: OrderServerOptions = {}): Promise<OrderServerHandle> {
  const host = options.host ?? DEFAULT_HOST;
  const requestedPort = options.port ?? 0;
  const counters = createServerCounters();
  const metrics = options.metricsPort === undefined ? undefined : createOrderMetrics();
  const recorded = metrics?.instrument(counters) ?? counters;
  const stableCounters = options.canary ? createServerCounters() : undefined;
  const orderService = createOrderService(stableCounters ? teeCounters(recorded, stableCounters) : recorded, options.knobs ?? {});
  const canaryCounters = options.canary ? createServerCounters() : undefined;
  const canaryService = options.canary
    ? createOrderService(teeCounters(recorded, canaryCounters!), { version: 'v2', ...options.canary.knobs })
    : undefined;

  const packageDefinition = loadOrderPackageDefinition();
  const grpcObject = loadPackageDefinition(packageDefinition);
  const pb = grpcObject['pb'] as Record<string, { service: ServiceDefinition }>;
  const health = new HealthImplementation({ '': 'SERVING', [ORDER_SERVICE_NAME]: 'SERVING' });

  const server = new Server();
  server.addService(
    pb['OrderService']!.service,
    canaryService ? createCanaryRouter(orderService, canaryService, options.canary!) : orderService.implementation,
  );
  health.addToServer(server);
  new ReflectionService(packageDefinition).addToServer(server);

  let port: number;
  try {
    port = await bind(server, host, requestedPort, serverCredentials(options.tls));
  } catch (error) {
    server.forceShutdown();
    throw error;
  }

  let metricsServer: MetricsServer | undefined;
  if (metrics !== undefined) {
    try {
      metricsServer = await serveMetrics(metrics.registry, host, options.metricsPort!);
    } catch (error) {
      server.forceShutdown();
      throw error;
    }
  }

  let shuttingDown: Promise<void> | undefined;

  const markNotServing = () => {
    health.setStatus('', 'NOT_SERVING');
    health.setStatus(ORDER_SERVICE_NAME, 'NOT_SERVING');
  };

  const handle: OrderServerHandle = {
    address: formatHostPort(host, port),
    port,
    counters,
    setKnobs: (knobs) => orderService.setKnobs(knobs),
    knobs: () => orderService.knobs(),
    stall: (ms) => orderService.stall(ms),
    shutdown: (graceMs = DEFAULT_GRACE_MS) => {
      shuttingDown ??= new Promise<void>((resolve) => {
        markNotServing();
        const deadline = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(deadline);
          server.forceShutdown();
          resolve();
        });
      }).then(() => metricsServer?.close());
      return shuttingDown;
    },
    forceShutdown: () => {
      markNotServing();
      server.forceShutdown();
      void metricsServer?.close();
    },
  };
  if (metricsServer !== undefined) handle.metricsUrl = metricsServer.url;
  if (canaryService && canaryCounters) {
    handle.canary = { counters: canaryCounters, stableCounters: stableCounters!, setKnobs: (knobs) => canaryService.setKnobs(knobs), knobs: () => canaryService.knobs() };
  }
  return handle;
}
