import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveDashboard } from '../../src/dashboard/live-dashboard.js';
import { emptyCounters } from '../../src/types/worker-protocol.js';
import { intervalSnapshot } from '../helpers/interval-snapshot.js';
import { syntheticReport } from '../helpers/synthetic-report.js';
import { collectExit, linesOf, makeTempDir, runCli, spawnCli, startServeChild } from '../helpers/cli-process.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const COMPILED_CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
/** Screenshots for a person to look at; replaced on every run. */
const SHOTS_DIR = join(tmpdir(), 'shots-dashboard');
/** Run names are checked ("letters, digits, ...") before a run; the page escapes them all the same. */
const HOSTILE_NAME = '<img src=x onerror=alert(1)></title><script>alert(2)</script>';

let context: BrowserContext;
let userDataDir: string;
let temp: { dir: string; remove(): void };

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run test/setup/ensure-chromium.sh as root`);
  if (!existsSync(COMPILED_CLI)) throw new Error(`${COMPILED_CLI} is missing: run \`npm run build\` first`);
  rmSync(SHOTS_DIR, { recursive: true, force: true });
  mkdirSync(SHOTS_DIR, { recursive: true });
  temp = makeTempDir('grpc-bench-dashboard-');
  writeFileSync(join(temp.dir, 'ok.yaml'), 'name: ok\n');
  userDataDir = mkdtempSync(join(tmpdir(), 'grpc-bench-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1100, height: 900 } });
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  temp?.remove();
});

/** Resolves whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** This machine's own addresses besides 127.0.0.1: the dashboard must not answer on them. */
function otherLocalAddresses(): string[] {
  const external = Object.values(networkInterfaces()).flat().flatMap((a) => (a && a.family === 'IPv4' && !a.internal ? [a.address] : []));
  return ['127.0.0.2', ...external];
}

/** The URL the run prints on stderr as `dashboard: URL`. */
function dashboardUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stderr!.on('data', (chunk: Buffer | string) => {
      seen += String(chunk);
      const match = /^dashboard: (http:\/\/\S+)$/m.exec(seen);
      if (match) resolve(match[1]!);
    });
    child.once('close', () => reject(new Error(`run ended before printing the dashboard URL: ${seen}`)));
  });
}

const TIME_AXIS = 'time since load start (s)';

/** In the page: each chart drawn, by its id, with its legend's labels (the x axis first). */
function chartsShown(): { id: string; labels: string[] }[] {
  return [...document.querySelectorAll<HTMLElement>('[data-chart]')].map((host) => ({
    id: host.dataset['chart']!,
    labels: [...host.querySelectorAll('.u-legend .u-label')].map((label) => label.textContent ?? ''),
  }));
}

interface ObservedPage {
  page: Page;
  /** Console errors, page errors, requests to anything but the dashboard. */
  problems: string[];
  dialogs: string[];
}

