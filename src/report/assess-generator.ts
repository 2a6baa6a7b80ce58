import type { GeneratorHealth } from '../pool/worker-protocol.js';
import type { GeneratorReport } from './report.js';

/** A worker whose event loop stalls this long (p99) delays requests by about as much. */
export const SATURATED_LOOP_DELAY_P99_MS = 10;
/** An open-model worker this busy cannot keep its schedule. */
export const SATURATED_UTILIZATION = 0.95;

export interface GeneratorEvidence {
  workers: GeneratorHealth[];
  openModel: boolean;
  /** Process CPU time over the run, µs (all threads, start-up included). */
  processCpuUs: number;
  /** Wall time of the same span, ms. */
  durationMs: number;
  /** The run's latency P99: a generator delay far below it cannot have moved it much. */
  latencyP99Ms: number;
}

/** A loop delay under this share of the measured P99 is noise beside it. */
export const NEGLIGIBLE_SHARE_OF_P99 = 0.05;

/**
 * Decides whether the load generator itself was the bottleneck. Rules (documented in README):
 * any worker's event-loop delay p99 ≥ 10 ms and ≥ 5 % of the measured latency P99; in the open
 * model also requests going out p99 ≥ 10 ms late while a stream had room, or a worker busy ≥ 95 %
 * of the run. Pure.
 */
export function assessGenerator(evidence: GeneratorEvidence): GeneratorReport {
  const findings: string[] = [];
  for (const w of evidence.workers) {
    const limitMs = Math.max(SATURATED_LOOP_DELAY_P99_MS, NEGLIGIBLE_SHARE_OF_P99 * evidence.latencyP99Ms);
    if (w.eventLoopDelayP99Ms >= limitMs) {
      findings.push(`worker ${w.workerId}: event-loop delay p99 ${w.eventLoopDelayP99Ms.toFixed(1)} ms ≥ ${limitMs.toFixed(1)} ms (requests waited in the generator)`);
    }
    if (evidence.openModel && (w.scheduleLagP99Ms ?? 0) >= SATURATED_LOOP_DELAY_P99_MS) {
      findings.push(`worker ${w.workerId}: requests went out p99 ${(w.scheduleLagP99Ms ?? 0).toFixed(1)} ms late although a stream had room (the generator could not keep the schedule)`);
    }
    if (evidence.openModel && w.eventLoopUtilization >= SATURATED_UTILIZATION) {
      findings.push(`worker ${w.workerId}: busy ${(w.eventLoopUtilization * 100).toFixed(0)} % of the run ≥ ${SATURATED_UTILIZATION * 100} % (it cannot keep the rate schedule)`);
    }
  }
  const processCpuPercent = evidence.durationMs > 0 ? Math.round((evidence.processCpuUs / 10 / evidence.durationMs) * 10) / 10 : 0;
  const saturated = findings.length > 0;
  if (!saturated) {
    const worst = Math.max(0, ...evidence.workers.map((w) => w.eventLoopDelayP99Ms));
    findings.push(`event-loop delay p99 at most ${worst.toFixed(1)} ms on every worker (limit ${SATURATED_LOOP_DELAY_P99_MS} ms)`);
  }
  return { saturated, evidence: findings, processCpuPercent, workers: evidence.workers };
}
