import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli-process.js';

let servePid: number | undefined;
afterEach(() => {
  // Only if the test failed: the serve process is not this process's child.
  if (servePid !== undefined) {
    try {
      process.kill(servePid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  servePid = undefined;
});

// A launcher as npx is: it starts `grpc-bench serve` sharing its stdout, prints the pid, then waits.
const LAUNCHER = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, [process.argv[1], 'serve', '--port', '0', '--grace', '0ms'], { stdio: ['ignore', 'inherit', 'inherit'] });
console.log('serve pid ' + child.pid);
setInterval(() => {}, 1000);
`;

describe('grpc-bench serve', () => {
  it('shuts down when the process that started it is killed', async () => {
    const launcher = spawn(process.execPath, ['-e', LAUNCHER, BIN], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    // stdout ends only when both the launcher and the serve process have closed it.
    const ended = new Promise<void>((resolve) => launcher.stdout.once('close', () => resolve()));
    const launcherGone = new Promise<void>((resolve) => launcher.once('exit', () => resolve()));
    for await (const line of createInterface({ input: launcher.stdout })) {
      lines.push(line);
      const pid = /^serve pid (\d+)$/.exec(line);
      if (pid) servePid = Number(pid[1]);
      if (/listening on/.test(line)) {
        launcher.kill('SIGKILL');
        await launcherGone;
      }
    }
    await ended;

    expect(lines.some((line) => /listening on 127\.0\.0\.1:\d+/.test(line)), lines.join('\n')).toBe(true);
    expect(lines.some((line) => /^order service: its parent process \d+ exited$/.test(line)), lines.join('\n')).toBe(true);
    expect(lines.some((line) => /order service stopping/.test(line)), lines.join('\n')).toBe(true);
    servePid = undefined;
  }, 30_000);
});
