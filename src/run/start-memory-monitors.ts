import { MemorySampler } from '../monitor/memory-sampler.js';
import { redactUrl } from '../redact/redact-url.js';
import { createTargetMemoryProbe } from '../monitor/target-memory-probe.js';
import type { MonitorPlan } from '../plan/run-plan.js';
import type { MemorySeries, TimeSpan } from '../stats/memory-growth.js';
import type { OrderServerHandle } from '../target/start-order-server.js';

export interface MemoryMonitors {
  client: MemorySampler;
  target?: { source: string; sampler: MemorySampler };
  stop(): Promise<void>;
}

/**
 * Samples the grpc-bench process's RSS and, when it can be watched, the target's memory:
 * by pid (/proc) or Prometheus URL from `monitor`, or — for the embedded service, which
 * shares this process — the main thread's heap plus external memory (workers have their own
 * heaps, so this is the service's share).
 */
export function startMemoryMonitors(monitor: MonitorPlan, embedded: OrderServerHandle | undefined): MemoryMonitors {
  const intervalMs = monitor.intervalMs;
  const client = new MemorySampler(async () => ({ rssBytes: process.memoryUsage.rss() }), { intervalMs });
  let target: MemoryMonitors['target'];
  const probe = createTargetMemoryProbe({
    ...(monitor.pid === undefined ? {} : { pid: monitor.pid }),
    ...(monitor.metricsUrl === undefined ? {} : { metricsUrl: monitor.metricsUrl }),
  });
  if (probe) {
    const source = monitor.pid !== undefined ? `pid ${monitor.pid} (/proc RSS)` : `${redactUrl(monitor.metricsUrl!)} (process_resident_memory_bytes)`;
    target = { source, sampler: new MemorySampler(probe, { intervalMs }) };
  } else if (embedded) {
    const embeddedProbe = async () => {
      const usage = process.memoryUsage();
      return { rssBytes: usage.heapUsed + usage.external };
    };
    target = { source: 'embedded service (main-thread heap + external)', sampler: new MemorySampler(embeddedProbe, { intervalMs }) };
  }
  client.start();
  target?.sampler.start();
  return {
    client,
    ...(target ? { target } : {}),
    async stop() {
      await Promise.all([client.stop(), target?.sampler.stop()]);
    },
  };
}

/**
 * A sampler's RSS samples moved to the report's clock, ms since the load started (the last
 * worker's load start, `warmupMs` before `loadSpan.fromMs`), so that each interval can carry the
 * sample nearest its end; fitted on `loadSpan` (given on the sampler's clock, performance.now by
 * default). Without a load span (no interval arrived) the samples count from the sampler's start.
 */
export function rssSeries(sampler: MemorySampler, loadSpan: TimeSpan | undefined, warmupMs: number): MemorySeries {
  const samples = sampler.rssSamples();
  if (!loadSpan) return { samples };
  const loadStartMs = loadSpan.fromMs - warmupMs;
  const shiftMs = sampler.startedAtMs - loadStartMs;
  return {
    samples: samples.map((s) => ({ tMs: s.tMs + shiftMs, bytes: s.bytes })),
    fitSpan: { fromMs: warmupMs, toMs: loadSpan.toMs - loadStartMs },
  };
}
