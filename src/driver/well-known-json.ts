import protobuf from 'protobufjs';
import { showValue } from '../scenario/format-issues.js';
import { childPath, lowerCamelCase, type ConvertContext } from './convert-context.js';
import { parseDuration, parseFieldMask, parseTimestamp, type Parsed, type SecondsAndNanos } from './json-time.js';
import { isTemplated, TEMPLATE_PLACE } from './template-field-rule.js';

/**
 * The well-known types in their ProtoJSON forms: Timestamp and Duration as strings, wrappers
 * as their plain value, Struct / Value / ListValue as any JSON, FieldMask as a path string,
 * Any as an object with "@type" (its payload encoded once, here). Empty is an ordinary
 * message with no fields. Output field names are the type's own (camelCase or snake_case,
 * depending on where the descriptors came from).
 */

type Message = Record<string, unknown>;

const WRAPPERS = new Set(['DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue']);
const SPECIAL = new Set(['Timestamp', 'Duration', 'FieldMask', 'Struct', 'Value', 'ListValue', 'Any', ...WRAPPERS]);

function shortName(type: protobuf.Type): string | undefined {
  const match = /^\.google\.protobuf\.([A-Za-z0-9]+)$/.exec(type.fullName);
  return match ? match[1] : undefined;
}

/** Whether the type has a JSON form of its own (Empty has not: it is the object {}). */
export function isWellKnown(type: protobuf.Type): boolean {
  const name = shortName(type);
  return name !== undefined && SPECIAL.has(name);
}

/** The field by its proto name, as either spelling protobufjs may hold it under. */
function fieldOf(type: protobuf.Type, protoName: string): protobuf.Field {
  const field = type.fields[protoName] ?? type.fields[lowerCamelCase(protoName)];
  if (!field) throw new Error(`${type.fullName} has no field ${protoName}`);
  return field;
}

function record<T>(parsed: Parsed<T>, where: string, ctx: ConvertContext): T | undefined {
  if ('problem' in parsed) {
    ctx.problems.push(`${where}: ${parsed.problem}`);
    return undefined;
  }
  return parsed.value;
}

/** Zero parts left out, as protobufjs would write a set zero otherwise. */
function secondsAndNanos(type: protobuf.Type, value: SecondsAndNanos | undefined): Message | undefined {
  if (!value) return undefined;
  const out: Message = {};
  if (value.seconds !== '0') out[fieldOf(type, 'seconds').name] = value.seconds;
  if (value.nanos !== 0) out[fieldOf(type, 'nanos').name] = value.nanos;
  return out;
}

function convertStruct(type: protobuf.Type, value: unknown, where: string, ctx: ConvertContext): Message | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    ctx.problems.push(`${where}: ${showValue(value)} is not an object; google.protobuf.Struct expected`);
    return undefined;
  }
  const fields = fieldOf(type, 'fields');
  // A MapField when parsed from a .proto; a repeated entry message when built from descriptors.
  const asEntries = !(fields instanceof protobuf.MapField);
  const valueType = (asEntries ? (fields.resolvedType as protobuf.Type).fields['value']!.resolvedType : fields.resolvedType) as protobuf.Type;
  const entries: Array<[string, Message]> = [];
  for (const [key, item] of Object.entries(value)) {
    const converted = convertValue(valueType, item, childPath(where, key), ctx);
    if (converted) entries.push([key, converted]);
  }
  return { [fields.name]: asEntries ? entries.map(([key, item]) => ({ key, value: item })) : Object.fromEntries(entries) };
}

function convertList(type: protobuf.Type, value: unknown, where: string, ctx: ConvertContext): Message | undefined {
  if (!Array.isArray(value)) {
    ctx.problems.push(`${where}: ${showValue(value)} is not a list; google.protobuf.ListValue expected`);
    return undefined;
  }
  const values = fieldOf(type, 'values');
  const items = value.map((item, index) => convertValue(values.resolvedType as protobuf.Type, item, `${where}[${index}]`, ctx));
  return { [values.name]: items };
}

