/** A load schedule: the open model's message rate, or the active streams, over the run (see schedule/load-schedule.ts). */
export interface ScheduleStage {
  durationMs: number;
  /** Value at the end of the stage (messages/s, or streams). */
  value: number;
  /** true: linear from the previous stage's value; false: held for the whole stage. */
  ramp: boolean;
}

export interface Schedule {
  /** Value before the first stage ends when the first stage ramps (and the level before any stage). */
  initial: number;
  stages: ScheduleStage[];
}
