import type { FlowFieldCondition, FlowPredicate, FlowScalar } from '../types/flow-settings.js';

/** A decoded response (proto-loader's object: enums by name, 64-bit integers as text, defaults absent). */
export type ResponseObject = Record<string, unknown>;
export type Variables = Readonly<Record<string, string>>;
/** Whether a response meets a condition, given the flow run's captured variables. */
export type ResponseCondition = (response: ResponseObject, variables: Variables) => boolean;

const VARIABLE_TAG = /\{\{\s*(\w+)\s*\}\}/g;

/** A dotted field path's value in a decoded response; undefined when a message on the way is absent. */
export function fieldValue(response: ResponseObject, path: readonly string[]): unknown {
  let value: unknown = response;
  for (const name of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

/** Set: not absent and not a proto3 default ('' for text; an empty repeated field). */
function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  return !(Array.isArray(value) && value.length === 0);
}

/** Compares as text, so an enum name, a number and a 64-bit integer's digits compare as written. */
function expectedText(expected: FlowScalar): (variables: Variables) => string {
  const text = String(expected);
  if (typeof expected !== 'string' || !text.includes('{{')) return () => text;
  return (variables) => text.replace(VARIABLE_TAG, (_tag, name: string) => variables[name] ?? '');
}

function compileField(path: readonly string[], condition: FlowFieldCondition): ResponseCondition {
  if (typeof condition === 'object' && !Array.isArray(condition)) {
    const wanted = condition.present;
    return (response) => isPresent(fieldValue(response, path)) === wanted;
  }
  const options = (Array.isArray(condition) ? condition : [condition]).map(expectedText);
  return (response, variables) => {
    const value = fieldValue(response, path);
    if (value === undefined || value === null) return false;
    const text = String(value);
    for (const option of options) if (option(variables) === text) return true;
    return false;
  };
}

/** Every field condition of the predicate must hold. */
export function compileResponseCondition(predicate: FlowPredicate): ResponseCondition {
  const fields = Object.entries(predicate).map(([field, condition]) => compileField(field.split('.'), condition));
  return (response, variables) => {
    for (const holds of fields) if (!holds(response, variables)) return false;
    return true;
  };
}
