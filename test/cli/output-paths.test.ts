import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startOrderServer, type OrderServerHandle } from '../../src/target/start-order-server.js';
import { linesOf, makeTempDir, runCli } from '../helpers/cli-process.js';

const cleanups: Array<() => void> = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function tempDir(): string {
  const temp = makeTempDir('grpc-bench-output-');
  cleanups.push(temp.remove);
  return temp.dir;
}

describe('output paths', () => {
  it('-o /proc/x.json is refused before any load: one line, exit 6 (OUTPUT_UNWRITABLE)', async () => {
    const server: OrderServerHandle = await startOrderServer({ port: 0 });
    try {
      const result = await runCli(['run', server.address, '--insecure', '-n', '10', '-O', 'json', '-o', '/proc/x.json'], { cwd: tempDir(), timeoutMs: 15_000 });

      expect(result.signal, 'the command hung and was killed').toBeNull();
      expect(result.code).toBe(6);
      const lines = linesOf(result.stderr);
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^grpc-bench: output: .*\/proc.*\[OUTPUT_UNWRITABLE\]$/);
      expect(server.counters.snapshot()).toMatchObject({ streamsOpened: 0, messagesReceived: 0 });
    } finally {
      server.forceShutdown();
    }
  });


  it('-o /dev/stdout -O json writes the JSON report to stdout', async () => {
    const cwd = tempDir();

    const result = await runCli(['run', '-n', '50', '-c', '2', '-O', 'json', '-o', '/dev/stdout'], { cwd });

    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { tool: { name: string }; counts: { messagesReceived: number } };
    expect(report.tool.name).toBe('grpc-bench');
    expect(report.counts.messagesReceived).toBe(50);
    expect(result.stderr).toContain('report written: /dev/stdout');
    expect(readdirSync(cwd), 'nothing written into the working directory').toEqual([]);
  });

  it('a report file is replaced whole: no temporary file is left beside it', async () => {
    const cwd = tempDir();

    const first = await runCli(['run', '-n', '20', '-O', 'json,csv,html', '-o', 'out'], { cwd });
    const second = await runCli(['run', '-n', '20', '-O', 'json,csv,html', '-o', 'out'], { cwd });

    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(readdirSync(`${cwd}/out`).sort()).toEqual(['report.csv', 'report.html', 'report.json']);
  });
});
