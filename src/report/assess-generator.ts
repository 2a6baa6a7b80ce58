import type { GeneratorHealth } from '../types/worker-protocol.js';
import type { GeneratorReport, TargetRateReport } from './report.js';
import { GENERATOR_SETTLE_MS } from '../driver/generator-monitor.js';

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
  /** The run's latency P99 (from when each request was due): a schedule lag far below it cannot have moved it much. */
  latencyP99Ms: number;
  /**
   * The P99 as measured from each send (uncorrected; the same as latencyP99Ms in the closed model):
   * event-loop stalls are judged against it, since a generator that falls behind its schedule
   * inflates the corrected P99 with its own backlog, which must not excuse its stalls.
   */
  serviceP99Ms?: number;
  /** Open model: the schedule against what went out. */
  schedule?: ScheduleEvidence;
}

/** What the open model was asked to send and what it sent, after the warm-up. */
export interface ScheduleEvidence {
  /** Requests due after the warm-up until sending stopped (without a warm-up: sent + unsent at stop). */
  scheduled: number;
  sent: number;
  /** Sending time after the warm-up, ms. */
  sendingMs: number;
  /** Scheduled requests that found no stream with room when they fell due. */
  sendsDeferred: number;
  /** Requests allowed in flight at once: streams × stream.window. */
  inFlightLimit: number;
}

/** The target rate counts as reached when at least this share of the scheduled requests went out. */
export const RATE_REACHED_SHARE = 0.99;

/** A loop delay under this share of the measured P99 is noise beside it. */
export const NEGLIGIBLE_SHARE_OF_P99 = 0.05;

/** 10 ms, or 5 % of the service-time P99 when that is more. */
function loopDelayLimitMs(evidence: GeneratorEvidence): number {
  return Math.max(SATURATED_LOOP_DELAY_P99_MS, NEGLIGIBLE_SHARE_OF_P99 * (evidence.serviceP99Ms ?? evidence.latencyP99Ms));
}

/** 10 ms, or 5 % of the latency P99 from when requests were due when that is more. */
function scheduleLagLimitMs(evidence: GeneratorEvidence): number {
  return Math.max(SATURATED_LOOP_DELAY_P99_MS, NEGLIGIBLE_SHARE_OF_P99 * evidence.latencyP99Ms);
}

/**
 * Decides whether the load generator itself was the bottleneck. Rules (documented in docs/load-models.md):
 * any worker's event-loop delay p99 ≥ 10 ms and ≥ 5 % of the service-time (uncorrected) P99; in the open
 * model also requests going out p99 late by as much while a stream had room, or a worker busy
 * ≥ 95 % of the run. The event-loop figures count from max(warm-up, 1 s) after a worker's load
 * started (JIT warm-up is not saturation); a worker whose load ended before that (countedMs 0) is
 * not judged by them. Open model: also whether the target rate was reached (assessTargetRate). Pure.
 */
