import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The installed launcher: runs the compiled CLI from dist/. */
export const BIN = fileURLToPath(new URL('../../bin/grpc-bench.js', import.meta.url));

export interface CliResult {
  /** null when the process was killed (for example by the time limit). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** The process is killed (SIGKILL) after this long, so a hang fails the test instead of blocking it. */
  timeoutMs?: number;
}

/** Starts `node bin/grpc-bench.js ARGS` and keeps its output. */
export function spawnCli(args: string[], options: CliOptions = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs, killSignal: 'SIGKILL' as const }),
  });
}

/** Resolves once the child has exited, with everything it wrote. */
export function collectExit(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs the CLI to completion. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return collectExit(spawnCli(args, { timeoutMs: 30_000, ...options }));
}

/** Non-empty lines of a process's output. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

export interface ServeChild {
  port: number;
  address: string;
  /** The first stdout line ("order service v1 listening on 127.0.0.1:PORT"). */
  readyLine: string;
  /** The Prometheus endpoint, when started with --metrics-port. */
  metricsUrl?: string;
  /** SIGTERM, then resolves with the exit code once the process is gone. */
  stop(): Promise<number | null>;
}

/** Starts `grpc-bench serve --port 0 ARGS` as a child process; resolves on its ready line. */
export function startServeChild(args: string[] = []): Promise<ServeChild> {
  const child = spawnCli(['serve', '--port', '0', ...args], { timeoutMs: 120_000 });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`serve exited (${code}) before its ready line: ${stderr}`)));
    lines.once('line', (line) => {
      const match = /listening on (\S+):(\d+)/.exec(line);
      if (!match) {
        child.kill('SIGKILL');
        reject(new Error(`unexpected first line from serve: ${line}`));
        return;
      }
      const port = Number(match[2]);
      const metricsUrl = /\(metrics (\S+)\)/.exec(line)?.[1];
      resolve({
        port,
        address: `${match[1]}:${port}`,
        readyLine: line,
        ...(metricsUrl === undefined ? {} : { metricsUrl }),
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}

/** A port nothing listens on: bound on 127.0.0.1:0, then closed again. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A fresh temporary directory and its removal. */
export function makeTempDir(prefix = 'grpc-bench-test-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Sums every sample of one Prometheus metric (all label sets, or those containing `labels`). */
export async function scrapeMetric(url: string, name: string, labels = ''): Promise<number> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  const text = await response.text();
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match?.[1] === name && (match[2] ?? '').includes(labels)) total += Number(match[3]);
  }
  return total;
}
