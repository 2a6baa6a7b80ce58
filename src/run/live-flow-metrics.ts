import { Counter, Gauge, type Registry } from 'prom-client';
import type { LiveFlowStatus } from '../report/live-flow-status.js';
import { isAwait, placedSteps } from '../scenario/flow-problems.js';
import type { Flow } from '../scenario/flow-schema.js';

/** Updates a flow's grpc_bench_flow_* series from its running totals. */
export type LiveFlowMetricsUpdate = (flow: LiveFlowStatus) => void;

/** The names a flow's series are labelled with: its await steps and its checks. */
export interface FlowSeriesNames {
  awaits: readonly string[];
  checks: readonly string[];
}

/** Every await step and check of a flow, repeats included. */
export function flowSeriesNames(flow: Flow): FlowSeriesNames {
  const awaits = placedSteps(flow.steps)
    .map(({ step }) => step)
    .filter(isAwait);
  return { awaits: awaits.map((step) => step.await), checks: awaits.flatMap((step) => Object.keys(step.checks ?? {})) };
}

/**
 * A flow's live series in `registry`, named as in the Prometheus report (docs/flows.md):
 * runs by outcome, each await's matches and timeouts, each check's passes and fails, the
 * unsolicited responses (every status together: intervals carry no status), and each await's
 * P99 of the last interval. Every series of `names` is there at 0 from the start (a scrape
 * before the first interval shows them); counters then follow the running totals, so after
 * the last interval they equal the report's whole-run figures.
 */
export function liveFlowMetrics(registry: Registry, names: FlowSeriesNames): LiveFlowMetricsUpdate {
  const registers = [registry];
  const runs = new Counter({ name: 'grpc_bench_flow_runs_total', help: 'Flow runs by how they ended (started counts every one).', labelNames: ['outcome'], registers });
  const matches = new Counter({ name: 'grpc_bench_flow_step_matches_total', help: 'Matches of each await step.', labelNames: ['step'], registers });
  const timeouts = new Counter({ name: 'grpc_bench_flow_step_timeouts_total', help: 'Flow runs ended as DEADLINE_EXCEEDED at each await step.', labelNames: ['step'], registers });
  const checks = new Counter({ name: 'grpc_bench_flow_checks_total', help: 'Check judgements by check and result.', labelNames: ['check', 'result'], registers });
  const unsolicited = new Counter({ name: 'grpc_bench_flow_unsolicited_total', help: 'Responses of no flow run (or matching unsolicited), every status together.', registers });
  const p99 = new Gauge({ name: 'grpc_bench_flow_step_latency_p99_seconds', help: 'P99 latency of each await step in the last interval (the busiest worker).', labelNames: ['step'], registers });

  for (const outcome of ['started', 'completed', 'timed_out']) runs.inc({ outcome }, 0);
  unsolicited.inc(0);
  for (const step of names.awaits) {
    matches.inc({ step }, 0);
    timeouts.inc({ step }, 0);
    p99.set({ step }, 0);
  }
  for (const check of names.checks) for (const result of ['pass', 'fail']) checks.inc({ check, result }, 0);

  // Counters take the increase since the last update of each series; running totals only grow.
  const last = new Map<Counter, Map<string, number>>();
  const advance = (counter: Counter, labels: Record<string, string>, total: number): void => {
    const key = JSON.stringify(labels);
    const seen = last.get(counter) ?? new Map<string, number>();
    counter.inc(labels, Math.max(0, total - (seen.get(key) ?? 0)));
    seen.set(key, total);
    last.set(counter, seen);
  };
  return (flow) => {
    advance(runs, { outcome: 'started' }, flow.runsStarted);
    advance(runs, { outcome: 'completed' }, flow.runsCompleted);
    advance(runs, { outcome: 'timed_out' }, flow.runsTimedOut);
    advance(unsolicited, {}, flow.unsolicited);
    for (const [step, figures] of Object.entries(flow.awaits)) {
      advance(matches, { step }, figures.matched);
      advance(timeouts, { step }, figures.timeouts);
      p99.set({ step }, figures.p99Ms / 1000);
    }
    for (const [check, figures] of Object.entries(flow.checks)) {
      advance(checks, { check, result: 'pass' }, figures.passes);
      advance(checks, { check, result: 'fail' }, figures.fails);
    }
  };
}
