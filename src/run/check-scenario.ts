import { isAbsolute, resolve } from 'node:path';
import { parseTolerances } from '../compare/parse-tolerances.js';
import { checkRequestData, loadBidiMethod, normaliseCallName, type BidiMethod } from '../driver/load-method.js';
import { BenchError } from '../errors/bench-error.js';
import { compileMessageTemplate } from '../scenario/compile-message-template.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { ORDER_PROTO_PATH } from '../target/order-proto-path.js';

/** What the checks resolved, so the run does not load the proto twice. */
export interface CheckedScenario {
  /** Absolute path of the .proto (the bundled order.proto when the scenario names none). */
  protoPath: string;
  importPaths: string[];
  /** "package.Service/Method". */
  call: string;
  method: BidiMethod;
}

export function resolveProtoPath(scenario: Pick<Scenario, 'proto' | 'baseDir'>): string {
  if (scenario.proto === undefined) return ORDER_PROTO_PATH;
  return isAbsolute(scenario.proto) ? scenario.proto : resolve(scenario.baseDir, scenario.proto);
}

/**
 * Every check of a validated scenario that needs no connection: the proto and the bidi
 * method in it, the request data against the request message, correlateBy and split.by
 * against both messages, the message templates and the canary tolerances. `run` calls it
 * before any load; `validate` calls it and stops there. Throws BenchError.
 */
export function checkScenario(scenario: Scenario): CheckedScenario {
  const protoPath = resolveProtoPath(scenario);
  const importPaths = scenario.importPaths.map((p) => resolve(scenario.baseDir, p));
  const call = normaliseCallName(scenario.call);
  const method = loadBidiMethod(protoPath, importPaths, call);
  checkRequestData(method, scenario.data, scenario.stream.correlateBy);
  if (scenario.split && !scenario.split.by.startsWith('header:') && !method.responseFields.includes(scenario.split.by)) {
    throw new BenchError('SCENARIO_INVALID', `split.by: "${scenario.split.by}" is not a field of the response message; it has ${method.responseFields.join(', ')}`);
  }
  compileMessageTemplate(scenario.data, scenario.stream.correlateBy);
  if (scenario.compare?.maxRegression !== undefined) parseTolerances(scenario.compare.maxRegression);
  return { protoPath, importPaths, call, method };
}
