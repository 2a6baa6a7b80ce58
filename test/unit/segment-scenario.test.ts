import { describe, expect, it } from 'vitest';
import { flagsToOverrides } from '../../src/cli/flags-to-overrides.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { planScenario } from '../../src/plan/plan-scenario.js';
import { benchErrorOf } from '../helpers/bench-error-of.js';


const load = { streams: 10, connections: 3, workers: 2, messages: 100 };

describe('scenario segment', () => {
  it('a segment scenario runs its share of the load, numbering its streams within the whole run', () => {
    const scenario = loadScenario({ overrides: { load, segment: '2/3' } });
    expect(scenario.segment).toEqual({ index: 2, count: 3 });
    expect(planScenario(scenario).load).toMatchObject({ streams: 3, connections: 1, workers: 1, messages: 33, firstStreamId: 4, streamIdStride: 10 });
  });

  it('without a segment the load is the whole run', () => {
    const scenario = loadScenario({ overrides: { load } });
    expect(scenario.segment).toBeUndefined();
    expect(planScenario(scenario).load.firstStreamId).toBeUndefined();
    expect(planScenario(scenario).load.streams).toBe(10);
  });

  it('--segment sets segment', () => {
    expect(flagsToOverrides({ segment: '1/2' }, undefined).segment).toBe('1/2');
  });

  it.each([
    ['4/3', 'segment: the segment index must be within 1..3, got "4/3"'],
    ['0/3', 'segment: the segment index must be within 1..3, got "0/3"'],
    ['two of three', 'segment: expected "i/n" such as "1/3" (part i of n, from 1), got "two of three"'],
    ['1/4', 'segment: 4 segments need at least 4 connections (one per segment), but load.connections is 3, got "1/4"'],
  ])('%j is refused with one line naming segment', (segment, expected) => {
    const error = benchErrorOf(() => loadScenario({ overrides: { load, segment } }));
    expect(error.code).toBe('SCENARIO_INVALID');
    expect(error.message).toBe(`flags: ${expected}`);
    expect(error.message).not.toContain('\n');
  });

  it('a budget smaller than the segment count is refused', () => {
    const error = benchErrorOf(() => loadScenario({ overrides: { load: { streams: 4, connections: 4, messages: 3 }, segment: '1/4' } }));
    expect(error.message).toContain('segment: 4 segments need at least 4 messages (one per segment), but load.messages is 3');
  });
});
