import { compileMessageTemplate } from '../../src/scenario/compile-message-template.js';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { describe, expect, it } from 'vitest';
import { convertRequestData } from '../../src/driver/convert-request-data.js';
import { loadBidiMethodFromDescriptorSet, type BidiMethod } from '../../src/driver/load-method.js';
import { BenchError } from '../../src/errors/bench-error.js';
import { decodeTyped, loadTypedMethod, loadTypedMethodFromDescriptors } from '../helpers/typed-proto.js';

/**
 * The request data read by ProtoJSON's rules against test/fixtures/typed.proto: what each
 * accepted value becomes (and what the receiver then decodes), and the one line each
 * rejected value ends with.
 */

type Message = Record<string, unknown>;

const method = loadTypedMethod();
const reflected = loadTypedMethodFromDescriptors();

function problemOf(data: Message, from: BidiMethod = method): string {
  try {
    convertRequestData(from, data);
  } catch (error) {
    expect(error).toBeInstanceOf(BenchError);
    expect((error as BenchError).code).toBe('MESSAGE_INVALID');
    return (error as BenchError).message;
  }
  throw new Error(`accepted: ${JSON.stringify(data)}`);
}

/** What the receiver decodes from the bytes the serializer writes for the converted data. */
function decoded(data: Message, from: BidiMethod = method): Message {
  return decodeTyped(from.definition.requestSerialize(convertRequestData(from, data)));
}

describe('convertRequestData: accepted values and what is sent', () => {
  const cases: Array<[what: string, data: Message, sent: Message]> = [
    ['int64 as a string at both ends', { big: '-9223372036854775808', fixed: '18446744073709551615' }, { big: '-9223372036854775808', fixed: '18446744073709551615' }],
    ['int64 and uint64 as numbers', { big: 42, ubig: 9007199254740991 }, { big: '42', ubig: '9007199254740991' }],
    ['sint64 negative', { zigzag: '-5' }, { zigzag: '-5' }],
    ['int32 as a string, and a whole float', { small: '-2147483648', usmall: 4294967295.0 }, { small: -2147483648, usmall: 4294967295 }],
    ['float and double special strings', { ratio: 'Infinity', score: '-1.5e3' }, { ratio: Infinity, score: -1500 }],
    ['enum by name and by number', { colour: 'GREEN', colours: ['RED', 2, 0] }, { colour: 'GREEN', colours: ['RED', 'GREEN', 'COLOUR_UNSPECIFIED'] }],
    ['bytes standard, padded', { blob: 'aGVsbG8=' }, { blob: 'aGVsbG8=' }],
    ['bytes URL-safe, unpadded', { blob: '-_8' }, { blob: '+/8=' }],
    ['lowerCamelCase and proto names', { requestId: 'r1', item: { skuId: 's', tags: ['a'] }, names_by_id: { 7: 'x' } }, { request_id: 'r1', item: { sku_id: 's', tags: ['a'] }, names_by_id: { 7: 'x' } }],
    ['null means the default', { big: null, item: null, items: null, counts: null, at: null }, {}],
    ['map keys by their types', { namesById: { '-9223372036854775808': 'min' }, byFlag: { true: { count: 1 }, false: { count: 2 } }, counts: { a: '3' } }, { names_by_id: { '-9223372036854775808': 'min' }, by_flag: { true: { count: 1 }, false: { count: 2 } }, counts: { a: 3 } }],
    ['one member of a oneof', { picked: { count: 1 }, text: null }, { picked: { count: 1 } }],
    ['optional scalar set to its default', { maybeSmall: 0 }, { maybe_small: 0 }],
    ['proto2 required fields present', { legacy: { id: 'x', part: { serial: '9' } } }, { legacy: { id: 'x', part: { serial: '9' } } }],
    ['Timestamp in UTC with nanos', { at: '2024-01-01T00:00:00.000000001Z' }, { at: { seconds: '1704067200', nanos: 1 } }],
    ['Timestamp with an offset', { at: '2024-01-01T01:30:00+01:30' }, { at: { seconds: '1704067200' } }],
    ['Timestamp at both ends of its range', { at: '0001-01-01T00:00:00Z', items: [] }, { at: { seconds: '-62135596800' } }],
    ['Duration, negative and fractional', { ttl: '-1.5s' }, { ttl: { seconds: '-1', nanos: -500000000 } }],
    ['wrappers as plain values', { maybeBig: '12', maybeText: 'hi', maybeFlag: false, maybeBlob: 'AQ==' }, { maybe_big: { value: '12' }, maybe_text: { value: 'hi' }, maybe_flag: { value: false }, maybe_blob: { value: 'AQ==' } }],
    ['Struct, Value and ListValue', { attributes: { n: 1, s: 'x', b: true, z: null, l: [1, 'a'], o: { k: 'v' } }, anything: 'text', list: [null, 2] }, {
      attributes: { fields: { n: { numberValue: 1 }, s: { stringValue: 'x' }, b: { boolValue: true }, z: { nullValue: 'NULL_VALUE' }, l: { listValue: { values: [{ numberValue: 1 }, { stringValue: 'a' }] } }, o: { structValue: { fields: { k: { stringValue: 'v' } } } } } },
      anything: { stringValue: 'text' },
      list: { values: [{ nullValue: 'NULL_VALUE' }, { numberValue: 2 }] },
    }],
    ['a Value field given null holds a JSON null', { anything: null }, { anything: { nullValue: 'NULL_VALUE' } }],
    ['FieldMask paths back to snake_case', { mask: 'skuId,item.tags' }, { mask: { paths: ['sku_id', 'item.tags'] } }],
    ['Empty', { nothing: {} }, { nothing: {} }],
    ['Any holding a message of the proto', { extra: { '@type': 'type.googleapis.com/typed.Item', skuId: 's', count: 3 } }, { extra: { type_url: 'type.googleapis.com/typed.Item', value: 'CgFzEAM=' } }],
    ['Any holding a well-known type', { extra: { '@type': 'type.googleapis.com/google.protobuf.Duration', value: '3s' } }, { extra: { type_url: 'type.googleapis.com/google.protobuf.Duration', value: 'CAM=' } }],
  ];

  it.each(cases)('%s', (_what, data, sent) => {
    expect(decoded(data)).toEqual(sent);
  });

  it.each(cases)('%s: the same bytes when the types come from server reflection', (_what, data) => {
    const fromProto = method.definition.requestSerialize(convertRequestData(method, data));
    const fromDescriptors = reflected.definition.requestSerialize(convertRequestData(reflected, data));
    expect(Buffer.from(fromDescriptors).toString('hex')).toBe(Buffer.from(fromProto).toString('hex'));
  });

  it('NaN is sent as NaN', () => {
    expect(Number.isNaN(decoded({ ratio: 'NaN' })['ratio'])).toBe(true);
  });

  it('leaves templates where a template may fill the field', () => {
    const data = { requestId: 'r-{{requestId}}', big: '{{timestamp}}', small: '{{randomInt -5 5}}', maybeText: '{{uuid}}', anything: 'v{{streamId}}', tags: undefined };
    delete (data as Message)['tags'];
    expect(convertRequestData(method, data)).toEqual({
      request_id: 'r-{{requestId}}',
      big: '{{timestamp}}',
      small: '{{randomInt -5 5}}',
      maybe_text: { value: '{{uuid}}' },
      anything: { stringValue: 'v{{streamId}}' },
    });
  });
});

