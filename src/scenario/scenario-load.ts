import type { Schedule } from '../types/schedule.js';

/** The load of a finished scenario: defaults applied, durations in ms, this segment's share taken. */
export interface ScenarioLoad {
  /** Stream slots: the most streams open at once (load.streams, or the largest stage). */
  streams: number;
  connections: number;
  /** Worker threads; with chooseWorkers, the most that probes may try. */
  workers: number;
  /** `workers: auto`: probe 1, 2, 4 … up to `workers` and run with the count that pays (see probe-worker-counts.ts). */
  chooseWorkers?: boolean;
  durationMs?: number;
  messages?: number;
  /** Open model: messages/s over time across all workers. Absent: closed model. */
  rateSchedule?: Schedule;
  /** Active streams over time; absent: all slots for the whole run. */
  streamSchedule?: Schedule;
  /** Segments: the id of this process's first stream (default 0) … */
  firstStreamId?: number;
  /** … and the whole run's stream count, the step of re-opened streams' ids (default: streams). */
  streamIdStride?: number;
  warmupMs: number;
  workerHeapMb?: number;
}
