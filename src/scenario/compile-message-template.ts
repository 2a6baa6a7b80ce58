import { randomUUID } from 'node:crypto';
import { BenchError } from '../errors/bench-error.js';
import { showValue } from './format-issues.js';
import { GHZ_VARIABLES, TEMPLATE_TAG } from './template-tags.js';
import { ghzVariableTemplate } from './translate-ghz-templates.js';
import type { RequestData } from '../types/call-kind.js';

/** What a template can refer to when one request message is built. */
export interface TemplateContext {
  workerId: number;
  /** Global stream number, unique within the run. */
  streamId: number;
  /** Message number within its stream, from 0. */
  messageIndex: number;
  /** Calls (streams) this worker opened before this one (default 0): picks a data list's message per call. */
  callIndex?: number;
  /** A flow's captured values by variable name, for the {{name}} tags of its sends. */
  variables?: Readonly<Record<string, string>>;
}

/** The method's facts that templates can name ({{inputName}} …, ghz's .InputName …): known once the method is loaded. */
export interface MethodFacts {
  /** Full names of the request and response messages, e.g. `helloworld.HelloRequest`. */
  inputName: string;
  outputName: string;
  clientStreaming: boolean;
  serverStreaming: boolean;
  /** `package.Service/Method`: ghz's {{.MethodName}}, {{.ServiceName}} and {{.FullyQualifiedName}}. */
  call: string;
}

/** What a tag can name when it is compiled: a flow's captured variables, the method's facts (absent before the method is known). */
interface TagScope {
  variables: ReadonlySet<string>;
  method?: MethodFacts | undefined;
}

export type MessageFactory = (context: TemplateContext) => Record<string, unknown>;

export interface CompiledMessage {
  build: MessageFactory;
  /** True when no string holds a template: the message can be encoded once and re-sent. */
  isStatic: boolean;
  /** The data every message is built from (with the correlation field added): static parts are shared as-is. */
  data: Record<string, unknown>;
}

type Piece = string | ((context: TemplateContext) => string | number);

// Not global: test() on a global pattern would carry lastIndex from one string to the next.
const HAS_TEMPLATE_TAG = new RegExp(TEMPLATE_TAG.source);

