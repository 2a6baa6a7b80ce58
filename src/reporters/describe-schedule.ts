import type { ReportSchedule } from '../report/report.js';
import { duration } from './format-units.js';

/** A segment's share of a rate can be fractional: up to two decimals. */
const level = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** A schedule in words: "100 msg/s for 10.00 s, then ramp from 100 to 500 msg/s over 5.00 s, then 500 msg/s to the end". */
export function describeSchedule(schedule: ReportSchedule, unit: string): string {
  let previous = schedule.initial;
  const parts = schedule.stages.map((stage) => {
    const span = stage.durationMs === undefined ? 'to the end' : `${stage.ramp ? 'over' : 'for'} ${duration(stage.durationMs)}`;
    const text = stage.ramp ? `ramp from ${level(previous)} to ${level(stage.value)} ${unit} ${span}` : `${level(stage.value)} ${unit} ${span}`;
    previous = stage.value;
    return text;
  });
  return parts.length ? parts.join(', then ') : `${level(schedule.initial)} ${unit}`;
}
