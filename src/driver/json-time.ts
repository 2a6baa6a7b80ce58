import { showValue } from '../scenario/format-issues.js';

/**
 * google.protobuf.Timestamp, Duration and FieldMask from their ProtoJSON strings. Seconds
 * come back as decimal strings (int64), nanos as numbers with the sign of the seconds.
 */
export type Parsed<T> = { value: T } | { problem: string };

export interface SecondsAndNanos {
  seconds: string;
  nanos: number;
}

const RFC_3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range Timestamp allows. */
const MIN_TIMESTAMP_S = -62_135_596_800n;
const MAX_TIMESTAMP_S = 253_402_300_799n;
const DURATION = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;
/** About 10,000 years, the range Duration allows. */
const MAX_DURATION_S = 315_576_000_000n;

function nanosOf(fraction: string | undefined): number {
  return fraction === undefined ? 0 : Number(fraction.padEnd(9, '0'));
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** RFC 3339 with "Z" or an offset, up to nine fractional digits. */
export function parseTimestamp(value: unknown): Parsed<SecondsAndNanos> {
  const expected = 'Timestamp expected as an RFC 3339 string such as "2024-01-01T00:00:00Z"';
  if (typeof value !== 'string') return { problem: `${showValue(value)} is not a string; ${expected}` };
  const match = RFC_3339.exec(value);
  if (!match) return { problem: `${showValue(value)} is not RFC 3339; ${expected}` };
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return { problem: `${showValue(value)} is not a valid date and time; ${expected}` };
  }
  const offsetHours = match[10] === undefined ? 0 : Number(match[10]);
  const offsetMinutes = match[11] === undefined ? 0 : Number(match[11]);
  if (offsetHours > 23 || offsetMinutes > 59) return { problem: `${showValue(value)} has an invalid offset; ${expected}` };
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  const offsetS = (match[9] === '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
  const seconds = BigInt(date.getTime() / 1000) - BigInt(offsetS);
  if (seconds < MIN_TIMESTAMP_S || seconds > MAX_TIMESTAMP_S) {
    return { problem: `${showValue(value)} is out of range; Timestamp expected from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z` };
  }
  return { value: { seconds: seconds.toString(), nanos: nanosOf(match[7]) } };
}

/** Seconds with up to nine fractional digits and the suffix "s": "1.5s", "-0.25s". */
export function parseDuration(value: unknown): Parsed<SecondsAndNanos> {
  const expected = 'Duration expected as seconds with an "s" suffix, such as "1.5s"';
  if (typeof value !== 'string') return { problem: `${showValue(value)} is not a string; ${expected}` };
  const match = DURATION.exec(value);
  if (!match) return { problem: `${showValue(value)} is not a duration; ${expected}` };
  const whole = BigInt(match[2]!);
  if (whole > MAX_DURATION_S) return { problem: `${showValue(value)} is out of range; Duration expected within ±315576000000s` };
  const sign = match[1] === '-' ? -1 : 1;
  const nanos = nanosOf(match[3]);
  return { value: { seconds: (whole * BigInt(sign)).toString(), nanos: nanos === 0 ? 0 : sign * nanos } };
}

/** Comma-separated lowerCamelCase paths ("user.displayName,id"), each turned back into the proto's snake_case. */
export function parseFieldMask(value: unknown): Parsed<string[]> {
  const expected = 'FieldMask expected as comma-separated lowerCamelCase paths such as "user.displayName,id"';
  if (typeof value !== 'string') return { problem: `${showValue(value)} is not a string; ${expected}` };
  if (value === '') return { value: [] };
  const paths: string[] = [];
  for (const path of value.split(',')) {
    if (!/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)*$/.test(path)) return { problem: `${showValue(value)}: path ${showValue(path)} is not lowerCamelCase; ${expected}` };
    paths.push(path.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`));
  }
  return { value: paths };
}
