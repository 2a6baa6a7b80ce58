import { parsePrometheusText, type PrometheusSample } from './parse-prometheus-text.js';

/** Memory figures read from a Prometheus endpoint; each is absent if the target does not export it. */
export interface ScrapedMemory {
  rssBytes?: number;
  heapBytes?: number;
}

const RSS_METRIC = 'process_resident_memory_bytes';
/** Heap in use: Go runtimes first, then Node.js (prom-client default metrics). */
const HEAP_METRICS = ['go_memstats_heap_alloc_bytes', 'nodejs_heap_size_used_bytes'] as const;

/** Sum over every label set of one metric; undefined if the metric is absent. */
function total(samples: PrometheusSample[] | undefined): number | undefined {
  if (samples === undefined || samples.length === 0) return undefined;
  return samples.reduce((sum, sample) => sum + sample.value, 0);
}

/**
 * Fetches a Prometheus text exposition from `url` (a `user:password@` in it is sent as basic auth) and reads the target's memory:
 * `rssBytes` from process_resident_memory_bytes, `heapBytes` from
 * go_memstats_heap_alloc_bytes or else nodejs_heap_size_used_bytes (each summed over
 * its label sets).
 *
 * Resolves with undefined when there is no answer: the request fails, takes longer than
 * `timeoutMs` milliseconds, or gets a non-2xx status. Rejects with SyntaxError if the
 * body is not valid exposition text, and with TypeError if `url` is not a URL at all.
 */
export async function scrapeMemoryMetrics(url: string, timeoutMs: number): Promise<ScrapedMemory | undefined> {
  const target = new URL(url);
  // fetch refuses a URL with credentials in it: they go as HTTP basic auth instead.
  const headers: Record<string, string> = { accept: 'text/plain;version=0.0.4;q=1, */*;q=0.1' };
  if (target.username !== '' || target.password !== '') {
    const userPass = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
    headers['authorization'] = `Basic ${Buffer.from(userPass).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  let body: string;
  try {
    const response = await fetch(target, {
      headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    body = await response.text();
  } catch {
    return undefined;
  }

  const metrics = parsePrometheusText(body);
  const memory: ScrapedMemory = {};
  const rssBytes = total(metrics.get(RSS_METRIC));
  if (rssBytes !== undefined) memory.rssBytes = rssBytes;
  for (const name of HEAP_METRICS) {
    const heapBytes = total(metrics.get(name));
    if (heapBytes !== undefined) {
      memory.heapBytes = heapBytes;
      break;
    }
  }
  return memory;
}
