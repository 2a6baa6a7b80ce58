import protobuf from 'protobufjs';
import { methodFacts, type BidiMethod } from '../driver/bidi-method.js';
import { convertRequestData } from '../driver/convert-request-data.js';
import { BenchError } from '../errors/bench-error.js';
import { compileMessageTemplate } from '../scenario/compile-message-template.js';
import { templateTagNames } from '../scenario/template-tags.js';
import { isAwait, isSend, placedSteps, type ScenarioPath } from '../scenario/flow-problems.js';
import type { FieldCondition, ResponsePredicate } from '../scenario/flow-schema.js';
import type { Scenario, ScenarioFlow } from '../scenario/scenario-schema.js';
import { responseMessageType } from './response-message-type.js';

const NUMBER_TYPES = new Set(['double', 'float', 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/** The field at a dotted path (`stock.sku_id`) of `type`, or why there is none. */
function fieldAt(type: protobuf.Type, path: string): protobuf.Field | string {
  let current = type;
  const names = path.split('.');
  for (const [i, name] of names.entries()) {
    const field = current.fields[name];
    if (field === undefined) {
      return `"${names.slice(0, i + 1).join('.')}" is not a field of ${current.fullName.replace(/^\./, '')}, which has ${current.fieldsArray.map((f) => f.name).join(', ')}`;
    }
    if (i === names.length - 1) return field;
    field.resolve();
    if (!(field.resolvedType instanceof protobuf.Type) || field.repeated || field.map) return `"${names.slice(0, i + 1).join('.')}" is a ${field.repeated || field.map ? 'repeated ' : ''}${field.type} field, it has no fields of its own to name`;
    current = field.resolvedType;
  }
  return `"${path}" names no field`;
}

/** Why `value` can never be the value of `field` as a response decodes (enums as names, 64-bit integers as text), if so. */
function valueProblem(field: protobuf.Field, value: string | number | boolean): string | undefined {
  if (typeof value === 'string' && templateTagNames(value).length > 0) {
    return field.type === 'string' ? undefined : `${JSON.stringify(value)}: a captured variable is text, so it compares only with a string field, the field is ${field.type}`;
  }
  const type = field.resolvedType;
  if (type instanceof protobuf.Enum) {
    return typeof value === 'string' && Object.hasOwn(type.values, value) ? undefined : `${JSON.stringify(value)} is not a value of enum ${type.fullName.replace(/^\./, '')} (${Object.keys(type.values).join(', ')})`;
  }
  if (field.type === 'string') return typeof value === 'string' ? undefined : `${JSON.stringify(value)} is not a string, the field is a string`;
  if (field.type === 'bool') return typeof value === 'boolean' ? undefined : `${JSON.stringify(value)} is not true or false, the field is a bool`;
  if (NUMBER_TYPES.has(field.type)) {
    const numeric = typeof value === 'number' || (LONG_TYPES.has(field.type) && typeof value === 'string' && /^-?\d+$/.test(value));
    return numeric ? undefined : `${JSON.stringify(value)} is not a number, the field is ${field.type}`;
  }
  return `a ${field.type} field can only be tested with { present: … }`;
}

/** Problems of one condition on one response field. */
function conditionProblem(type: protobuf.Type, path: string, condition: FieldCondition): string | undefined {
  const field = fieldAt(type, path);
  if (typeof field === 'string') return field;
  if (typeof condition === 'object' && !Array.isArray(condition)) return undefined;
  field.resolve();
  if (field.repeated || field.map) return `"${path}" is a repeated field: conditions compare one value, so only { present: … } applies`;
  if (field.resolvedType instanceof protobuf.Type) return `"${path}" is a message field (${field.resolvedType.fullName.replace(/^\./, '')}): only { present: … } applies, or name one of its fields such as ${path}.${field.resolvedType.fieldsArray[0]?.name ?? 'x'}`;
  const problems = (Array.isArray(condition) ? condition : [condition]).map((value) => valueProblem(field, value)).filter((p): p is string => p !== undefined);
  return problems.length ? problems.join(', ') : undefined;
}

function predicateProblems(type: protobuf.Type, predicate: ResponsePredicate | undefined, path: ScenarioPath): Array<{ path: ScenarioPath; problem: string }> {
  return Object.entries(predicate ?? {}).flatMap(([field, condition]) => {
    const problem = conditionProblem(type, field, condition);
    return problem === undefined ? [] : [{ path: [...path, field], problem }];
  });
}

/** Why a field cannot be captured into a variable (which sends render as text), if so. */
function captureProblem(type: protobuf.Type, path: string): string | undefined {
  const field = fieldAt(type, path);
  if (typeof field === 'string') return field;
  field.resolve();
  if (field.repeated || field.map) return `"${path}" is a repeated field, a variable holds one value`;
  if (field.resolvedType instanceof protobuf.Type) return `"${path}" is a message field, capture one of its fields`;
  if (field.type === 'bytes') return `"${path}" is a bytes field, a variable holds text`;
  return undefined;
}

const showPath = (path: ScenarioPath) => path.join('.');

/** The template syntax of every send's message, with the variables captured before it; needs no proto. */
export function checkFlowTemplates(flow: ScenarioFlow, correlateBy: string | undefined): void {
  const captured = new Set<string>();
  for (const { step, path } of placedSteps(flow.steps)) {
    if (isAwait(step)) for (const variable of Object.keys(step.capture ?? {})) captured.add(variable);
    if (isSend(step) && step.message !== undefined) compileMessageTemplate(step.message, correlateBy, captured, showPath([...path, 'message']));
  }
}

/**
 * The flow against the method's messages: every await's `until`, `checks` and `capture`, and
 * `unsolicited`, name fields the response message has, with values they can take; every send's
 * message fits the request message and, rendered with the variables captured by then, encodes.
 * Throws SCENARIO_INVALID naming every field problem by its path, else MESSAGE_INVALID for the
 * first message that does not fit.
 */
export function checkFlow(scenario: Pick<Scenario, 'data' | 'stream'> & { flow: ScenarioFlow }, method: BidiMethod): void {
  const response = responseMessageType(method);
  const flowPath: ScenarioPath = ['stream', 'flow'];
  const problems = predicateProblems(response, scenario.flow.unsolicited, [...flowPath, 'unsolicited']);
  const placed = placedSteps(scenario.flow.steps);
  for (const { step, path } of placed) {
    if (!isAwait(step)) continue;
    problems.push(...predicateProblems(response, step.until, [...path, 'until']));
    for (const [check, predicate] of Object.entries(step.checks ?? {})) problems.push(...predicateProblems(response, predicate, [...path, 'checks', check]));
    for (const [variable, field] of Object.entries(step.capture ?? {})) {
      const problem = captureProblem(response, field);
      if (problem !== undefined) problems.push({ path: [...path, 'capture', variable], problem });
    }
  }
  if (problems.length) throw new BenchError('SCENARIO_INVALID', problems.map(({ path, problem }) => `${showPath(path)}: ${problem}`).join('; '));

  const captured = new Set<string>();
  for (const { step, path } of placed) {
    if (isAwait(step)) for (const variable of Object.keys(step.capture ?? {})) captured.add(variable);
    if (!isSend(step) || step.message === undefined) continue;
    const where = showPath([...path, 'message']);
    let message: Record<string, unknown>;
    try {
      message = convertRequestData(method, step.message);
    } catch (error) {
      if (!(error instanceof BenchError)) throw error;
      throw new BenchError(error.code, error.message.replace(/(^|; )data(?=[.[:])/g, `$1${where}`));
    }
    const variables = Object.fromEntries([...captured].map((name) => [name, `sample-${name}`]));
    try {
      const built = compileMessageTemplate(message, scenario.stream.correlateBy, captured, where, methodFacts(method)).build({ workerId: 0, streamId: 0, messageIndex: 0, variables });
      method.definition.requestSerialize(built);
    } catch (error) {
      if (error instanceof BenchError) throw error;
      throw new BenchError('MESSAGE_INVALID', `${where}: a message rendered from it does not encode: ${(error as Error).message}`);
    }
  }
}
