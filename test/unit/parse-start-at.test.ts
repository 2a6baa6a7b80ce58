import { describe, expect, it } from 'vitest';
import { planScenario } from '../../src/plan/plan-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { parseStartAt } from '../../src/scenario/parse-start-at.js';

const NOW = Date.parse('2026-12-04T01:00:00.000Z');

describe('parseStartAt', () => {
  it('reads an ISO-8601 UTC time, with or without seconds and milliseconds', () => {
    expect(parseStartAt('2026-12-04T01:30:00Z', NOW)).toBe(Date.parse('2026-12-04T01:30:00Z'));
    expect(parseStartAt('2026-12-04T01:30Z', NOW)).toBe(Date.parse('2026-12-04T01:30:00Z'));
    expect(parseStartAt('2026-12-04T01:00:10.250Z', NOW)).toBe(NOW + 10_250);
  });

  it('reads a time from now', () => {
    expect(parseStartAt('+30s', NOW)).toBe(NOW + 30_000);
    expect(parseStartAt('+2m', NOW)).toBe(NOW + 120_000);
    expect(parseStartAt('+1h', NOW)).toBe(NOW + 3_600_000);
    expect(parseStartAt('+500ms', NOW)).toBe(NOW + 500);
  });

  it('allows a start up to 1 s in the past (clock skew), not more', () => {
    expect(parseStartAt('2026-12-04T00:59:59.000Z', NOW)).toBe(NOW - 1000);
    expect(parseStartAt('2026-12-04T00:59:58.999Z', NOW)).toBe('2026-12-04T00:59:58.999Z is 1 s in the past');
  });

  it('refuses a start more than 24 h ahead', () => {
    expect(parseStartAt('+24h', NOW)).toBe(NOW + 24 * 3_600_000);
    expect(parseStartAt('+25h', NOW)).toBe('2026-12-05T02:00:00.000Z is more than 24 h ahead');
  });

  it('refuses other text: a local time, another zone, a date alone, words', () => {
    for (const text of ['2026-12-04T01:30:00', '2026-12-04T01:30:00+01:00', '2026-12-04', 'tomorrow', '30s', '+30', '-5s', '2026-13-40T99:00:00Z']) {
      expect(parseStartAt(text, NOW), text).toMatch(/^expected an ISO-8601 UTC time/);
    }
  });
});

describe('startAt through the plan', () => {
  it('reaches every worker share as epoch ms, and no share without it', () => {
    const startAt = new Date(Date.now() + 60_000).toISOString();
    const load = { streams: 6, connections: 3, workers: 3 };
    const plan = planScenario(loadScenario({ overrides: { target: '127.0.0.1:1', startAt, load } }));
    expect(plan.shares.map((share) => share.startAtMs)).toEqual([1, 2, 3].map(() => Date.parse(startAt)));
    const without = planScenario(loadScenario({ overrides: { target: '127.0.0.1:1', load } }));
    expect(without.shares.every((share) => share.startAtMs === undefined)).toBe(true);
  });
});
