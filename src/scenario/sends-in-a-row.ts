import type { FlowStep } from './flow-schema.js';
import { FLOW_PATH, type FlowProblem, type ScenarioPath } from './flow-problems.js';

/**
 * The most requests a flow run may send in a row, with no await or pause between them. Sends in a row go out at once,
 * whatever the stream can take, so this bounds what a stream buffers however large a `repeat`; a flow run also
 * remembers this many correlation values, so that each answer to such a burst finds its run.
 */
export const MAX_SENDS_IN_A_ROW = 256;

/** Sends in a row through a list of steps: before its first await or pause, after its last, and the most anywhere. */
interface Stretch {
  /** An await or pause is among the steps. */
  broken: boolean;
  /** Sends before the first await or pause (all of them when not broken). */
  lead: number;
  /** Sends after the last await or pause. */
  tail: number;
  /** The most sends in a row between two awaits or pauses inside the steps. */
  inner: number;
  /** The step where sends in a row first went past MAX_SENDS_IN_A_ROW. */
  over: ScenarioPath | undefined;
}

function stretchOf(steps: ReadonlyArray<FlowStep>, path: ScenarioPath): Stretch {
  const out: Stretch = { broken: false, lead: 0, tail: 0, inner: 0, over: undefined };
  // Sends since the last await or pause (or the start).
  let current = 0;
  const note = (value: number, where: ScenarioPath): void => {
    if (value > MAX_SENDS_IN_A_ROW) out.over ??= where;
  };
  steps.forEach((step, i) => {
    const here = [...path, i];
    if ('send' in step) {
      current += 1;
      note(current, [...here, 'send']);
      return;
    }
    if (!('repeat' in step)) {
      if (!out.broken) out.lead = current;
      else out.inner = Math.max(out.inner, current);
      out.broken = true;
      current = 0;
      return;
    }
    const body = stretchOf(step.steps, [...here, 'steps']);
    out.over ??= body.over;
    if (!body.broken) {
      current += body.lead * step.repeat;
      note(current, [...here, 'repeat']);
      return;
    }
    // The body's tail runs into its lead from one pass to the next.
    const between = step.repeat > 1 ? body.tail + body.lead : 0;
    note(Math.max(current + body.lead, between), [...here, 'repeat']);
    if (!out.broken) out.lead = current + body.lead;
    else out.inner = Math.max(out.inner, current + body.lead);
    out.inner = Math.max(out.inner, body.inner, between);
    out.broken = true;
    current = body.tail;
  });
  if (out.broken) out.tail = current;
  else out.lead = current;
  return out;
}

/**
 * A flow run that sends more than MAX_SENDS_IN_A_ROW requests in a row (a `repeat` of sends with no await or pause in
 * it, counted through nested repeats): the problem, at the step that goes past the limit. A flow run ends after its
 * last step, so its last sends and the next run's first are not counted together (a new run waits for the stream).
 */
export function sendsInARowProblem(steps: ReadonlyArray<FlowStep>): FlowProblem | undefined {
  const stretch = stretchOf(steps, [...FLOW_PATH, 'steps']);
  if (stretch.over === undefined) return undefined;
  const most = Math.max(stretch.lead, stretch.tail, stretch.inner);
  return {
    path: stretch.over,
    problem: `expected at most ${MAX_SENDS_IN_A_ROW} sends in a row (they go out at once, whatever the stream can take; put an await or a pause between them), got ${most} in a row`,
  };
}
