/**
 * A flow as the workers get it (`stream.flow` once validated, durations in ms) and what a worker
 * measured of it. The scenario's Flow type is checked to fit FlowSettings where it is declared.
 */

export type FlowScalar = string | number | boolean;
/** A value (equal to; text may hold captured {{variables}}), a list (one of), or presence. */
export type FlowFieldCondition = FlowScalar | FlowScalar[] | { present: boolean };
/** Response field (dotted path) → condition; all must hold. */
export type FlowPredicate = Record<string, FlowFieldCondition>;

export type FlowStepSettings =
  | { send: string; message?: Record<string, unknown> }
  | { await: string; until?: FlowPredicate; within: number; capture?: Record<string, string>; checks?: Record<string, FlowPredicate> }
  | { pause: number }
  | { repeat: number; steps: FlowStepSettings[] };

export interface FlowSettings {
  steps: FlowStepSettings[];
  unsolicited?: FlowPredicate;
  onTimeout: 'continue' | 'reopen';
}

/** One await step's figures; histograms are µs, HdrHistogram compressed base64. */
export interface AwaitStepFigures {
  /** Flow runs whose await matched. */
  matched: number;
  /** Flow runs ended as DEADLINE_EXCEEDED at this await. */
  timeouts: number;
  /** Responses of the flow run before the match (while awaiting), not matching `until`. */
  intermediate: number;
  /** Matching and intermediate responses by the value of the first field `until` compares with values ("(any)" without one); at most 32 values, the rest as "(other)". */
  byStatus: Record<string, number>;
  /** From the flow run's latest send (its due time for the first send in the open model) to the match. */
  matchHistogram: string;
  /** From the same moment to the first response of the flow run after it. */
  firstResponseHistogram: string;
}

/** What a worker measured of its flow runs started after the warm-up; every count is additive. */
export interface FlowFigures {
  runsStarted: number;
  runsCompleted: number;
  /** Ended as DEADLINE_EXCEEDED at an await. */
  runsTimedOut: number;
  /** Still running when their stream ended (the run stopped, the server ended it, or a re-open). */
  runsUnfinished: number;
  /** Requests sent by each send step. */
  sends: Record<string, number>;
  awaits: Record<string, AwaitStepFigures>;
  checks: Record<string, { passes: number; fails: number }>;
  /** Responses matching `unsolicited` or belonging to no flow run, by the value of the first field `unsolicited` compares with values ("(any)" without one), bounded like byStatus. */
  unsolicited: Record<string, number>;
  /** Responses of a flow run that arrived while it awaited nothing (during a pause). */
  unawaited: number;
}

/**
 * One version's flow figures in a split run (`split.by`): the flow runs whose responses that
 * version answered (a run's version is that of its first response carrying the split field or
 * header). Sends are not split (a run's sends go out before its version is known): `sends` is
 * empty. Unsolicited responses count under their own version.
 */
export interface VersionFlowFigures extends FlowFigures {
  /** Flow runs of this version that also got a response labelled with another version (counted once per run). */
  runsMixedVersions: number;
}

/** One await step's figures in one interval (see FlowIntervalFigures). */
export interface AwaitIntervalFigures {
  matched: number;
  timeouts: number;
  /** This interval's match latencies (µs), HdrHistogram compressed base64; '' when none. */
  matchHistogram: string;
}

/**
 * A flow's figures in one interval: every value was counted in exactly one interval, so the
 * intervals of a run sum to its FlowFigures (runs, matches, timeouts, checks, unsolicited).
 */
export interface FlowIntervalFigures {
  runsStarted: number;
  runsCompleted: number;
  runsTimedOut: number;
  /** Unsolicited responses, every status together. */
  unsolicited: number;
  awaits: Record<string, AwaitIntervalFigures>;
  checks: Record<string, { passes: number; fails: number }>;
}
