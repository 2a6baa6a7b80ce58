import { isAbsolute, resolve } from 'node:path';
import { parseTolerances } from '../compare/parse-tolerances.js';
import { readFileSync } from 'node:fs';
import { checkRequestData, loadBidiMethod, loadBidiMethodFromDescriptorSet, normaliseCallName, type BidiMethod } from '../driver/load-method.js';
import { methodFacts } from '../driver/bidi-method.js';
import { BenchError } from '../errors/bench-error.js';
import { compileMessageTemplate, compileMetadataTemplate, compileRequestData } from '../scenario/compile-message-template.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { ORDER_PROTO_PATH } from '../target/order-proto-path.js';
import type { TlsMaterial } from '../types/worker-protocol.js';
import { requestMessages, type RequestData } from '../types/call-kind.js';
import { readTlsFiles } from './read-tls-files.js';
import { checkFlow, checkFlowTemplates } from './check-flow.js';

/** What the checks resolved, so the run does not load the proto twice. */
export interface CheckedScenario {
  /**
   * Absolute path of the .proto (the bundled order.proto for the embedded target when the
   * scenario names none); absent when the method is to be found by server reflection.
   */
  protoPath?: string;
  importPaths: string[];
  /** "package.Service/Method". */
  call: string;
  /** `protoset`: the file's descriptors (base64), which the workers load the method from as from reflection. */
  descriptorSet?: string;
  /** Absent with server reflection: the run finds it once connected, then calls checkMethod. */
  method?: BidiMethod;
  /** The scenario's TLS files, read and checked (PEM text). */
  tls?: TlsMaterial;
  /** The request data converted for the method (checkMethod); absent with server reflection until then. */
  data?: RequestData;
}

/** Nesting of the request data beyond what protobuf decoders accept (and what templates compile). */
const MAX_DATA_DEPTH = 100;

/** The path of the first value nested deeper than `levels` below `where`, if any. */
function deeperThan(value: unknown, levels: number, where: string): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (levels === 0) return where;
  for (const [key, child] of Object.entries(value)) {
    const found = deeperThan(child, levels - 1, Array.isArray(value) ? `${where}[${key}]` : `${where}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The scenario's .proto; without one, the bundled order.proto for the embedded target, else undefined (server reflection). */
export function resolveProtoPath(scenario: Pick<Scenario, 'proto' | 'baseDir' | 'target' | 'compare'>): string | undefined {
  if (scenario.proto === undefined) {
    const targets = scenario.compare ? [scenario.compare.baseline, scenario.compare.candidate] : [scenario.target];
    return targets.every((target) => target === 'embedded') ? ORDER_PROTO_PATH : undefined;
  }
  return isAbsolute(scenario.proto) ? scenario.proto : resolve(scenario.baseDir, scenario.proto);
}

/** The scenario's protoset file, read whole; PROTO_INVALID naming it when it cannot be read. */
function readProtoset(scenario: Pick<Scenario, 'protoset' | 'baseDir'>): { path: string; bytes: Buffer } {
  const path = isAbsolute(scenario.protoset!) ? scenario.protoset! : resolve(scenario.baseDir, scenario.protoset!);
  try {
    return { path, bytes: readFileSync(path) };
  } catch (error) {
    throw new BenchError('PROTO_INVALID', `protoset: cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

/** A context for the one message rendered to check that templated data encodes. */
const SAMPLE_CONTEXT = { workerId: 0, streamId: 0, messageIndex: 0, callIndex: 0 };

/**
 * The checks that need the method: request data, correlateBy, split.by and the flow against its
 * messages. Returns the request data converted for the method (what the workers are given),
 * after one message rendered from it went through the method's serializer.
 */
export function checkMethod(scenario: Scenario, method: BidiMethod): RequestData {
  const data = checkRequestData(method, scenario.data, scenario.stream.correlateBy);
  if (scenario.split && !scenario.split.by.startsWith('header:') && !method.responseFields.includes(scenario.split.by)) {
    throw new BenchError('SCENARIO_INVALID', `split.by: "${scenario.split.by}" is not a field of the response message; it has ${method.responseFields.join(', ')}`);
  }
  requestMessages(data).forEach((message, i) => {
    try {
      method.definition.requestSerialize(compileMessageTemplate(message, scenario.stream.correlateBy, undefined, 'data', methodFacts(method)).build({ ...SAMPLE_CONTEXT }));
    } catch (error) {
      const where = Array.isArray(data) ? `data[${i}]` : 'data';
      throw new BenchError('MESSAGE_INVALID', `${where}: a message rendered from it does not encode: ${(error as Error).message}`);
    }
  });
  if (scenario.flow && method.kind !== 'bidi') {
    throw new BenchError('SCENARIO_INVALID', `stream.flow: a flow needs a bidirectional streaming method; ${scenario.call} is ${method.kind}`);
  }
  if (scenario.flow) checkFlow({ ...scenario, flow: scenario.flow }, method);
  return data;
}

/**
 * Every check of a validated scenario that needs no connection: the proto and the bidi
 * method in it, the request data against the request message, correlateBy, split.by and the
 * flow's steps against both messages (after connecting, when the method comes from server reflection),
 * the message templates, the canary tolerances and the TLS files. `run` calls it
 * before any load; `validate` calls it and stops there. Throws BenchError, its line led by the
 * scenario file when there is one (as the schema's errors are).
 */
export function checkScenario(scenario: Scenario): CheckedScenario {
  try {
    return checkCall(scenario);
  } catch (error) {
    if (!(error instanceof BenchError) || scenario.sourceFile === undefined) throw error;
    throw new BenchError(error.code, `${scenario.sourceFile}: ${error.message}`);
  }
}

function checkCall(scenario: Scenario): CheckedScenario {
  const protoPath = resolveProtoPath(scenario);
  const importPaths = scenario.importPaths.map((p) => resolve(scenario.baseDir, p));
  const call = normaliseCallName(scenario.call);
  const protoset = protoPath === undefined && scenario.protoset !== undefined ? readProtoset(scenario) : undefined;
  const method = protoPath !== undefined ? loadBidiMethod(protoPath, importPaths, call) : protoset ? loadBidiMethodFromDescriptorSet(protoset.bytes, call, `protoset ${protoset.path}`) : undefined;
  const tooDeep = deeperThan(scenario.data, MAX_DATA_DEPTH, 'data');
  if (tooDeep !== undefined) {
    const where = tooDeep.length > 60 ? `${tooDeep.slice(0, 57)}...` : tooDeep;
    throw new BenchError('MESSAGE_INVALID', `${where}: nested more than ${MAX_DATA_DEPTH} levels deep; expected at most ${MAX_DATA_DEPTH} (protobuf's decoding limit)`);
  }
  // Template syntax first: a bad tag is named as such, whichever field holds it.
  compileRequestData(scenario.data, scenario.stream.correlateBy, false);
  if (scenario.flow) checkFlowTemplates(scenario.flow, scenario.stream.correlateBy);
  compileMetadataTemplate(scenario.metadata);
  const data = method ? checkMethod(scenario, method) : undefined;
  if (scenario.compare?.maxRegression !== undefined) parseTolerances(scenario.compare.maxRegression);
  const tls = readTlsFiles(scenario);
  return { importPaths, call, ...(protoPath === undefined ? {} : { protoPath }), ...(protoset ? { descriptorSet: protoset.bytes.toString('base64') } : {}), ...(method ? { method } : {}), ...(tls ? { tls } : {}), ...(data ? { data } : {}) };
}
