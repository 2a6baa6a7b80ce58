import { BenchError } from '../errors/bench-error.js';
import type { Scenario } from '../scenario/scenario-schema.js';

/**
 * Canary comparisons judge the one-answer-per-request figures only: a flow in a scenario with
 * `compare` is refused with one line rather than compared without its steps. Call it before
 * anything is started or written.
 */
export function refuseFlowComparison(scenario: Scenario): void {
  if (scenario.flow === undefined || scenario.compare === undefined) return;
  const origin = scenario.sourceFile ?? 'flags';
  throw new BenchError('SCENARIO_INVALID', `${origin}: stream.flow: canary comparisons (compare) do not judge flows yet; run the flow without compare`);
}
