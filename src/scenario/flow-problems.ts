import { BUILT_IN_TAGS, GHZ_VARIABLES, templateTagNames } from './template-tags.js';
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

/** Where a flow's {{tags}} are checked: a send's message takes built-in templates too, a condition only variables. */
interface TagRules {
  builtIns: boolean;
  captured: ReadonlySet<string>;
  /** Each variable and the first await that captures it. */
  capturedBy: ReadonlyMap<string, string>;
}

function tagProblems(value: unknown, path: ScenarioPath, rules: TagRules): FlowProblem[] {
  // Short enough that the line keeps the given tag whole (formatIssues cuts long ones).
  const allowed = rules.builtIns ? 'a template of data (requestId, streamId, workerId, uuid, timestamp, …; ghz\'s .RequestNumber, …) or a variable' : 'a variable';
  return tagsIn(value, path).flatMap((tag) => {
    const builtIn = BUILT_IN_TAGS.includes(tag.name) || (tag.name.startsWith('.') && GHZ_VARIABLES.includes(tag.name.slice(1)));
    if ((rules.builtIns && builtIn) || rules.captured.has(tag.name)) return [];
    const by = rules.capturedBy.get(tag.name);
    const problem = by
      ? `{{${tag.name}}} is used before it is captured (await "${by}" captures it later): expected a variable captured by an earlier await, got ${JSON.stringify(tag.text)}`
      : `expected ${allowed} captured by an earlier await (${rules.captured.size ? [...rules.captured].join(', ') : 'none so far'}), got {{${tag.name}}}`;
    return [{ path: tag.path, problem }];
  });
}

/** Each name at most once: `kind` says what it names, `where` what a name is at. */
function duplicateProblem(names: Map<string, ScenarioPath>, name: string, where: ScenarioPath, kind: 'step' | 'check'): FlowProblem[] {
  const first = names.get(name);
  if (first === undefined) {
    names.set(name, where);
    return [];
  }
  return [{ path: where, problem: `expected a ${kind} name of its own (thresholds refer to ${kind}s by name), got "${name}", the name of ${first.join('.')} too` }];
}

/**
 * The flow's own problems, before any proto is read: step names and check names used twice, a
 * {{variable}} in a send's message or an await's conditions that no earlier await has captured
 * (each flow run starts with none; a repeat's body is checked as its first pass runs it), and
 * any template in `unsolicited` (which belongs to no flow run).
 */
export function flowProblems(flow: Flow): FlowProblem[] {
  const placed = placedSteps(flow.steps);
  const capturedBy = new Map<string, string>();
  for (const { step } of placed) if (isAwait(step)) for (const variable of Object.keys(step.capture ?? {})) if (!capturedBy.has(variable)) capturedBy.set(variable, step.await);
  const captured = new Set<string>();
  const stepNames = new Map<string, ScenarioPath>();
  const checkNames = new Map<string, ScenarioPath>();
  const problems: FlowProblem[] = tagsIn(flow.unsolicited ?? {}, [...FLOW_PATH, 'unsolicited']).map((tag) => ({
    path: tag.path,
    problem: `expected plain values (unsolicited responses belong to no flow run, so no variable applies), got {{${tag.name}}}`,
  }));
  for (const { step, path } of placed) {
    if (isSend(step)) {
      problems.push(...duplicateProblem(stepNames, step.send, [...path, 'send'], 'step'));
      problems.push(...tagProblems(step.message ?? {}, [...path, 'message'], { builtIns: true, captured, capturedBy }));
    }
    if (!isAwait(step)) continue;
    problems.push(...duplicateProblem(stepNames, step.await, [...path, 'await'], 'step'));
    // The await's own captures come from the response its conditions match: not usable in them.
    problems.push(...tagProblems(step.until ?? {}, [...path, 'until'], { builtIns: false, captured, capturedBy }));
    for (const [check, condition] of Object.entries(step.checks ?? {})) {
      problems.push(...duplicateProblem(checkNames, check, [...path, 'checks', check], 'check'));
      problems.push(...tagProblems(condition, [...path, 'checks', check], { builtIns: false, captured, capturedBy }));
    }
    for (const variable of Object.keys(step.capture ?? {})) captured.add(variable);
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
