import { showValue } from '../scenario/format-issues.js';

/**
 * One scalar of the request data, read by protobuf's JSON mapping (ProtoJSON) and written
 * in the form protobufjs's `fromObject` encodes exactly as meant: 64-bit integers as
 * canonical decimal strings, 32-bit integers and floats as numbers, bytes as standard padded
 * base64 (the only alphabet protobufjs decodes), bool and string as themselves.
 */
export type Converted = { value: unknown } | { problem: string };

interface IntRange {
  min: bigint;
  max: bigint;
}

const INT_RANGES: Record<string, IntRange> = {
  int32: { min: -(2n ** 31n), max: 2n ** 31n - 1n },
  sint32: { min: -(2n ** 31n), max: 2n ** 31n - 1n },
  sfixed32: { min: -(2n ** 31n), max: 2n ** 31n - 1n },
  uint32: { min: 0n, max: 2n ** 32n - 1n },
  fixed32: { min: 0n, max: 2n ** 32n - 1n },
  int64: { min: -(2n ** 63n), max: 2n ** 63n - 1n },
  sint64: { min: -(2n ** 63n), max: 2n ** 63n - 1n },
  sfixed64: { min: -(2n ** 63n), max: 2n ** 63n - 1n },
  uint64: { min: 0n, max: 2n ** 64n - 1n },
  fixed64: { min: 0n, max: 2n ** 64n - 1n },
};

const FLOAT_TYPES = new Set(['double', 'float']);
const DECIMAL_INTEGER = /^-?(0|[1-9][0-9]*)$/;
/** A JSON number written as a string ("1.5", "-2e3"), as ProtoJSON accepts for floats. */
const DECIMAL_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const STANDARD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE_BASE64 = /^[A-Za-z0-9_-]*={0,2}$/;

export function intRangeOf(type: string): IntRange | undefined {
  return INT_RANGES[type];
}

export function isNumericType(type: string): boolean {
  return type in INT_RANGES || FLOAT_TYPES.has(type);
}

/** The range as people read it: 2^64 reads better than twenty digits. */
function showRange(range: IntRange): string {
  const show = (n: bigint): string => (n === 2n ** 64n - 1n ? '2^64-1' : n === 2n ** 63n - 1n ? '2^63-1' : n === -(2n ** 63n) ? '-2^63' : n.toString());
  return `${show(range.min)} to ${show(range.max)}`;
}

function convertInteger(type: string, range: IntRange, value: unknown): Converted {
  let whole: bigint;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return { problem: `${showValue(value)} is not a whole number; ${type} expected` };
    if (!Number.isSafeInteger(value)) {
      return { problem: `${showValue(value)} is beyond 2^53 and lost precision when read; write the ${type} as a decimal string` };
    }
    whole = BigInt(value);
  } else if (typeof value === 'string') {
    if (!DECIMAL_INTEGER.test(value)) return { problem: `${showValue(value)} is not a decimal whole number; ${type} expected` };
    whole = BigInt(value);
  } else {
    return { problem: `${showValue(value)} is not a number; ${type} expected (a number or a decimal string)` };
  }
  if (whole < range.min || whole > range.max) return { problem: `${showValue(value)} is out of range for ${type} (${showRange(range)})` };
  return { value: range.max > 2n ** 32n ? whole.toString() : Number(whole) };
}

function convertFloat(type: string, value: unknown): Converted {
  let number: number;
  if (typeof value === 'number') number = value;
  else if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') number = Number(value);
  else if (typeof value === 'string' && DECIMAL_NUMBER.test(value)) number = Number(value);
  else return { problem: `${showValue(value)} is not a number; ${type} expected (a number, a numeric string, "NaN", "Infinity" or "-Infinity")` };
  if (Number.isFinite(number) && !Number.isFinite(type === 'float' ? Math.fround(number) : number)) {
    return { problem: `${showValue(value)} is out of range for float (about ±3.4e38)` };
  }
  if (typeof value === 'string' && !Number.isFinite(number) && !['NaN', 'Infinity', '-Infinity'].includes(value)) {
    return { problem: `${showValue(value)} is out of range for ${type}` };
  }
  return { value: number };
}

/** Standard or URL-safe base64, padded or not, but strict: what it decodes to must encode back to it. */
export function convertBytes(value: unknown): Converted {
  if (typeof value !== 'string') return { problem: `${showValue(value)} is not a string; bytes expected as base64` };
  const alphabetOk = STANDARD_BASE64.test(value) || URL_SAFE_BASE64.test(value);
  const body = value.replace(/=+$/, '');
  const padded = value.length - body.length;
  const paddingOk = padded === 0 || (value.length % 4 === 0 && padded === (4 - (body.length % 4)) % 4);
  const decoded = Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  const canonical = decoded.toString('base64');
  const exact = canonical.replace(/=+$/, '') === body.replace(/-/g, '+').replace(/_/g, '/');
  if (!alphabetOk || !paddingOk || body.length % 4 === 1 || !exact) {
    return { problem: `${showValue(value)} is not valid base64; bytes expected as standard or URL-safe base64` };
  }
  return { value: canonical };
}

/** One value of a scalar field (protobufjs type name: "int64", "bytes", …) by ProtoJSON's rules. */
export function convertScalar(type: string, value: unknown): Converted {
  const range = INT_RANGES[type];
  if (range) return convertInteger(type, range, value);
  if (FLOAT_TYPES.has(type)) return convertFloat(type, value);
  switch (type) {
    case 'bool':
      return typeof value === 'boolean' ? { value } : { problem: `${showValue(value)} is not a boolean; bool expected (true or false)` };
    case 'string':
      return typeof value === 'string' ? { value } : { problem: `${showValue(value)} is not a string; string expected` };
    case 'bytes':
      return convertBytes(value);
    default:
      return { problem: `fields of type ${type} are not supported` };
  }
}

/** A map key (always a JSON string) by the key field's type; the converted key is a string again. */
export function convertMapKey(type: string, key: string): Converted {
  if (type === 'string') return { value: key };
  if (type === 'bool') return key === 'true' || key === 'false' ? { value: key } : { problem: `key ${showValue(key)} is not "true" or "false"; bool key expected` };
  const range = INT_RANGES[type];
  if (!range) return { problem: `map keys of type ${type} are not supported` };
  const converted = convertInteger(type, range, key);
  return 'problem' in converted ? { problem: `key ${converted.problem}` } : { value: String(converted.value) };
}