/** Any JSON value as a google.protobuf.Value; a string there is a string field (it may hold a template). */
function convertValue(type: protobuf.Type, value: unknown, where: string, ctx: ConvertContext): Message | undefined {
  if (value === null) return { [fieldOf(type, 'null_value').name]: 0 };
  switch (typeof value) {
    case 'number':
      if (Number.isFinite(value)) return { [fieldOf(type, 'number_value').name]: value };
      ctx.problems.push(`${where}: ${String(value)} cannot be a google.protobuf.Value (JSON has no NaN or Infinity)`);
      return undefined;
    case 'string': {
      const converted = ctx.convertSingle(fieldOf(type, 'string_value'), value, where, ctx);
      return converted === undefined ? undefined : { [fieldOf(type, 'string_value').name]: converted };
    }
    case 'boolean':
      return { [fieldOf(type, 'bool_value').name]: value };
    default: {
      if (Array.isArray(value)) {
        const list = fieldOf(type, 'list_value');
        const converted = convertList(list.resolvedType as protobuf.Type, value, where, ctx);
        return converted && { [list.name]: converted };
      }
      const struct = fieldOf(type, 'struct_value');
      const converted = convertStruct(struct.resolvedType as protobuf.Type, value, where, ctx);
      return converted && { [struct.name]: converted };
    }
  }
}

/** An Any: "@type" names a message in the method's descriptors; its payload is converted and encoded now. */
function convertAny(type: protobuf.Type, value: unknown, where: string, ctx: ConvertContext): Message | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    ctx.problems.push(`${where}: ${showValue(value)} is not an object; google.protobuf.Any expected as {"@type": "type.googleapis.com/pkg.Message", ...fields}`);
    return undefined;
  }
  const { '@type': url, ...rest } = value as Message;
  if (typeof url !== 'string' || !url.includes('/')) {
    ctx.problems.push(`${childPath(where, '@type')}: ${showValue(url)} is not a type URL; google.protobuf.Any needs "@type": "type.googleapis.com/pkg.Message"`);
    return undefined;
  }
  const name = url.slice(url.lastIndexOf('/') + 1);
  let inner: protobuf.Type;
  try {
    inner = type.root.lookupType(name);
  } catch {
    ctx.problems.push(`${childPath(where, '@type')}: ${showValue(url)} names a message that is not in the proto or its imports; an Any can hold only those`);
    return undefined;
  }
  const innerCtx: ConvertContext = { ...ctx, frozen: true };
  let payload: unknown = rest;
  if (isWellKnown(inner)) {
    const { value: wrapped, ...others } = rest;
    if (Object.keys(others).length) ctx.problems.push(`${where}: unknown field${Object.keys(others).length > 1 ? 's' : ''} ${Object.keys(others).map((k) => showValue(k)).join(', ')}; an Any holding ${name} has only "@type" and "value"`);
    payload = wrapped;
  }
  const before = ctx.problems.length;
  const converted = ctx.convertMessage(inner, payload, isWellKnown(inner) ? childPath(where, 'value') : where, innerCtx);
  if (!converted || ctx.problems.length > before) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = inner.encode(inner.fromObject(converted)).finish();
  } catch (error) {
    ctx.problems.push(`${where}: the ${name} in this Any does not encode: ${(error as Error).message}`);
    return undefined;
  }
  return { [fieldOf(type, 'type_url').name]: url, [fieldOf(type, 'value').name]: Buffer.from(bytes).toString('base64') };
}

/** A value of a well-known type (see isWellKnown) in its JSON form; undefined when a problem was recorded. */
export function convertWellKnown(type: protobuf.Type, value: unknown, where: string, ctx: ConvertContext): Message | undefined {
  const name = shortName(type)!;
  // A wrapper's value and a Value's string are fields of their own kind: the template rule decides there.
  if (isTemplated(value) && !WRAPPERS.has(name) && name !== 'Value') {
    ctx.problems.push(`${where}: ${showValue(value)}: ${TEMPLATE_PLACE} a google.protobuf.${name} field`);
    return undefined;
  }
  switch (name) {
    case 'Timestamp':
      return secondsAndNanos(type, record(parseTimestamp(value), where, ctx));
    case 'Duration':
      return secondsAndNanos(type, record(parseDuration(value), where, ctx));
    case 'FieldMask': {
      const paths = record(parseFieldMask(value), where, ctx);
      return paths && { [fieldOf(type, 'paths').name]: paths };
    }
    case 'Struct':
      return convertStruct(type, value, where, ctx);
    case 'ListValue':
      return convertList(type, value, where, ctx);
    case 'Value':
      return convertValue(type, value, where, ctx);
    case 'Any':
      return convertAny(type, value, where, ctx);
    default: {
      // A wrapper: the wrapped value itself.
      const field = fieldOf(type, 'value');
      const converted = ctx.convertSingle(field, value, where, ctx);
      return converted === undefined ? undefined : { [field.name]: converted };
    }
  }
}