/** Whether building a message rewrites this string (it holds at least one tag). */
export function hasTemplate(text: string): boolean {
  return HAS_TEMPLATE_TAG.test(text);
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Random letters and digits; a large length makes building each message cost real CPU. */
function randomString(length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return text;
}

export function requestIdOf(context: TemplateContext): string {
  return `${context.workerId}-${context.streamId}-${context.messageIndex}`;
}

/** A method fact as text (`true`/`false` for the kinds, as ghz renders them); empty while the method is not known yet. */
function methodFact(name: string, method: MethodFacts | undefined): string {
  if (!method) return '';
  if (name === 'inputName') return method.inputName;
  if (name === 'outputName') return method.outputName;
  return String(name === 'isClientStreaming' ? method.clientStreaming : method.serverStreaming);
}

/**
 * ghz's call variable ({{.WorkerID}} …) rendered as `grpc-bench ghz` renders it in --data: through
 * the tags it stands for (its call-name facts empty while the method is not known yet).
 */
function compileGhzVariable(name: string, where: string, scope: TagScope): (context: TemplateContext) => string | number {
  const text = ghzVariableTemplate(name, { call: scope.method?.call ?? '' });
  if (text === undefined) {
    throw new BenchError('TEMPLATE_INVALID', `${where}: unknown ghz variable ${showValue(`{{.${name}}}`)}; expected one of ${GHZ_VARIABLES.map((v) => `.${v}`).join(', ')}`);
  }
  const pieces = compileString(text, where, scope);
  return pieces === undefined ? () => text : renderPieces(pieces);
}

function compileTag(tag: string, where: string, scope: TagScope): (context: TemplateContext) => string | number {
  const [name, ...args] = tag.split(/\s+/);
  const { variables } = scope;
  if (name !== undefined && args.length === 0 && variables.has(name)) return (c) => c.variables?.[name] ?? '';
  if (name?.startsWith('.') && args.length === 0) return compileGhzVariable(name.slice(1), where, scope);
  switch (name) {
    case 'inputName':
    case 'outputName':
    case 'isClientStreaming':
    case 'isServerStreaming': {
      const text = methodFact(name, scope.method);
      return () => text;
    }
    case 'requestId':
      return requestIdOf;
    case 'streamId':
      return (c) => c.streamId;
    case 'workerId':
      return (c) => c.workerId;
    case 'messageIndex':
      return (c) => c.messageIndex;
    case 'uuid':
      return () => randomUUID();
    case 'timestamp':
      return () => Date.now();
    case 'timestampSeconds':
      return () => Math.floor(Date.now() / 1000);
    // Beyond 2^53: text, so that no digit is lost (nanoseconds from the millisecond clock).
    case 'timestampNanos':
      return () => `${Date.now()}000000`;
    case 'timestampIso':
      return () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    case 'randomInt': {
      const [low, high] = args.map(Number);
      if (args.length !== 2 || !Number.isInteger(low) || !Number.isInteger(high) || low! > high!) {
        throw new BenchError('TEMPLATE_INVALID', `${where}: {{randomInt}} takes two whole numbers, low ≤ high, got ${showValue(`{{${tag}}}`)}`);
      }
      const span = high! - low! + 1;
      return () => low! + Math.floor(Math.random() * span);
    }
    case 'randomString': {
      // One length, or a range LOW HIGH of lengths drawn per message.
      const [low, high = low] = args.map(Number);
      if (args.length < 1 || args.length > 2 || !Number.isInteger(low) || !Number.isInteger(high) || low! < 0 || high! < low! || high! > 16_777_216) {
        throw new BenchError('TEMPLATE_INVALID', `${where}: {{randomString}} takes one length, or LOW HIGH lengths, from 0 to 16777216, got ${showValue(`{{${tag}}}`)}`);
      }
      const span = high! - low! + 1;
      return span === 1 ? () => randomString(low!) : () => randomString(low! + Math.floor(Math.random() * span));
    }
    default:
      throw new BenchError(
        'TEMPLATE_INVALID',
        `${where}: unknown template ${showValue(`{{${tag}}}`)}; expected one of requestId, streamId, workerId, messageIndex, uuid, timestamp, timestampSeconds, timestampNanos, timestampIso, randomInt LOW HIGH, randomString LENGTH (or LOW HIGH), inputName, outputName, isClientStreaming, isServerStreaming, ghz's .RequestNumber, .WorkerID …${variables.size ? `, or a captured variable (${[...variables].join(', ')})` : ''}`,
      );
  }
}

/** Splits one string into literal and template pieces; a lone "{{" or "}}" is an error. */
function compileString(text: string, where: string, scope: TagScope): Piece[] | undefined {
  const pieces: Piece[] = [];
  let last = 0;
  let dynamic = false;
  for (const match of text.matchAll(TEMPLATE_TAG)) {
    pieces.push(text.slice(last, match.index));
    pieces.push(compileTag(match[1]!, where, scope));
    dynamic = true;
    last = match.index! + match[0].length;
  }
  const rest = text.slice(last);
  if (rest.includes('{{') || rest.includes('}}') || pieces.some((p) => typeof p === 'string' && (p.includes('{{') || p.includes('}}')))) {
    throw new BenchError('TEMPLATE_INVALID', `${where}: unbalanced "{{" or "}}" in ${showValue(text)}`);
  }
  pieces.push(rest);
  return dynamic ? pieces.filter((p) => p !== '') : undefined;
}

/** A string's pieces rendered; a string that is exactly one tag keeps the tag's type (a number stays a number). */
function renderPieces(pieces: Piece[]): (context: TemplateContext) => string | number {
  if (pieces.length === 1 && typeof pieces[0] === 'function') return pieces[0];
  // Concatenated in a loop: no array or closure per message.
  return (c) => {
    let rendered = '';
    for (const piece of pieces) rendered += typeof piece === 'string' ? piece : String(piece(c));
    return rendered;
  };
}

function compileValue(value: unknown, where: string, scope: TagScope): ((c: TemplateContext) => unknown) | undefined {
  if (typeof value === 'string') {
    const pieces = compileString(value, where, scope);
    return pieces && renderPieces(pieces);
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileValue(item, `${where}[${i}]`, scope));
    if (items.every((f) => f === undefined)) return undefined;
    return (c) => items.map((f, i) => (f ? f(c) : value[i]));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, v, compileValue(v, `${where}.${k}`, scope)] as const);
    const dynamic = entries.filter((e): e is readonly [string, unknown, (c: TemplateContext) => unknown] => e[2] !== undefined);
    if (!dynamic.length) return undefined;
    // Static fields are copied from one base object; only templated ones are rebuilt per message.
    // Symbol-keyed marks (template-routed-framer.ts) are part of the base, so every message is
    // born with them: adding a property to a spread copy afterwards costs V8 far more than the copy.
    const base: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = dynamic.map(([k]) => k);
    const renderers = dynamic.map(([, , f]) => f);
    return (c) => {
      const message = { ...base };
      for (let i = 0; i < keys.length; i++) message[keys[i]!] = renderers[i]!(c);
      return message;
    };
  }
  return undefined;
}

