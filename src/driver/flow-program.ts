import { compileMessageTemplate, type CompiledMessage, type MessageFactory, type MethodFacts } from '../scenario/compile-message-template.js';
import { tagData } from './template-routed-framer.js';
import type { FlowPredicate, FlowSettings, FlowStepSettings } from '../types/flow-settings.js';
import { methodFacts, type BidiMethod } from './bidi-method.js';
import { convertRequestData } from './convert-request-data.js';
import { ANY_STATUS, type AwaitTally, type CheckTally, type FlowRecorder, type SendTally } from './flow-recorder.js';
import { compileResponseCondition, fieldValue, type ResponseCondition } from './response-condition.js';
import type { FlowFields } from './response-field-reader.js';
import type { VersionFlowRecorders } from './version-flow-recorders.js';

export interface SendNode {
  kind: 'send';
  build: MessageFactory;
  tally: SendTally;
}

export interface AwaitNode {
  kind: 'await';
  /** The step's name: a split run's version tallies are found by it. */
  name: string;
  until: ResponseCondition;
  /** The first field `until` compares with values: responses are counted by its value; undefined: not counted by value. */
  statusPath: readonly string[] | undefined;
  withinMs: number;
  captures: ReadonlyArray<{ variable: string; path: readonly string[] }>;
  checks: ReadonlyArray<{ name: string; holds: ResponseCondition; tally: CheckTally }>;
  tally: AwaitTally;
}

export interface PauseNode {
  kind: 'pause';
  ms: number;
}

/** A repeat's start: its passes left (the flow run's counter `slot`) start at `count`. */
export interface RepeatNode {
  kind: 'repeat';
  count: number;
  slot: number;
}

/** A repeat's end: back to its body's first step (`bodyAt`) while passes are left. */
export interface LoopNode {
  kind: 'loop';
  slot: number;
  bodyAt: number;
}

export type FlowNode = SendNode | AwaitNode | PauseNode | RepeatNode | LoopNode;

/** A flow compiled once per share: what each step does, with the tallies it counts into. */
export interface FlowProgram {
  /** The steps in one flat list, each repeat's body between its repeat and loop nodes: a flow run is an index into it. */
  steps: readonly FlowNode[];
  /** Repeats in the flow: the pass counters a flow run keeps. */
  repeats: number;
  unsolicited: ResponseCondition | undefined;
  /** The first field `unsolicited` compares with values, for counting pushes by its value. */
  unsolicitedStatusPath: readonly string[] | undefined;
  reopenOnTimeout: boolean;
  /** Whether any await captures: each flow run then needs variables of its own. */
  captures: boolean;
  /** The sends' templates, for the transport to splice each send's messages (each compiled from its data marked with its index; see template-routed-framer.ts). */
  templates: CompiledMessage[];
  /** A split run (`split.by`): the tallies by version it counts into as well; undefined otherwise. */
  versions: VersionFlowRecorders | undefined;
  /** How often overdue awaits are looked for, ms: a quarter of the shortest `within`, 5–250 ms (a response past it counts as late at once). */
  sweepMs: number;
}

const anyResponse: ResponseCondition = () => true;

/**
 * The field responses are counted by: the first one a predicate compares with values (a status),
 * never one it only asks to be present (an id would make one count per response).
 */
function statusPathOf(predicate: FlowPredicate): readonly string[] | undefined {
  const field = Object.entries(predicate).find(([, condition]) => typeof condition !== 'object' || Array.isArray(condition))?.[0];
  return field?.split('.');
}

/** The value a response is counted under: its status field as text. */
export function statusOf(response: Record<string, unknown>, path: readonly string[] | undefined): string {
  if (path === undefined) return ANY_STATUS;
  const value = fieldValue(response, path);
  return value === undefined || value === null ? '(absent)' : String(value);
}

/** Every response field the flow reads: in `until`, `checks`, `capture` and `unsolicited`; undefined when it names none (no response is then read at all). */
export function flowFieldsOf(flow: FlowSettings): FlowFields | undefined {
  const fields = new Set<string>();
  const byValue = new Set<string>();
  const addPredicate = (predicate: FlowPredicate): void => {
    for (const [field, condition] of Object.entries(predicate)) {
      fields.add(field);
      if (typeof condition !== 'object' || Array.isArray(condition)) byValue.add(field);
    }
  };
  addPredicate(flow.unsolicited ?? {});
  const collect = (steps: readonly FlowStepSettings[]): void => {
    for (const step of steps) {
      if ('await' in step) {
        addPredicate(step.until ?? {});
        for (const predicate of Object.values(step.checks ?? {})) addPredicate(predicate);
        for (const field of Object.values(step.capture ?? {})) {
          fields.add(field);
          byValue.add(field);
        }
      }
      if ('repeat' in step) collect(step.steps);
    }
  };
  collect(flow.steps);
  if (fields.size === 0) return undefined;
  return { fields: [...fields], presenceOnly: [...fields].filter((field) => !byValue.has(field)) };
}