describe('convertRequestData: rejected values, each by its path', () => {
  const cases: Array<[what: string, data: Message, line: string]> = [
    ['int64 past 2^63', { big: '99999999999999999999' }, 'data.big: "99999999999999999999" is out of range for int64 (-2^63 to 2^63-1)'],
    ['uint64 negative', { ubig: '-1' }, 'data.ubig: "-1" is out of range for uint64 (0 to 2^64-1)'],
    ['int64 number past 2^53', { big: 2 ** 64 }, 'data.big: 18446744073709552000 is beyond 2^53 and lost precision when read; write the int64 as a decimal string'],
    ['int32 past 2^31, in a nested list', { items: [{ count: 1 }, { count: 2 ** 31 }] }, 'data.items[1].count: 2147483648 is out of range for int32 (-2147483648 to 2147483647)'],
    ['int32 not whole', { small: 1.5 }, 'data.small: 1.5 is not a whole number; int32 expected'],
    ['int32 as a decimal string', { small: '1.5' }, 'data.small: "1.5" is not a decimal whole number; int32 expected'],
    ['float past its range', { ratio: 1e39 }, 'data.ratio: 1e+39 is out of range for float (about ±3.4e38)'],
    ['a number that is text', { score: 'fast' }, 'data.score: "fast" is not a number; double expected'],
    ['bool as a string', { flag: 'true' }, 'data.flag: "true" is not a boolean; bool expected (true or false)'],
    ['an object where a string belongs', { requestId: { a: 1 } }, 'data.requestId: {"a":1} is not a string; string expected'],
    ['an unknown enum name', { colour: 'BLUE' }, 'data.colour: "BLUE" is not a value of enum typed.Colour; expected one of COLOUR_UNSPECIFIED, RED, GREEN (or its number)'],
    ['a map value that is not an int', { counts: { a: 'notanint' } }, 'data.counts.a: "notanint" is not a decimal whole number; int32 expected'],
    ['a map key that is not an int64', { namesById: { x: 'y' } }, 'data.namesById.x: key "x" is not a decimal whole number; int64 expected'],
    ['a bool map key', { byFlag: { yes: {} } }, 'data.byFlag.yes: key "yes" is not "true" or "false"; bool key expected'],
    ['both members of a oneof', { text: 'a', picked: {} }, 'data: "text" and "picked" are both members of oneof choice; set at most one'],
    ['an unknown nested field', { items: [{ skuId: 's', colour: 'x' }] }, 'data.items[0]: unknown field "colour"; typed.Item has sku_id, count, tags'],
    ['an unknown top-level field', { nope: 1 }, 'data: unknown field "nope"; typed.Typed has request_id'],
    ['one field given twice', { item: { sku_id: 'a', skuId: 'b' } }, 'data.item.skuId: field "sku_id" is given twice (as "sku_id" and "skuId"); give it once'],
    ['proto2 required fields missing', { legacy: { level: 1, part: {} } }, 'data.legacy.part.serial: required field of legacy.Part is missing; data.legacy.id: required field of legacy.Legacy is missing'],
    ['a proto2 required field given null', { legacy: { id: null, part: { serial: 1 } } }, 'data.legacy.id: required field of legacy.Legacy is missing'],
    ['invalid base64', { blob: '%%%' }, 'data.blob: "%%%" is not valid base64; bytes expected as standard or URL-safe base64'],
    ['base64 with bits past its end', { blob: 'YR==' }, 'data.blob: "YR==" is not valid base64'],
    ['base64 of the wrong length', { blob: 'abcde' }, 'data.blob: "abcde" is not valid base64'],
    ['base64 mixing both alphabets', { blob: 'a+_b' }, 'data.blob: "a+_b" is not valid base64'],
    ['a list where one value belongs', { item: [{}] }, 'data.item: [{}] is not an object; typed.Item expected'],
    ['one value where a list belongs', { bigs: '5' }, 'data.bigs: "5" is not a list; repeated int64 expected'],
    ['null in a list', { bigs: ['1', null] }, 'data.bigs[1]: null is not a list element; int64 expected'],
    ['a Timestamp that is not RFC 3339', { at: '2024-01-01 00:00:00' }, 'data.at: "2024-01-01 00:00:00" is not RFC 3339; Timestamp expected as an RFC 3339 string such as "2024-01-01T00:00:00Z"'],
    ['a Timestamp on a day that does not exist', { at: '2023-02-29T00:00:00Z' }, 'data.at: "2023-02-29T00:00:00Z" is not a valid date and time'],
    ['a Timestamp as an object', { at: { seconds: 1 } }, 'data.at: {"seconds":1} is not a string; Timestamp expected'],
    ['a Duration without its "s"', { ttl: '1.5' }, 'data.ttl: "1.5" is not a duration; Duration expected as seconds with an "s" suffix, such as "1.5s"'],
    ['a Duration finer than nanoseconds', { ttl: '0.0000000001s' }, 'data.ttl: "0.0000000001s" is not a duration'],
    ['a Duration past 10,000 years', { ttl: '315576000001s' }, 'data.ttl: "315576000001s" is out of range; Duration expected within ±315576000000s'],
    ['a FieldMask path in snake_case', { mask: 'sku_id' }, 'data.mask: "sku_id": path "sku_id" is not lowerCamelCase'],
    ['a wrapper holding the wrong kind', { maybeFlag: 1 }, 'data.maybeFlag: 1 is not a boolean; bool expected (true or false)'],
    ['Infinity in a Value', { anything: Infinity }, 'data.anything: Infinity cannot be a google.protobuf.Value (JSON has no NaN or Infinity)'],
    ['an Any of a type the proto lacks', { extra: { '@type': 'type.googleapis.com/other.Thing', a: 1 } }, 'data.extra["@type"]: "type.googleapis.com/other.Thing" names a message that is not in the proto or its imports; an Any can hold only those'],
    ['an Any without @type', { extra: { skuId: 's' } }, 'data.extra["@type"]: nothing is not a type URL'],
    ['an Any whose payload is wrong', { extra: { '@type': 'type.googleapis.com/typed.Item', count: 'x' } }, 'data.extra.count: "x" is not a decimal whole number; int32 expected'],
  ];

  it.each(cases)('%s', (_what, data, line) => {
    expect(problemOf(data)).toContain(line);
  });

  it('proto2 required fields and json_name come from reflection descriptors too', () => {
    // As protoc writes them (proto-loader's own descriptors of a .proto keep neither).
    const file = {
      name: 'l.proto',
      package: 'l',
      syntax: 'proto2',
      messageType: [{ name: 'L', field: [{ name: 'id', number: 1, label: 2, type: 9, jsonName: 'ident' }, { name: 'level_no', number: 2, label: 1, type: 5, jsonName: 'levelNo' }] }],
      service: [{ name: 'S', method: [{ name: 'M', inputType: '.l.L', outputType: '.l.L', clientStreaming: true, serverStreaming: true }] }],
    };
    const set = descriptor.FileDescriptorSet.encode(descriptor.FileDescriptorSet.fromObject({ file: [file] })).finish();
    const fromReflection = loadBidiMethodFromDescriptorSet(Buffer.from(set), 'l.S/M', 'test descriptors');

    expect(problemOf({ levelNo: 1 }, fromReflection)).toBe('data.id: required field of l.L is missing');
    expect(convertRequestData(fromReflection, { ident: 'x', level_no: 2 })).toEqual({ id: 'x', level_no: 2 });
  });

  it('names every problem in one line, the first five and how many more', () => {
    const line = problemOf({ big: 'x', ubig: 'x', small: 'x', usmall: 'x', zigzag: 'x', fixed: 'x', flag: 'x' });
    expect(line.match(/data\.\w+(?=: )/g)).toEqual(['data.big', 'data.ubig', 'data.small', 'data.usmall', 'data.zigzag']);
    expect(line).toMatch(/; and 2 more problems$/);
  });
});

