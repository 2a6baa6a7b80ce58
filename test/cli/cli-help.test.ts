import { afterAll, describe, expect, it } from 'vitest';
import { linesOf, makeTempDir, runCli } from '../helpers/cli-process.js';

const cleanups: Array<() => void> = [];

function tempDir(): string {
  const temp = makeTempDir('grpc-bench-cli-help-');
  cleanups.push(temp.remove);
  return temp.dir;
}

afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe.concurrent('a CLI that helps', () => {
  it('prints the run time in the unit that reads best, latencies in ms', async () => {
    const result = await runCli(['run', '-n', '40', '-c', '2', '--connections', '1', '--workers', '1', '-O', 'console'], { cwd: tempDir() });

    expect(result.code, result.stderr).toBe(0);
    const total = linesOf(result.stdout).find((line) => line.trim().startsWith('Total:'));
    expect(total).toMatch(/^\s+Total:\s+\d+(\.\d\d)? (µs|ms|s)$|min \d+\.\d s$/);
    expect(total).not.toMatch(/\.\d{3} ms/);
    expect(result.stdout).toMatch(/Slowest:\s+\d+\.\d{3} ms/);
  });
});
