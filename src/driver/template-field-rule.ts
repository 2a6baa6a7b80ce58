import { hasTemplate } from '../scenario/compile-message-template.js';
import { showValue } from '../scenario/format-issues.js';
import { ghzVariableTemplate } from '../scenario/translate-ghz-templates.js';
import { intRangeOf, isNumericType } from './json-scalar.js';

/**
 * Which fields a template may fill, made explicit: a string field takes any mix of text and
 * tags; a number field takes one numeric tag alone ({{streamId}}, {{workerId}},
 * {{messageIndex}}, {{timestamp}}, {{timestampSeconds}} or {{randomInt LOW HIGH}}), whose values must fit the field;
 * nothing else (bool, bytes, enum, Timestamp, Duration, FieldMask, Any) is rendered per
 * message. The rendered value is what protobufjs then encodes, per message.
 */

const NUMERIC_TAG = /^\{\{\s*(streamId|workerId|messageIndex|timestamp|timestampSeconds|randomInt)(?:\s+(-?\d+)\s+(-?\d+))?\s*\}\}$/;

/** ghz's call variable alone (`{{.RequestNumber}}`) as the tag it stands for (`{{streamId}}`); other text as it is. */
function asNativeTag(text: string): string {
  const ghzName = /^\{\{\s*\.(\w+)\s*\}\}$/.exec(text)?.[1];
  return (ghzName === undefined ? undefined : ghzVariableTemplate(ghzName, { call: '' })) ?? text;
}

/** Said once at the end of an error line that has a template in the wrong place. */
export const TEMPLATE_RULE = 'templates fill string fields (any template) and number fields (one of {{streamId}}, {{workerId}}, {{messageIndex}}, {{timestamp}}, {{timestampSeconds}}, {{randomInt LOW HIGH}}, alone)';

/** Marks a problem as about where a template sits, so the line ends with TEMPLATE_RULE. */
export const TEMPLATE_PLACE = 'a template cannot fill';

/** Whether `value` is a string holding a template tag. */
export function isTemplated(value: unknown): value is string {
  return typeof value === 'string' && hasTemplate(value);
}

/** undefined when the templated `text` may fill a field of protobufjs scalar type `type`; else why not. */
export function templateProblem(type: string, text: string): string | undefined {
  if (type === 'string') return undefined;
  if (!isNumericType(type)) return `${showValue(text)}: ${TEMPLATE_PLACE} ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type} field`;
  const match = NUMERIC_TAG.exec(asNativeTag(text));
  if (!match) return `${showValue(text)}: ${TEMPLATE_PLACE} a ${type} field except as one numeric template alone`;
  const range = intRangeOf(type);
  if (!range) return undefined;
  const [, name, low, high] = match;
  // The counters start at 0 and stay far below 2^31 in any run; the clock does not fit 32 bits.
  if (name === 'timestamp' && range.max < 2n ** 53n) return `${showValue(text)}: {{timestamp}} (milliseconds since 1970, about 1.8e12) does not fit ${type}; use an int64 field`;
  if (name === 'randomInt' && low !== undefined && high !== undefined) {
    if (BigInt(low) < range.min || BigInt(high) > range.max) return `${showValue(text)}: {{randomInt}} bounds are out of range for ${type} (${range.min} to ${range.max})`;
  }
  return undefined;
}
