import { mkdirSync, writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { startOrderServer } from '../../src/target/start-order-server.js';

it('explore', async () => {
  const dir = process.env.OUT!;
  mkdirSync(dir, { recursive: true });
  const v1 = await startOrderServer({ port: 0, knobs: { version: 'v1' } });
  const v2 = await startOrderServer({ port: 0, knobs: { version: 'v2', latencyMs: 2 } });
  const iv = Number(process.env.IV ?? 250);
  const interval = process.env.PACE;
  const run = async (target: string, duration: string, file: string) => {
    const { report } = await runScenario(loadScenario({ overrides: { target, insecure: true, name: file, load: { streams: 8, connections: 1, workers: 1, duration }, ...(interval ? { stream: { interval } } : {}) } }), { snapshotIntervalMs: iv });
    writeFileSync(`${dir}/${file}.json`, JSON.stringify(report));
  };
  for (let i = 0; i < Number(process.env.PAIRS ?? 2); i++) {
    await run(v1.address, '4s', `v1-${i}`);
    await run(v2.address, '4s', `v2-${i}`);
  }
  for (let i = 0; i < Number(process.env.REPS ?? 5); i++) {
    await run(v1.address, '3s', `a${i}`);
    await run(v1.address, '3s', `b${i}`);
  }
  v1.forceShutdown(); v2.forceShutdown();
}, 600_000);
