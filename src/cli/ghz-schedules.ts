import { BenchError } from '../errors/bench-error.js';
import { parseDurationMs } from '../scenario/parse-duration.js';

/** ghz's --load-* or --concurrency-* flags for one dimension. */
export interface GhzSchedule {
  schedule?: string;
  start?: number;
  end?: number;
  step?: number;
  stepDuration?: string;
  maxDuration?: string;
}

export interface StagesInput {
  /** The level at the start (load.rate or load.streams). */
  initial: number;
  stages: Array<{ duration: string; value: number; ramp: boolean }>;
}

const ms = (value: number): string => `${Math.round(value)}ms`;

/** A rising schedule with neither an end value nor a time limit runs this long at most (the run's call count ends it first). */
const OPEN_ENDED_MS = 24 * 3600 * 1000;

/**
 * Maps ghz's schedules onto grpc-bench stages: `const` is no stage at all; `step` holds
 * start, start+step, … each for step-duration until end (then holds end until max-duration);
 * `line` ramps from start by `step` per second until end (or until max-duration). A negative
 * step falls, never below 1. `flag` names the flag family in error messages ("--load" or
 * "--concurrency"). `openEnded` (ghz, whose -n ends the run): a rising schedule needs no end.
 */
export function ghzScheduleToStages(flag: string, options: GhzSchedule, openEnded = false): StagesInput | undefined {
  const kind = options.schedule ?? 'const';
  if (kind === 'const') return undefined;
  const need = (name: keyof GhzSchedule, value: number | string | undefined): number => {
    if (typeof value !== 'number' || !(value > 0)) throw new BenchError('USAGE', `${flag}-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${kind} schedule needs a number > 0, got ${value ?? 'nothing'}`);
    return value;
  };
  const duration = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const value = parseDurationMs(text);
    if (value === undefined || value <= 0) throw new BenchError('USAGE', `${flag}-${name}: expected a duration such as "10s", got "${text}"`);
    return value;
  };
  const start = need('start', options.start);
  const step = options.step;
  if (typeof step !== 'number' || step === 0) throw new BenchError('USAGE', `${flag}-step: ${kind} schedule needs a number other than 0 (negative falls), got ${step ?? 'nothing'}`);
  const maxMs = duration('max-duration', options.maxDuration);
  const end = options.end;
  if (end !== undefined && (step > 0 ? end < start : end > start)) {
    throw new BenchError('USAGE', `${flag}-end: must be ${step > 0 ? '≥' : '≤'} ${flag}-start (${start}) with a ${step > 0 ? 'rising' : 'falling'} ${flag}-step (${step}), got ${end}`);
  }
  // Falling: never below 1. Without an end or a time limit the schedule runs on until the run ends (ghz: until -n calls).
  const floor = step < 0 ? Math.max(end ?? 1, 1) : undefined;
  if (end === undefined && maxMs === undefined && !openEnded && step > 0) throw new BenchError('USAGE', `${flag}-end or ${flag}-max-duration: a ${kind} schedule needs one of them to end`);
  const limitMs = maxMs ?? (end === undefined && floor === undefined ? OPEN_ENDED_MS : undefined);
  const within = (value: number): boolean => (end === undefined || (step > 0 ? value <= end : value >= end)) && (floor === undefined || value >= floor);
  if (kind === 'step') {
    const stepMs = duration('step-duration', options.stepDuration);
    if (stepMs === undefined) throw new BenchError('USAGE', `${flag}-step-duration: a step schedule needs it, e.g. "5s"`);
    const stages: StagesInput['stages'] = [];
    let elapsed = 0;
    for (let value = start; within(value) && (limitMs === undefined || elapsed < limitMs); value += step) {
      const stageMs = limitMs === undefined ? stepMs : Math.min(stepMs, limitMs - elapsed);
      stages.push({ duration: ms(stageMs), value, ramp: false });
      elapsed += stageMs;
      if (stages.length > 10_000) break;
    }
    if (maxMs !== undefined && elapsed < maxMs) stages.push({ duration: ms(maxMs - elapsed), value: stages.at(-1)!.value, ramp: false });
    return { initial: start, stages };
  }
  if (kind === 'line') {
    const stopAt = end ?? floor;
    const rampMs = stopAt === undefined ? limitMs! : Math.max(((stopAt - start) / step) * 1000, 1);
    const rampEndMs = limitMs === undefined ? rampMs : Math.min(rampMs, limitMs);
    const stages: StagesInput['stages'] = [{ duration: ms(rampEndMs), value: start + (step * rampEndMs) / 1000, ramp: true }];
    if (maxMs !== undefined && rampEndMs < maxMs) stages.push({ duration: ms(maxMs - rampEndMs), value: stages[0]!.value, ramp: false });
    return { initial: start, stages };
  }
  throw new BenchError('USAGE', `${flag}-schedule: expected const, step or line, got "${kind}"`);
}

/** Combines rate and stream stage lists on one timeline (their boundaries merged). */
export function mergeStages(
  rate: StagesInput | undefined,
  streams: StagesInput | undefined,
): { rate?: number; streams?: number; stages?: Array<{ duration: string; rate?: number; streams?: number; ramp: boolean }> } {
  if (!rate && !streams) return {};
  if (rate && streams) {
    throw new BenchError('USAGE', '--load-schedule and --concurrency-schedule: give one of them (or use load.stages in a scenario file)');
  }
  const one = (rate ?? streams)!;
  const key = rate ? 'rate' : 'streams';
  return {
    [key]: one.initial,
    stages: one.stages.map((s) => ({ duration: s.duration, [key]: rate ? s.value : Math.max(Math.round(s.value), 1), ramp: s.ramp })),
  };
}