export function assessGenerator(evidence: GeneratorEvidence): GeneratorReport {
  const findings: string[] = [];
  const judged = evidence.workers.filter((w) => w.countedMs !== 0);
  for (const w of evidence.workers) {
    if (w.countedMs === 0) {
      if (evidence.openModel && (w.scheduleLagP99Ms ?? 0) >= scheduleLagLimitMs(evidence)) {
        findings.push(`worker ${w.workerId}: requests went out p99 ${(w.scheduleLagP99Ms ?? 0).toFixed(1)} ms late although a stream had room (the generator could not keep the schedule)`);
      }
      continue;
    }
    const limitMs = loopDelayLimitMs(evidence);
    if (w.eventLoopDelayP99Ms >= limitMs) {
      findings.push(`worker ${w.workerId}: event-loop delay p99 ${w.eventLoopDelayP99Ms.toFixed(1)} ms ≥ ${limitMs.toFixed(1)} ms (requests waited in the generator)`);
    }
    if (evidence.openModel && (w.scheduleLagP99Ms ?? 0) >= scheduleLagLimitMs(evidence)) {
      findings.push(`worker ${w.workerId}: requests went out p99 ${(w.scheduleLagP99Ms ?? 0).toFixed(1)} ms late although a stream had room, ≥ ${scheduleLagLimitMs(evidence).toFixed(1)} ms (the generator could not keep the schedule)`);
    }
    if (evidence.openModel && w.eventLoopUtilization >= SATURATED_UTILIZATION) {
      findings.push(`worker ${w.workerId}: busy ${(w.eventLoopUtilization * 100).toFixed(0)} % of the run ≥ ${SATURATED_UTILIZATION * 100} % (it cannot keep the rate schedule)`);
    }
  }
  const processCpuPercent = evidence.durationMs > 0 ? Math.round((evidence.processCpuUs / 10 / evidence.durationMs) * 10) / 10 : 0;
  const saturated = findings.length > 0;
  if (!saturated && judged.length === 0) {
    findings.push(`event-loop figures not judged: the load ended before they start counting (max(warm-up, ${GENERATOR_SETTLE_MS / 1000} s) after it began)`);
  } else if (!saturated) {
    const worst = Math.max(0, ...judged.map((w) => w.eventLoopDelayP99Ms));
    const which = judged.length === evidence.workers.length ? 'every worker' : `${judged.length} of ${evidence.workers.length} workers (the others' load ended before the figures count)`;
    const limitMs = loopDelayLimitMs(evidence);
    const why = limitMs > SATURATED_LOOP_DELAY_P99_MS ? `: ${NEGLIGIBLE_SHARE_OF_P99 * 100} % of the P99 of ${(evidence.serviceP99Ms ?? evidence.latencyP99Ms).toFixed(1)} ms` : '';
    findings.push(`event-loop delay p99 at most ${worst.toFixed(1)} ms on ${which} (limit ${Number(limitMs.toFixed(1))} ms${why})`);
  }
  return {
    saturated,
    evidence: findings,
    processCpuPercent,
    workers: evidence.workers,
    ...(evidence.schedule ? { targetRate: assessTargetRate(evidence.schedule, saturated) } : {}),
  };
}

const grouped = (value: number): string => Math.round(value).toLocaleString('en-US');
/** Three significant digits below 100, so that 0.0071 % does not read as 0. */
const percent = (value: number): number => (value >= 100 ? Math.round(value * 10) / 10 : Number(value.toPrecision(3)));

/**
 * Whether the open model sent what its schedule asked for (at least 99 %), and if not, which
 * side held it back: the generator when it was saturated, else the target — no stream had
 * room because responses did not come back fast enough for the requests allowed in flight. Pure.
 */
export function assessTargetRate(schedule: ScheduleEvidence, generatorSaturated: boolean): TargetRateReport {
  const { scheduled, sent, sendingMs } = schedule;
  const sentPercent = scheduled > 0 ? percent((sent / scheduled) * 100) : 100;
  const perSec = (n: number): number => (sendingMs > 0 ? Math.round((n * 100_000) / sendingMs) / 100 : 0);
  const scheduledPerSec = perSec(scheduled);
  const sentPerSec = perSec(sent);
  const reached = sent >= RATE_REACHED_SHARE * scheduled;
  const figures = `sent ${grouped(sent)} of ${grouped(scheduled)} scheduled requests (${sentPercent} %), ${grouped(sentPerSec)} of ${grouped(scheduledPerSec)} msg/s`;
  if (reached) return { reached, scheduled, sent, sentPercent, scheduledPerSec, sentPerSec, summary: `target rate reached: ${figures}` };
  const limitedBy = generatorSaturated ? 'generator' : 'target';
  const why = generatorSaturated
    ? 'limited by the generator: it was saturated (see its findings), so it could not send faster'
    : `limited by the target: ${grouped(schedule.sendsDeferred)} sends found no stream with room, with at most ${grouped(schedule.inFlightLimit)} requests in flight (streams × stream.window) — responses came back too slowly for the rate (more streams or a larger window send more, unless the target is at its limit)`;
  return { reached, scheduled, sent, sentPercent, scheduledPerSec, sentPerSec, limitedBy, summary: `target rate NOT reached: ${figures}; ${why}` };
}
