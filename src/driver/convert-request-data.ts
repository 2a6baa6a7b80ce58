import protobuf from 'protobufjs';
import { BenchError } from '../errors/bench-error.js';
import { showList, showValue } from '../scenario/format-issues.js';
import { convertMapKey, convertScalar, type Converted } from './json-scalar.js';
import type { BidiMethod } from './bidi-method.js';
import { childPath, lowerCamelCase, type ConvertContext } from './convert-context.js';
import { requestMessageType } from './request-message-type.js';
import { isTemplated, TEMPLATE_PLACE, TEMPLATE_RULE, templateProblem } from './template-field-rule.js';
import { convertWellKnown, isWellKnown } from './well-known-json.js';

/**
 * The request data read by protobuf's JSON mapping (ProtoJSON) against the request message,
 * and written as what protobufjs's `fromObject` encodes exactly as meant: every field known
 * (proto name, lowerCamelCase or json_name), every value of its field's kind and range, one
 * member per oneof, proto2 required fields present, well-known types from their JSON forms.
 * Keys come out as the serializer's field names. Templates stay in place where a template may
 * fill the field (template-field-rule.ts) and are rendered per message by the template compiler.
 */

type Message = Record<string, unknown>;

/** Problems shown in the one error line; the rest are counted. */
const SHOWN_PROBLEMS = 5;
/** Field names listed after an unknown field. */
const SHOWN_FIELDS = 12;

