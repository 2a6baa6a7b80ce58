import { BenchError } from '../errors/bench-error.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { checkScenario } from './check-scenario.js';

/**
 * The stream driver does not execute flows yet: a scenario with one is refused, after every
 * check `validate` makes (so a bad flow is named as such), rather than run as if the flow were
 * not there. Call it before anything is started or written.
 */
export function refuseUnexecutedFlow(scenario: Scenario): void {
  if (scenario.flow === undefined) return;
  checkScenario(scenario);
  const origin = scenario.sourceFile ?? 'flags';
  throw new BenchError('SCENARIO_INVALID', `${origin}: stream.flow: flows are validated but not yet executed, so run cannot send this scenario (grpc-bench validate checks it)`);
}
