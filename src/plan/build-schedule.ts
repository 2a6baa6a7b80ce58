import type { Schedule } from '../types/schedule.js';

/**
 * Stages (values absent = keep the previous one) → a Schedule. A level without stages holds
 * for the whole run; after the stages, the last level holds until the run's duration ends.
 */
export function buildSchedule(
  level: number | undefined,
  stages: Array<{ durationMs: number; value: number | undefined; ramp: boolean }>,
  runDurationMs: number | undefined,
): Schedule | undefined {
  if (level === undefined && stages.every((s) => s.value === undefined)) return undefined;
  const initial = level ?? (stages[0]!.ramp ? 0 : stages[0]!.value!);
  let previous = initial;
  const built = stages.map((s) => {
    const value = s.value ?? previous;
    const stage = { durationMs: s.durationMs, value, ramp: s.ramp && s.value !== undefined };
    previous = value;
    return stage;
  });
  const stagesMs = built.reduce((sum, s) => sum + s.durationMs, 0);
  const tailMs = (runDurationMs ?? Infinity) - stagesMs;
  if (tailMs > 0) built.push({ durationMs: tailMs, value: previous, ramp: false });
  return { initial, stages: built };
}
