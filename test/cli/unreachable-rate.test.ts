import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { makeTempDir, runCli } from '../helpers/cli-process.js';

/** 3 s of load; start-up and the drain (5 s at most) on a busy machine take the rest. */
const RUN_TIMEOUT_MS = 60_000;
const SCHEDULED = 100_000_000 * 3;

const cleanups: Array<() => void> = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('an open-model rate no generator can reach', () => {
  it.each(['grpc-js', 'http2'] as const)(
    '%s: -r 100000000 -c 4 -z 3s says the target rate was not reached, and by how much; counts reconcile',
    async (transport) => {
      const temp = makeTempDir('grpc-bench-rate-');
      cleanups.push(temp.remove);
      const result = await runCli(['run', '-r', '100000000', '-c', '4', '-z', '3s', '--transport', transport, '-O', 'console,json', '-o', 'out'], {
        cwd: temp.dir,
        timeoutMs: RUN_TIMEOUT_MS - 5000,
      });

      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(readFileSync(join(temp.dir, 'out', 'report.json'), 'utf8')) as Report;
      const c = report.counts;
      const rate = report.generator.targetRate!;
      const why = JSON.stringify({ counts: c, targetRate: rate });
      // Every request sent is answered, failed or in flight; every scheduled one is sent or unsent.
      expect(c.messagesSent, why).toBe(c.messagesReceived + c.messagesFailed + c.inFlightAtStop);
      expect(c.messagesSent + c.unsentAtStop, why).toBe(SCHEDULED);
      expect(c.messagesReceived, why).toBeGreaterThan(0);
      expect(rate.reached, why).toBe(false);
      expect(rate.scheduled, why).toBe(SCHEDULED);
      expect(rate.sent, why).toBe(c.messagesSent);
      expect(rate.sentPercent, why).toBeLessThan(99);
      expect(['generator', 'target']).toContain(rate.limitedBy);
      expect(report.intervals.reduce((sum, i) => sum + i.sendsDeferred, 0), why).toBe(c.sendsDeferred);
      // The console and stderr say it too.
      expect(result.stdout).toContain(`TARGET RATE NOT REACHED (limited by the ${rate.limitedBy})`);
      expect(result.stdout).toContain(rate.summary);
      expect(result.stderr).toContain(`warning: ${rate.summary}`);
    },
    RUN_TIMEOUT_MS,
  );
});