const NO_VARIABLES: ReadonlySet<string> = new Set();

/**
 * Compiles the scenario's `data` once, so building a message per send is a few closure calls.
 * `correlateBy`: that request field is filled with {{requestId}} unless the data sets it.
 * `variables`: names a flow has captured by then, usable as {{name}} (from the context's
 * `variables`); `where` names the data in error lines (a flow step's message, say); `method`: the facts
 * {{inputName}} … render (empty text before the method is known, when only the syntax is checked).
 * Symbol-keyed properties of `data` are carried into every message as they are (no encoder reads them).
 */
export function compileMessageTemplate(data: Record<string, unknown>, correlateBy?: string, variables: ReadonlySet<string> = NO_VARIABLES, where = 'data', method?: MethodFacts): CompiledMessage {
  const withId = correlateBy && !(correlateBy in data) ? { ...data, [correlateBy]: '{{requestId}}' } : data;
  const build = compileValue(withId, where, { variables, method });
  if (!build) return { build: () => withId, isStatic: true, data: withId };
  return { build: build as MessageFactory, isStatic: false, data: withId };
}

/** Request data compiled: how each message is built, and the one template when the data is one message (for splicing). */
export interface CompiledRequestData {
  build: MessageFactory;
  /** Absent for a list of messages: each is encoded as built. */
  single?: CompiledMessage;
}

/**
 * Compiles `data`, one message or a list. A list is picked from round-robin: by message index
 * within the call when `perCall` is false (client streaming and bidi send it in order), by the
 * worker's call number when true (unary and server streaming send one per call).
 */
export function compileRequestData(data: RequestData, correlateBy: string | undefined, perCall: boolean, method?: MethodFacts): CompiledRequestData {
  if (!Array.isArray(data)) {
    const single = compileMessageTemplate(data, correlateBy, NO_VARIABLES, 'data', method);
    return { build: single.build, single };
  }
  const builds = data.map((message, i) => compileMessageTemplate(message, correlateBy, NO_VARIABLES, `data[${i}]`, method).build);
  const count = builds.length;
  return { build: perCall ? (c) => builds[(c.callIndex ?? 0) % count]!(c) : (c) => builds[c.messageIndex % count]!(c) };
}

/** Per-stream metadata: the keys whose values hold templates, rendered when a stream opens. */
export type MetadataFactory = (context: TemplateContext) => Record<string, string>;

/**
 * The metadata values that hold templates, compiled once; undefined when none does (the metadata
 * is then sent as it is). Values render as text. Throws TEMPLATE_INVALID naming `metadata.<key>`.
 */
export function compileMetadataTemplate(metadata: Record<string, string>, method?: MethodFacts): MetadataFactory | undefined {
  const entries = Object.entries(metadata).flatMap(([key, value]) => {
    const pieces = compileString(value, `metadata.${key}`, { variables: NO_VARIABLES, method });
    return pieces ? [[key, pieces] as const] : [];
  });
  if (!entries.length) return undefined;
  return (c) => {
    const rendered: Record<string, string> = {};
    for (const [key, pieces] of entries) {
      let text = '';
      for (const piece of pieces) text += typeof piece === 'string' ? piece : String(piece(c));
      rendered[key] = text;
    }
    return rendered;
  };
}
