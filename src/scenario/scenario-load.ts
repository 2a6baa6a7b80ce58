/** One stage of `load.stages`, ms. */
export interface ScenarioStage {
  durationMs: number;
  /** Messages/s at the end of the stage (open model). */
  rate?: number;
  /** Concurrent streams at the end of the stage. */
  streams?: number;
  /** true: ramp linearly from the previous stage's values; false: hold for the stage. */
  ramp: boolean;
}

/**
 * The scenario's `load` section as written, durations in ms. What depends on the machine or on
 * other fields (the worker count, the schedules, a segment's share) is the plan's to decide.
 */
export interface ScenarioLoad {
  streams: number;
  connections: number;
  /** A count, "auto" (probes choose), or absent (the CPU count). */
  workers?: number | 'auto';
  durationMs?: number;
  messages?: number;
  /** Total calls (RPCs) across all stream slots. */
  calls?: number;
  /** The first calls of the run, left out of every figure (counted as skipped). */
  skipCalls?: number;
  rate?: number;
  stages?: ScenarioStage[];
  warmupMs: number;
  workerHeapMb?: number;
}

/** The run's length: load.duration, else the stages' total, else 10 s unless a message or call count bounds the run; ms. */
export function runDurationMs(load: {
  durationMs?: number | undefined;
  stages?: ReadonlyArray<{ durationMs: number }> | undefined;
  messages?: number | undefined;
  calls?: number | undefined;
}): number | undefined {
  if (load.durationMs !== undefined) return load.durationMs;
  if (load.stages?.length) return load.stages.reduce((sum, s) => sum + s.durationMs, 0);
  return load.messages === undefined && load.calls === undefined ? 10_000 : undefined;
}
