import { BUILT_IN_TAGS, templateTagNames } from './template-tags.js';
import type { AwaitStep, Flow, FlowStep, SendStep } from './flow-schema.js';
import type { FlowThresholdCondition } from './parse-threshold.js';

export type ScenarioPath = Array<string | number>;

/** One problem of a flow, at its path in the scenario. */
export interface FlowProblem {
  path: ScenarioPath;
  problem: string;
}

/** A step with its path, in the order a flow run reaches them (a repeat's body once). */
export interface PlacedStep {
  step: FlowStep;
  path: ScenarioPath;
}

/** Where the flow sits in a scenario. */
export const FLOW_PATH: ScenarioPath = ['stream', 'flow'];

/** Every step of `steps`, a repeat's body after the repeat itself, in order. */
export function placedSteps(steps: ReadonlyArray<FlowStep>, path: ScenarioPath = [...FLOW_PATH, 'steps']): PlacedStep[] {
  return steps.flatMap((step, i) => {
    const here = [...path, i];
    return 'repeat' in step ? [{ step, path: here }, ...placedSteps(step.steps, [...here, 'steps'])] : [{ step, path: here }];
  });
}

export function isSend(step: FlowStep): step is SendStep {
  return 'send' in step;
}

export function isAwait(step: FlowStep): step is AwaitStep {
  return 'await' in step;
}

/** Each {{name}} tag in the strings of `value`, with the path of the string that holds it. */
function tagsIn(value: unknown, path: ScenarioPath): Array<{ name: string; text: string; path: ScenarioPath }> {
  if (typeof value === 'string') return templateTagNames(value).map((name) => ({ name, text: value, path }));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => tagsIn(child, [...path, Array.isArray(value) ? Number(key) : key]));
}

/**
 * The flow's own problems, before any proto is read: step names and check names used twice, and
 * a send whose message uses a {{variable}} no earlier await has captured (each flow run starts
 * with none; a repeat's body is checked as its first pass runs it).
 */
export function flowProblems(flow: Flow): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const placed = placedSteps(flow.steps);
  const stepNames = new Map<string, ScenarioPath>();
  const checkNames = new Map<string, ScenarioPath>();
  const capturedBy = new Map<string, string>();
  for (const { step } of placed) if (isAwait(step)) for (const variable of Object.keys(step.capture ?? {})) if (!capturedBy.has(variable)) capturedBy.set(variable, step.await);
  const captured = new Set<string>();
  for (const { step, path } of placed) {
    const name = isSend(step) ? step.send : isAwait(step) ? step.await : undefined;
    if (name !== undefined) {
      const first = stepNames.get(name);
      if (first) problems.push({ path: [...path, isSend(step) ? 'send' : 'await'], problem: `expected a step name of its own (thresholds refer to steps by name), got "${name}", the name of ${first.join('.')} too` });
      else stepNames.set(name, path);
    }
    if (isSend(step)) {
      for (const tag of tagsIn(step.message ?? {}, [...path, 'message'])) {
        if (BUILT_IN_TAGS.includes(tag.name) || captured.has(tag.name)) continue;
        const by = capturedBy.get(tag.name);
        const problem = by
          ? `{{${tag.name}}} is used before it is captured (await "${by}" captures it later): expected a variable captured by an earlier await, got ${JSON.stringify(tag.text)}`
          : `expected a built-in template (${BUILT_IN_TAGS.join(', ')}) or a variable captured by an earlier await (${captured.size ? [...captured].join(', ') : 'none so far'}), got {{${tag.name}}}`;
        problems.push({ path: tag.path, problem });
      }
    }
    if (isAwait(step)) {
      for (const variable of Object.keys(step.capture ?? {})) captured.add(variable);
      for (const check of Object.keys(step.checks ?? {})) {
        const first = checkNames.get(check);
        if (first) problems.push({ path: [...path, 'checks', check], problem: `expected a check name of its own (thresholds refer to checks by name), got "${check}", the name of ${first.join('.')} too` });
        else checkNames.set(check, [...path, 'checks', check]);
      }
    }
  }
  return problems;
}

/** A flow threshold whose step or check the flow does not have, or that names a step that is not timed. */
export function flowThresholdProblem(threshold: FlowThresholdCondition, flow: Flow | undefined): string | undefined {
  if (flow === undefined) return `names a flow's ${threshold.subject === 'step' ? 'step' : 'check'}, but the scenario has no stream.flow, got "${threshold.name}"`;
  const placed = placedSteps(flow.steps).map(({ step }) => step);
  const listed = (names: string[]) => (names.length ? [...new Set(names)].join(', ') : 'none');
  if (threshold.subject === 'checks') {
    const checks = placed.flatMap((step) => (isAwait(step) ? Object.keys(step.checks ?? {}) : []));
    return checks.includes(threshold.name) ? undefined : `expected a check of the flow (${listed(checks)}), got "${threshold.name}"`;
  }
  const awaits = placed.filter(isAwait).map((step) => step.await);
  if (awaits.includes(threshold.name)) return undefined;
  const isSendStep = placed.some((step) => isSend(step) && step.send === threshold.name);
  return `expected an await step of the flow (${listed(awaits)}), got "${threshold.name}"${isSendStep ? ', a send step (only awaits are timed)' : ''}`;
}