function isPlainObject(value: unknown): value is Message {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function typeLabel(field: protobuf.Field): string {
  return field.resolvedType ? field.resolvedType.fullName.replace(/^\./, '') : field.type;
}

/**
 * A map field's key type and value field: a MapField (types parsed from a .proto), or a
 * repeated entry message (types built from descriptors), whose data is then `[{key, value}]`.
 */
function mapOf(field: protobuf.Field, ctx: ConvertContext): { keyType: string; valueField: protobuf.Field; asEntries: boolean } | undefined {
  if (field instanceof protobuf.MapField) return { keyType: field.keyType, valueField: field, asEntries: false };
  const type = field.resolvedType;
  if (!field.repeated || !(type instanceof protobuf.Type) || !ctx.info.mapEntries.has(type.fullName)) return undefined;
  return { keyType: type.fields['key']!.type, valueField: type.fields['value']!, asEntries: true };
}

function isValueType(field: protobuf.Field): boolean {
  return field.resolvedType?.fullName === '.google.protobuf.Value';
}

/** One enum value: a name the enum has, or a 32-bit whole number; written as the number. */
function convertEnum(type: protobuf.Enum, value: unknown): Converted {
  if (type.fullName === '.google.protobuf.NullValue' && value === null) return { value: 0 };
  if (typeof value === 'string' && Object.hasOwn(type.values, value)) return { value: type.values[value] };
  if (typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) return { value };
  const names = Object.keys(type.values);
  const shown = names.length > 8 ? `${names.slice(0, 8).join(', ')}, …` : names.join(', ');
  return { problem: `${showValue(value)} is not a value of enum ${type.fullName.replace(/^\./, '')}; expected one of ${shown} (or its number)` };
}

/** A single (not repeated) value of `field`; undefined when a problem was recorded. */
export function convertSingle(field: protobuf.Field, value: unknown, where: string, ctx: ConvertContext): unknown {
  const type = field.resolvedType;
  let converted: Converted;
  if (type instanceof protobuf.Type) return ctx.convertMessage(type, value, where, ctx);
  if (isTemplated(value)) {
    const problem = ctx.frozen ? `${showValue(value)}: ${TEMPLATE_PLACE} a field inside an Any (an Any is encoded once)` : templateProblem(type instanceof protobuf.Enum ? 'enum' : field.type, value);
    converted = problem === undefined ? { value } : { problem };
  } else if (type instanceof protobuf.Enum) converted = convertEnum(type, value);
  else converted = convertScalar(field.type, value);
  if ('problem' in converted) {
    ctx.problems.push(`${where}: ${converted.problem}`);
    return undefined;
  }
  return converted.value;
}

function convertMap(map: NonNullable<ReturnType<typeof mapOf>>, value: unknown, where: string, ctx: ConvertContext): unknown {
  const { keyType, valueField } = map;
  if (!isPlainObject(value)) {
    ctx.problems.push(`${where}: ${showValue(value)} is not an object; map<${keyType}, ${typeLabel(valueField)}> expected`);
    return undefined;
  }
  const entries: Array<[string, unknown]> = [];
  for (const [key, item] of Object.entries(value)) {
    const at = childPath(where, key);
    const convertedKey = convertMapKey(keyType, key);
    if ('problem' in convertedKey) {
      ctx.problems.push(`${at}: ${convertedKey.problem}`);
      continue;
    }
    if (item === null && !isValueType(valueField)) {
      ctx.problems.push(`${at}: null is not a map value; ${typeLabel(valueField)} expected`);
      continue;
    }
    const convertedValue = convertSingle(valueField, item, at, ctx);
    if (convertedValue !== undefined) entries.push([convertedKey.value as string, convertedValue]);
  }
  // Entry messages take the key in its own type: a bool key as a boolean.
  if (map.asEntries) return entries.map(([key, item]) => ({ key: keyType === 'bool' ? key === 'true' : key, value: item }));
  // protobufjs writes a map's bool key as the truth of the object key: "false" would be sent as true.
  return Object.fromEntries(entries.map(([key, item]) => [keyType === 'bool' && key === 'false' ? '' : key, item]));
}

function convertRepeated(field: protobuf.Field, value: unknown, where: string, ctx: ConvertContext): unknown {
  if (!Array.isArray(value)) {
    ctx.problems.push(`${where}: ${showValue(value)} is not a list; repeated ${typeLabel(field)} expected`);
    return undefined;
  }
  const items: unknown[] = [];
  value.forEach((item, index) => {
    const at = `${where}[${index}]`;
    if (item === null && !isValueType(field)) ctx.problems.push(`${at}: null is not a list element; ${typeLabel(field)} expected`);
    else items.push(convertSingle(field, item, at, ctx));
  });
  return items;
}

/** The fields of `type` by every name ProtoJSON accepts for them. */
function fieldsByJsonName(type: protobuf.Type, ctx: ConvertContext): Map<string, protobuf.Field> {
  const byName = new Map<string, protobuf.Field>();
  for (const field of type.fieldsArray) {
    byName.set(field.name, field);
    byName.set(lowerCamelCase(field.name), field);
    const json = ctx.info.jsonNames.get(field);
    if (json) byName.set(json, field);
  }
  return byName;
}

/** A message value; undefined when a problem was recorded. */
export function convertMessage(type: protobuf.Type, value: unknown, where: string, ctx: ConvertContext): Message | undefined {
  if (isWellKnown(type)) return convertWellKnown(type, value, where, ctx);
  const typeName = type.fullName.replace(/^\./, '');
  if (!isPlainObject(value)) {
    ctx.problems.push(`${where}: ${showValue(value)} is not an object; ${typeName} expected`);
    return undefined;
  }
  const byName = fieldsByJsonName(type, ctx);
  const out: Message = {};
  const givenAs = new Map<protobuf.Field, string>();
  const oneofMembers = new Map<protobuf.OneOf, string>();
  const unknown: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const field = byName.get(key);
    if (!field) {
      unknown.push(key);
      continue;
    }
    const at = childPath(where, key);
    const earlier = givenAs.get(field);
    if (earlier !== undefined) {
      ctx.problems.push(`${at}: field "${field.name}" is given twice (as "${earlier}" and "${key}"); give it once`);
      continue;
    }
    givenAs.set(field, key);
    // null means the field's default, which is the field left out; a Value field holds a JSON null.
    if (item === null && !(isValueType(field) && !field.repeated)) continue;
    const oneof = field.partOf;
    if (oneof && oneof.fieldsArray.length > 1) {
      const other = oneofMembers.get(oneof);
      if (other !== undefined) {
        ctx.problems.push(`${where}: "${other}" and "${key}" are both members of oneof ${oneof.name}; set at most one`);
        continue;
      }
      oneofMembers.set(oneof, key);
    }
    const map = mapOf(field, ctx);
    const converted = map ? convertMap(map, item, at, ctx) : field.repeated ? convertRepeated(field, item, at, ctx) : convertSingle(field, item, at, ctx);
    if (converted !== undefined) out[field.name] = converted;
  }
  if (unknown.length) {
    const names = type.fieldsArray.map((f) => f.name);
    ctx.problems.push(`${where}: unknown field${unknown.length > 1 ? 's' : ''} ${showList(unknown.map((k) => showValue(k)))}; ${typeName} has ${names.length ? showList(names, SHOWN_FIELDS) : 'no fields'}`);
  }
  for (const field of type.fieldsArray) {
    const key = givenAs.get(field);
    if (field.required && (key === undefined || value[key] === null)) ctx.problems.push(`${childPath(where, field.name)}: required field of ${typeName} is missing`);
  }
  return out;
}

/**
 * Checks `data` (at `where`: `data`, or `data[2]` in a list) against the method's request message
 * and converts it (see above); throws MESSAGE_INVALID naming every problem by its path (the first few, and how many more).
 */
export function convertRequestData(method: BidiMethod, data: Message, where = 'data'): Message {
  const ctx: ConvertContext = { info: requestMessageType(method), frozen: false, problems: [], convertMessage, convertSingle };
  const converted = convertMessage(ctx.info.type, data, where, ctx);
  if (ctx.problems.length) {
    const shown = ctx.problems.slice(0, SHOWN_PROBLEMS).join('; ');
    const more = ctx.problems.length - SHOWN_PROBLEMS;
    const rule = ctx.problems.some((p) => p.includes(TEMPLATE_PLACE)) ? `; ${TEMPLATE_RULE}` : '';
    throw new BenchError('MESSAGE_INVALID', `${shown}${more > 0 ? `; and ${more} more problem${more > 1 ? 's' : ''}` : ''}${rule}`);
  }
  return converted!;
}
