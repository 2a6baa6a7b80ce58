import { BenchError } from '../errors/bench-error.js';
import { showValue } from './format-issues.js';
import { GHZ_VARIABLES } from './template-tags.js';

/** What ghz's call-data variables and functions may need to know of the call. */
export interface GhzCallNames {
  /** As given: `package.Service/Method` or `package.Service.Method`. */
  call: string;
}

/**
 * ghz's call variable `name` (Go text/template `{{.Name}}`, without the dot) as grpc-bench template
 * text (`w{{workerId}}`), or literal text from the call name; undefined for a name ghz does not have.
 */
export function ghzVariableTemplate(name: string, names: GhzCallNames): string | undefined {
  const slash = names.call.lastIndexOf('/');
  const cut = slash >= 0 ? slash : names.call.lastIndexOf('.');
  const service = names.call.slice(0, cut);
  const method = names.call.slice(cut + 1);
  switch (name) {
    // One number per call, unique in the run: a call is a stream here.
    case 'RequestNumber':
      return '{{streamId}}';
    case 'WorkerID':
      return 'w{{workerId}}';
    case 'UUID':
      return '{{uuid}}';
    case 'Timestamp':
      return '{{timestampIso}}';
    case 'TimestampUnix':
      return '{{timestampSeconds}}';
    case 'TimestampUnixMilli':
      return '{{timestamp}}';
    case 'TimestampUnixNano':
      return '{{timestampNanos}}';
    case 'FullyQualifiedName':
      return `${service}.${method}`;
    case 'MethodName':
      return method;
    case 'ServiceName':
      return service;
    // The method's facts: filled once the method is loaded (the template compiler's tags).
    case 'InputName':
      return '{{inputName}}';
    case 'OutputName':
      return '{{outputName}}';
    case 'IsClientStreaming':
      return '{{isClientStreaming}}';
    case 'IsServerStreaming':
      return '{{isServerStreaming}}';
    default:
      return undefined;
  }
}

/** ghz's template functions → grpc-bench tags. */
function call(fn: string, args: string[], where: string, text: string): string | undefined {
  const ints = args.map(Number);
  const bad = (): BenchError => new BenchError('TEMPLATE_INVALID', `${where}: ${fn} takes ${fn === 'randomInt' ? 'two whole numbers MIN MAX' : 'one whole number'}, got ${showValue(text)}`);
  switch (fn) {
    case 'newUUID':
      if (args.length) throw bad();
      return '{{uuid}}';
    case 'randomString':
      if (args.length !== 1 || !Number.isInteger(ints[0])) throw bad();
      // ghz: a length ≤ 0 draws a length from 2 to 16.
      return ints[0]! <= 0 ? '{{randomString 2 16}}' : `{{randomString ${ints[0]}}}`;
    case 'randomInt': {
      if (args.length !== 2 || !ints.every(Number.isInteger)) throw bad();
      // ghz draws from [min, max); grpc-bench's bounds are both inclusive.
      const [min, max] = ints as [number, number];
      return `{{randomInt ${min} ${Math.max(min, max - 1)}}}`;
    }
    default:
      return undefined;
  }
}

const GHZ_ACTION = /\{\{-?\s*([^}]*?)\s*-?\}\}/g;

/**
 * Rewrites ghz's call-data templates in one string (`{{.RequestNumber}}`, `{{newUUID}}`,
 * `{{randomString 8}}`, `{{randomInt 1 10}}` …) into grpc-bench's. A Go template action this
 * cannot translate (sprig functions, pipelines, variables ghz does not have) is
 * TEMPLATE_INVALID naming it. `where` names the field in errors.
 */
export function translateGhzTemplate(text: string, names: GhzCallNames, where: string, functions = true): string {
  return text.replace(GHZ_ACTION, (whole, action: string) => {
    const variableName = /^\.(\w+)$/.exec(action)?.[1];
    if (variableName !== undefined) {
      const translated = ghzVariableTemplate(variableName, names);
      if (translated === undefined) throw new BenchError('TEMPLATE_INVALID', `${where}: ${showValue(whole)}: grpc-bench ghz fills ${GHZ_VARIABLES.slice(0, -1).map((v) => `.${v}`).join(', ')} and .${GHZ_VARIABLES.at(-1)}`);
      return translated;
    }
    const [fn, ...args] = action.split(/\s+/);
    const translated = fn === undefined ? undefined : call(fn, args, where, whole);
    if (translated === undefined) throw new BenchError('TEMPLATE_INVALID', `${where}: ${showValue(whole)}: grpc-bench ghz knows the functions newUUID, randomString N and randomInt MIN MAX (no sprig functions or pipelines)`);
    if (!functions) throw new BenchError('TEMPLATE_INVALID', `${where}: ${showValue(whole)}: template functions are disabled (--disable-template-functions)`);
    return translated;
  });
}

/** translateGhzTemplate over every string of a JSON value (data or metadata); `where` is its path. */
export function translateGhzTemplates<T>(value: T, names: GhzCallNames, where: string, functions = true): T {
  if (typeof value === 'string') return translateGhzTemplate(value, names, where, functions) as T;
  if (Array.isArray(value)) return value.map((item, i) => translateGhzTemplates(item, names, `${where}[${i}]`, functions)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, translateGhzTemplates(item, names, `${where}.${key}`, functions)])) as T;
  }
  return value;
}
