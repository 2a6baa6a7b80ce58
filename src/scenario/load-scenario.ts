import { dirname, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { BenchError } from '../errors/bench-error.js';
import { formatIssues, showValue, type KeyLocator } from './format-issues.js';
import { readScenarioText } from './read-scenario-text.js';
import { finishScenario, scenarioSchema, type Scenario, type ScenarioInput } from './scenario-schema.js';

export interface LoadScenarioOptions {
  /** The scenario file; without it, the flags alone describe the run. */
  file?: string;
  /** Values from CLI flags, in the scenario's shape; they win over the file. */
  overrides?: DeepPartial<ScenarioInput>;
  cwd?: string;
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Flags win over the file, key by key; `data` and `metadata` from a flag replace the file's whole. */
export function mergeOverrides(base: unknown, overrides: Record<string, unknown>): unknown {
  if (!isPlainObject(base)) return overrides;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const replaceWhole = key === 'data' || key === 'metadata';
    merged[key] = !replaceWhole && isPlainObject(value) && isPlainObject(base[key]) ? mergeOverrides(base[key], value) : value;
  }
  return merged;
}

/** The `file:line` of the key at `path` in the document, for error lines. */
function keyLocator(file: string, document: Document, lineCounter: LineCounter): KeyLocator {
  return (path, key) => {
    const map = path.length ? document.getIn(path as unknown[], true) : document.contents;
    if (!isMap(map)) return undefined;
    const pair = map.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
    const offset = pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    return offset === undefined ? undefined : `${file}:${lineCounter.linePos(offset).line}`;
  };
}

function readYaml(file: string, shownAs: string): { content: unknown; locate: KeyLocator } {
  const text = readScenarioText(file);
  // Duplicate keys are found in one pass below: yaml's own check is quadratic in a mapping's size.
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { uniqueKeys: false, lineCounter });
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const where = first.linePos?.[0] ? `line ${first.linePos[0].line}, column ${first.linePos[0].col}` : 'somewhere';
    throw new BenchError('SCENARIO_UNREADABLE', `${file}: not valid YAML at ${where}: ${first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  const duplicate = firstDuplicateKey(document, lineCounter);
  if (duplicate) throw new BenchError('SCENARIO_UNREADABLE', `${file}: not valid YAML at ${duplicate.where}: the key ${showValue(duplicate.key)} appears twice in one mapping`);
  let content: unknown;
  try {
    content = document.toJS();
  } catch (error) {
    // e.g. aliases that expand too far
    throw new BenchError('SCENARIO_UNREADABLE', `${file}: cannot use the YAML: ${String((error as Error).message).split('\n')[0]}`);
  }
  const locate = keyLocator(shownAs, document, lineCounter);
  if (content === null || content === undefined) return { content: {}, locate };
  if (!isPlainObject(content)) {
    throw new BenchError('SCENARIO_INVALID', `${file}: expected a mapping of scenario keys at the top level, got ${Array.isArray(content) ? 'a list' : showValue(content)}`);
  }
  const cycle = findCycle(content, []);
  if (cycle) throw new BenchError('SCENARIO_INVALID', `${file}: ${cycle.join('.')}: an alias refers to a mapping or list that contains it; expected no cycles`);
  return { content, locate };
}

/** The first key that a mapping holds twice, with its place (`line L, column C`). */
function firstDuplicateKey(document: Document, lineCounter: LineCounter): { key: string; where: string } | undefined {
  let found: { key: string; offset: number } | undefined;
  visit(document, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const item of map.items) {
        const key = isScalar(item.key) ? String(item.key.value) : item.key;
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        found = { key: String(key), offset: isScalar(item.key) ? (item.key.range?.[0] ?? 0) : 0 };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (!found) return undefined;
  const { line, col } = lineCounter.linePos(found.offset);
  return { key: found.key, where: `line ${line}, column ${col}` };
}

/** The path at which a value (YAML aliases make shared ones) contains one of its own ancestors. */
function findCycle(value: unknown, path: string[], ancestors = new Set<object>()): string[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (ancestors.has(value)) return path;
  ancestors.add(value);
  for (const [key, child] of Object.entries(value)) {
    const found = findCycle(child, [...path, key], ancestors);
    if (found) return found;
  }
  ancestors.delete(value);
  return undefined;
}

/**
 * Validate once at the edge: read the file (if any), lay the flags over it, check the whole
 * against the one schema, reporting every problem at once, then apply defaults and freeze.
 */
export function loadScenario(options: LoadScenarioOptions = {}): Scenario {
  const cwd = options.cwd ?? process.cwd();
  const file = options.file === undefined ? undefined : resolve(cwd, options.file);
  const fromFile = file === undefined ? undefined : readYaml(file, options.file!);
  const input = mergeOverrides(fromFile?.content ?? {}, (options.overrides ?? {}) as Record<string, unknown>);
  const result = scenarioSchema.safeParse(input);
  if (!result.success) {
    const origin = options.file ?? 'flags';
    throw new BenchError('SCENARIO_INVALID', `${origin}: ${formatIssues(result.error.issues, input, fromFile?.locate)}`);
  }
  const baseDir = file === undefined ? cwd : dirname(file);
  return Object.freeze(finishScenario(result.data, baseDir, file));
}
