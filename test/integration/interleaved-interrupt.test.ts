import { describe, expect, it } from 'vitest';
import { runInterleaved } from '../../src/run/run-interleaved.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';

describe('interleaved rounds interrupted between rounds', () => {
  it('an abort that lands before a side has started its load (its connection probe) keeps the rounds already run', { timeout: 30_000 }, async () => {
    const scenario = loadScenario({
      overrides: { load: { streams: 2, connections: 1, workers: 1, duration: '1s' }, compare: { baseline: 'embedded', candidate: 'embedded', rounds: 3 } },
    });
    const controller = new AbortController();
    let servicesStarted = 0;

    // Each side starts its own embedded service, then probes it: the third is round 2's baseline,
    // aborted after its service is up and before its connection probe.
    const outcome = await runInterleaved(scenario, {
      signal: controller.signal,
      warmupRound: false,
      onEmbeddedServer: () => {
        servicesStarted += 1;
        if (servicesStarted === 3) controller.abort();
      },
    });

    expect(servicesStarted).toBe(3);
    expect(outcome.interrupted).toBe(true);
    expect(outcome.rounds).toHaveLength(1);
    expect(outcome.baseline.counts.messagesReceived).toBeGreaterThan(0);
    expect(outcome.candidate.counts.messagesReceived).toBeGreaterThan(0);
  });
});