async function observedPage(url: string): Promise<ObservedPage> {
  const page = await context.newPage();
  const observed: ObservedPage = { page, problems: [], dialogs: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') observed.problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => observed.problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (!request.url().startsWith(url)) observed.problems.push(`request: ${request.url()}`);
  });
  page.on('dialog', (dialog) => {
    observed.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return observed;
}

describe('run --dashboard', () => {
  it('serves on 127.0.0.1 a page that draws each interval while the run goes and the final figures at the end, then closes', async () => {
    const child = spawnCli(['run', '--dashboard=0', '-z', '6s', '-c', '4', '--connections', '2', '--workers', '2', '--name', 'dashboard-live', '-O', 'json,html', '-o', join(temp.dir, 'live')], { cwd: temp.dir, timeoutMs: 90_000 });
    const exited = collectExit(child);
    const url = await dashboardUrl(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const port = Number(new URL(url).port);
    expect(port).toBeGreaterThan(0);
    for (const host of otherLocalAddresses()) expect(await accepts(host, port), `not listening on ${host}`).toBe(false);

    const { page, problems, dialogs } = await observedPage(url);
    const response = await page.goto(url, { waitUntil: 'load' });
    const csp = response!.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toMatch(/script-src 'nonce-[^']+'/);

    // Three intervals drawn while the run still goes: the final figures have not come yet.
    await page.waitForFunction(() => Number(document.body.dataset['drawnIntervals']) >= 3, undefined, { timeout: 60_000 });
    expect(await page.evaluate(() => document.body.dataset['final'] ?? null), 'drawn before the run ended').toBeNull();
    // While the run goes: the report's time charts (memory and the latency histogram come with the report).
    expect(await page.evaluate(chartsShown)).toEqual(expect.arrayContaining([
      { id: 'throughput', labels: [TIME_AXIS, 'received', 'sent'] },
      { id: 'latency-over-time', labels: [TIME_AXIS, 'P50', 'P90', 'P99', 'P99.9'] },
    ]));
    expect((await page.evaluate(chartsShown)).map((c) => c.id)).toEqual(['throughput', 'latency-over-time', 'errors-over-time', 'activity']);
    await page.screenshot({ path: join(SHOTS_DIR, 'dashboard-running.png'), fullPage: true });

    await page.waitForFunction(() => document.body.dataset['final'] === '1', undefined, { timeout: 60_000 });
    const result = await exited;
    expect(result.code, result.stderr).toBe(0);
    expect(linesOf(result.stderr)).toContain(`dashboard closed: ${url}`);
    await page.screenshot({ path: join(SHOTS_DIR, 'dashboard-final.png'), fullPage: true });

    // At the end: the HTML report's charts, every one, with the same series.
    const reportPage = readFileSync(join(temp.dir, 'live', 'report.html'), 'utf8');
    const reportCharts = (JSON.parse(/<script type="application\/json" data-charts>(.*?)<\/script>/s.exec(reportPage)![1]!) as { id: string; xLabel: string; series: { label: string }[] }[])
      .map((spec) => ({ id: spec.id, labels: [spec.xLabel, ...spec.series.map((series) => series.label)] }));
    expect(reportCharts.length).toBeGreaterThanOrEqual(5);
    expect(await page.evaluate(chartsShown)).toEqual(reportCharts);
    const shown = await page.evaluate(() => ({
      title: document.title,
      drawn: Number(document.body.dataset['drawnIntervals']),
      finalRows: [...document.querySelectorAll('#final-figures tr')].map((row) => row.textContent ?? ''),
      // Painted pixels per chart canvas: a chart that drew nothing has none.
      painted: [...document.querySelectorAll<HTMLCanvasElement>('.chart canvas')].map((canvas) => {
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) count++;
        return count;
      }),
    }));
    expect(shown.title).toBe('grpc-bench live: dashboard-live');
    expect(dialogs).toEqual([]);
    expect(shown.drawn).toBeGreaterThanOrEqual(3);
    expect(shown.painted).toHaveLength(reportCharts.length);
    for (const painted of shown.painted) expect(painted).toBeGreaterThan(0);
    expect(shown.finalRows.some((row) => row.startsWith('messages sent / received'))).toBe(true);
    expect(problems).toEqual([]);
    await page.close();

    // Closed after the reports were written: nothing listens any more.
    expect(await accepts('127.0.0.1', port)).toBe(false);
  }, 150_000);

  it('shows a hostile run name as text, and a page opened late gets the intervals it missed', async () => {
    const dashboard = await startLiveDashboard(HOSTILE_NAME, 0);
    try {
      dashboard.loadStarted(1, 1000);
      for (let index = 0; index < 4; index++) dashboard.addSnapshot(intervalSnapshot({ workerId: 0, index, durationMs: 1000, warmup: false, counters: { ...emptyCounters(), messagesSent: 10 * index, messagesReceived: 10 * index }, activeStreams: 2, activeConnections: 1 }));
      const { page, problems, dialogs } = await observedPage(dashboard.url);
      await page.goto(dashboard.url, { waitUntil: 'load' });
      await page.waitForFunction(() => Number(document.body.dataset['drawnIntervals']) >= 4, undefined, { timeout: 30_000 });
      dashboard.finish(syntheticReport([{ latenciesMs: [1, 2, 3] }]));
      await page.waitForFunction(() => document.body.dataset['final'] === '1', undefined, { timeout: 30_000 });
      const shown = await page.evaluate(() => ({
        title: document.title,
        heading: document.querySelector('h1')!.textContent,
        injected: document.querySelectorAll('img, h1 script').length,
      }));
      expect(shown.title).toBe(`grpc-bench live: ${HOSTILE_NAME}`);
      expect(shown.heading).toBe(`grpc-bench live: ${HOSTILE_NAME}`);
      expect(shown.injected, 'the hostile name stayed text').toBe(0);
      expect(dialogs).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      await dashboard.close();
    }
  }, 60_000);

  it('a canary comparison with --dashboard runs without one and says so', async () => {
    const server = await startServeChild();
    try {
      const result = await runCli(['run', '--baseline', server.address, '--candidate', server.address, '--insecure', '--rounds', '2', '-z', '500ms', '-c', '2', '--dashboard', '-o', join(temp.dir, 'canary')], { cwd: temp.dir, timeoutMs: 90_000 });
      // The verdict (pass, inconclusive or, by chance, a regression) is not what this checks: the rounds can be short.
      expect([0, 99], result.stderr).toContain(result.code);
      expect(result.stderr).toContain('warning: --dashboard (monitor.dashboardPort) is not available for canary comparisons; running without it');
      expect(result.stderr).not.toMatch(/^dashboard: /m);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('an interrupted run still sends its final figures, marked partial, then closes', async () => {
    const child = spawnCli(['run', '--dashboard', '-z', '60s', '-c', '2', '--workers', '1', '-O', 'json', '-o', join(temp.dir, 'interrupted.json')], { cwd: temp.dir, timeoutMs: 90_000 });
    const exited = collectExit(child);
    const url = await dashboardUrl(child);
    let events = '';
    const final = new Promise<{ partial: boolean }>((resolve, reject) => {
      get(`${url}events`, (response) => {
        response.setEncoding('utf8').on('data', (chunk: string) => {
          events += chunk;
          // The first interval is in: the load runs; stop it as a user would.
          if (events.includes('event: interval') && !child.killed) child.kill('SIGINT');
          const match = /event: final\ndata: (.*)\n\n/.exec(events);
          if (match) resolve(JSON.parse(match[1]!) as { partial: boolean });
        });
        response.once('end', () => reject(new Error(`the stream ended without the final figures: ${events.slice(-300)}`)));
      }).once('error', reject);
    });
    expect((await final).partial).toBe(true);
    const result = await exited;
    expect(result.code, result.stderr).toBe(130);
    expect(linesOf(result.stderr)).toContain(`dashboard closed: ${url}`);
  }, 120_000);

  it('refuses a port that is not a number with one line naming the field, before any load', async () => {
    const result = await runCli(['validate', 'ok.yaml', '--dashboard=abc'], { cwd: temp.dir });
    expect(result.code).toBe(3);
    const lines = linesOf(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/monitor\.dashboardPort: .*got "abc".*\[SCENARIO_INVALID\]/);
  });

  it('ends with SERVER_START_FAILED (exit 9) when the port is taken', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    try {
      const result = await runCli(['run', `--dashboard=${port}`, '-z', '1s', '-O', 'json', '-o', join(temp.dir, 'taken.json')], { cwd: temp.dir });
      expect(result.code).toBe(9);
      const lines = linesOf(result.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`dashboard: port ${port}: .*EADDRINUSE.*\\[SERVER_START_FAILED\\]`));
    } finally {
      holder.close();
    }
  });
});
