import type { Scenario } from '../scenario/scenario-schema.js';

/** The response field by which the reference Order service, and services built like it, say which version answered. */
export const SERVED_BY_FIELD = 'served_by';

/**
 * A canary's sides are named by the version that answered them: when the scenario asks for no split and the
 * method's response (from the proto, or from server reflection once connected) has `served_by`, the side's
 * results are split by it (report `versions`), so the comparison reads "v1 vs v2" rather than by run name.
 */
export function splitByServedBy(scenario: Scenario, responseFields: readonly string[]): Scenario {
  if (scenario.split || !responseFields.includes(SERVED_BY_FIELD)) return scenario;
  return { ...scenario, split: { by: SERVED_BY_FIELD } };
}