describe('convertRequestData: where a template may sit', () => {
  it("ghz's numeric call variables fill number fields as the tags they stand for", () => {
    const data = { big: '{{.TimestampUnixMilli}}', small: '{{ .RequestNumber }}' };
    expect(convertRequestData(method, data)).toEqual(data);
    expect(compileMessageTemplate(convertRequestData(method, data)).build({ workerId: 0, streamId: 9, messageIndex: 0 })).toMatchObject({ small: 9, big: expect.any(Number) });
    expect(problemOf({ small: '{{.TimestampUnixMilli}}' })).toContain('does not fit int32; use an int64 field');
    expect(problemOf({ small: '{{.WorkerID}}' })).toContain('a template cannot fill a int32 field except as one numeric template alone');
  });

  it.each([
    ['{{timestamp}} in an int32', { small: '{{timestamp}}' }, 'data.small: "{{timestamp}}": {{timestamp}} (milliseconds since 1970, about 1.8e12) does not fit int32; use an int64 field'],
    ['{{randomInt}} past a uint32', { usmall: '{{randomInt -1 5}}' }, 'data.usmall: "{{randomInt -1 5}}": {{randomInt}} bounds are out of range for uint32 (0 to 4294967295)'],
  ] as Array<[string, Message, string]>)('%s: the numeric tag must fit the field', (_what, data, line) => {
    expect(problemOf(data)).toBe(line);
  });

  const cases: Array<[what: string, data: Message, line: string]> = [
    ['text around a numeric tag', { big: 'n{{messageIndex}}' }, 'data.big: "n{{messageIndex}}": a template cannot fill a int64 field except as one numeric template alone'],
    ['a string tag in a number field', { score: '{{uuid}}' }, 'data.score: "{{uuid}}": a template cannot fill a double field except as one numeric template alone'],
    ['a template in a bool', { flag: '{{streamId}}' }, 'data.flag: "{{streamId}}": a template cannot fill a bool field'],
    ['a template in an enum', { colour: '{{randomInt 1 2}}' }, 'data.colour: "{{randomInt 1 2}}": a template cannot fill an enum field'],
    ['a template in bytes', { blob: '{{randomString 8}}' }, 'data.blob: "{{randomString 8}}": a template cannot fill a bytes field'],
    ['a template in a Timestamp', { at: '{{timestamp}}' }, 'data.at: "{{timestamp}}": a template cannot fill a google.protobuf.Timestamp field'],
    ['a template inside an Any', { extra: { '@type': 'type.googleapis.com/typed.Item', skuId: '{{uuid}}' } }, 'data.extra.skuId: "{{uuid}}": a template cannot fill a field inside an Any (an Any is encoded once)'],
  ];

  it.each(cases)('%s', (_what, data, line) => {
    const message = problemOf(data);
    expect(message).toContain(line);
    expect(message).toMatch(/; templates fill string fields \(any template\) and number fields \(one of .*, alone\)$/);
  });
});
