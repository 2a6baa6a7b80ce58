import type { DeepPartial } from '../scenario/load-scenario.js';
import type { ScenarioInput } from '../scenario/scenario-schema.js';
import { ghzScheduleToStages, mergeStages, type GhzSchedule } from './ghz-schedules.js';

type Family = 'load' | 'concurrency';

/** The flags of both schedules, e.g. --load-start, --concurrency-step-duration. */
type ScheduleFlags = { [K in `${Family}-${'schedule' | 'step-duration' | 'max-duration'}`]?: string } & { [K in `${Family}-${'start' | 'end' | 'step'}`]?: number };

/**
 * ghz's --load-* and --concurrency-* flags → load.stages with load.rate or load.streams at the
 * start; those win over -r and -c. Nothing without a step or line schedule. Throws USAGE.
 */
export function scheduleFlagOverrides(flags: ScheduleFlags): DeepPartial<ScenarioInput> {
  const schedule = (family: Family): GhzSchedule => ({
    schedule: flags[`${family}-schedule`],
    start: flags[`${family}-start`],
    end: flags[`${family}-end`],
    step: flags[`${family}-step`],
    stepDuration: flags[`${family}-step-duration`],
    maxDuration: flags[`${family}-max-duration`],
  });
  const { rate, streams, stages } = mergeStages(ghzScheduleToStages('--load', schedule('load')), ghzScheduleToStages('--concurrency', schedule('concurrency')));
  return { load: { rate, streams, stages } };
}
