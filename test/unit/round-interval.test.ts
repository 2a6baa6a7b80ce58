import { describe, expect, it } from 'vitest';
import { ROUND_WARMUP_MS, roundIntervalMs } from '../../src/run/run-interleaved.js';
import { planScenario } from '../../src/plan/plan-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';

function rounds(load: { duration?: string; messages?: number; warmup?: string }): number {
  const scenario = loadScenario({ overrides: { target: '127.0.0.1:1', insecure: true, load, compare: { baseline: '127.0.0.1:1', candidate: '127.0.0.1:2' } } });
  // The canary command leaves out 250 ms of each round unless the scenario has its own warm-up.
  return roundIntervalMs(planScenario(scenario, { defaultWarmupMs: ROUND_WARMUP_MS }).load);
}

describe('roundIntervalMs: every interleaved round gives the judge at least 4 full intervals', () => {
  it.each([
    ['5s', 1000],
    ['4s', 500],
    ['3s', 500],
    ['2s', 250],
    ['1.2s', 200],
    ['600ms', 100],
  ])('-z %s with the 250 ms warm-up → %i ms intervals', (duration, expected) => {
    expect(rounds({ duration })).toBe(expected);
  });

  it('a long round keeps the 1 s intervals', () => {
    expect(rounds({ duration: '30s' })).toBe(1000);
  });

  it('counts only the measured time: -z 5s with a 3 s warm-up gives 500 ms intervals', () => {
    expect(rounds({ duration: '5s', warmup: '3s' })).toBe(500);
  });

  it('a round bounded by messages, not time, keeps 1 s', () => {
    expect(rounds({ messages: 1000 })).toBe(1000);
  });
});