/**
 * Compiles the flow's steps: each send's message converted for the request type (as `data` is)
 * and compiled as a template with the variables captured anywhere in the flow (validation has
 * made sure each is captured before it is used); `data` for a send without a message.
 * `versions`: a split run's tallies by version.
 */
export function compileFlowProgram(
  flow: FlowSettings,
  method: BidiMethod,
  data: MessageFactory,
  correlateBy: string | undefined,
  recorder: FlowRecorder,
  dataTemplate?: CompiledMessage,
  versions?: VersionFlowRecorders,
): FlowProgram {
  const templates: CompiledMessage[] = [];
  /** Compiles a send's message marked with its template's index (see template-routed-framer.ts). */
  const tagged = (message: Record<string, unknown>, where: string, names: ReadonlySet<string>, facts?: MethodFacts): CompiledMessage => {
    const template = compileMessageTemplate(tagData(message, templates.length), correlateBy, names, where, facts);
    templates.push(template);
    return template;
  };
  // The sends without a message share `data`, compiled once more with its mark (as it was: no flow variables).
  let dataBuild: MessageFactory | undefined;
  const dataFactory = (): MessageFactory => (dataBuild ??= dataTemplate === undefined ? data : tagged(dataTemplate.data, 'data', new Set(), methodFacts(method)).build);
  const variables = new Set<string>();
  const collect = (steps: readonly FlowStepSettings[]): void => {
    for (const step of steps) {
      if ('await' in step) for (const variable of Object.keys(step.capture ?? {})) variables.add(variable);
      if ('repeat' in step) collect(step.steps);
    }
  };
  collect(flow.steps);
  const compileStep = (step: Exclude<FlowStepSettings, { repeat: number }>): FlowNode => {
      if ('send' in step) {
        const build = step.message === undefined ? dataFactory() : tagged(convertRequestData(method, step.message), `stream.flow send ${step.send}`, variables, methodFacts(method)).build;
        return { kind: 'send', build, tally: recorder.sends.get(step.send)! };
      }
      if ('await' in step) {
        return {
          kind: 'await',
          name: step.await,
          // Without `until`, the flow run's next response (not an unsolicited one) matches.
          until: step.until === undefined ? anyResponse : compileResponseCondition(step.until),
          statusPath: step.until === undefined ? undefined : statusPathOf(step.until),
          withinMs: step.within,
          captures: Object.entries(step.capture ?? {}).map(([variable, field]) => ({ variable, path: field.split('.') })),
          checks: Object.entries(step.checks ?? {}).map(([name, predicate]) => ({ name, holds: compileResponseCondition(predicate), tally: recorder.checks.get(name)! })),
          tally: recorder.awaits.get(step.await)!,
        };
      }
      return { kind: 'pause', ms: step.pause };
  };
  const steps: FlowNode[] = [];
  let repeats = 0;
  const compile = (settings: readonly FlowStepSettings[]): void => {
    for (const step of settings) {
      if (!('repeat' in step)) {
        steps.push(compileStep(step));
        continue;
      }
      const slot = repeats++;
      steps.push({ kind: 'repeat', count: step.repeat, slot });
      const bodyAt = steps.length;
      compile(step.steps);
      steps.push({ kind: 'loop', slot, bodyAt });
    }
  };
  compile(flow.steps);
  let shortestWithinMs = Infinity;
  for (const node of steps) if (node.kind === 'await') shortestWithinMs = Math.min(shortestWithinMs, node.withinMs);
  return {
    steps,
    repeats,
    templates,
    sweepMs: Math.min(Math.max(shortestWithinMs / 4, 5), 250),
    unsolicited: flow.unsolicited === undefined ? undefined : compileResponseCondition(flow.unsolicited),
    unsolicitedStatusPath: flow.unsolicited === undefined ? undefined : statusPathOf(flow.unsolicited),
    reopenOnTimeout: flow.onTimeout === 'reopen',
    captures: variables.size > 0,
    versions,
  };
}
