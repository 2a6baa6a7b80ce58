import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSeries } from '../../../bench/history-series.js';
import { syntheticRecord } from '../../../bench/history-records.js';
import { analyseHistory } from '../../../src/history/analyse-history.js';
import { renderHistoryHtml } from '../../../src/reporters/html/history-html.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const HOSTILE_TAG = '</script><img src=x onerror=alert(1)>';
const HOSTILE_NAME = '<script>alert(2)</script>';
const RUNS = 30;
const STEP_AT = 26;

let context: BrowserContext;
let userDataDir: string;
let outputDir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run test/setup/ensure-chromium.sh as root (it runs apt-get install -y chromium)`);
  userDataDir = mkdtempSync(join(tmpdir(), 'grpc-bench-chromium-'));
  outputDir = mkdtempSync(join(tmpdir(), 'grpc-bench-history-html-'));
  mkdirSync(outputDir, { recursive: true });
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 } });
}, 60_000);

afterAll(async () => {
  await context?.close();
  for (const dir of [userDataDir, outputDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the history trend page in headless Chromium', () => {
  it('draws one chart per metric with its change points, shows tags on hover as text, and fetches nothing', async () => {
    const p99 = generateSeries({ runs: RUNS, base: 2, noise: 0.04, steps: [{ at: STEP_AT, by: 0.5 }], outliers: 0 }, 11);
    const rate = generateSeries({ runs: RUNS, base: 9000, noise: 0.04, steps: [], outliers: 0 }, 12);
    const records = p99.map((value, index) =>
      syntheticRecord({ index, name: HOSTILE_NAME, metrics: { p50: value / 4, p99: value, messagesPerSec: rate[index]!, errorRate: 0, targetMemoryGrowth: null }, tags: { commit: `c${index}`, note: HOSTILE_TAG } }),
    );
    const analysis = analyseHistory(records);
    expect(analysis.findings).toContainEqual(expect.objectContaining({ metric: 'p99', status: 'confirmed', firstRun: STEP_AT }));
    const markup = renderHistoryHtml(analysis);
    expect(markup).not.toContain(HOSTILE_TAG);
    expect(markup).not.toContain(HOSTILE_NAME);
    const path = join(outputDir, 'history.html');
    writeFileSync(path, markup);

    const page = await context.newPage();
    const problems: string[] = [];
    const dialogs: string[] = [];
    const url = pathToFileURL(path).href;
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (request.url() !== url) problems.push(`request: ${request.url()}`);
    });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(url, { waitUntil: 'load' });

    // Metrics with values get a chart each; memory growth, never recorded, gets none.
    const ids = await page.$$eval('[data-chart]', (hosts) => hosts.map((h) => [h.getAttribute('data-chart'), h.getAttribute('data-drawn'), h.querySelector('canvas') ? 'canvas' : 'none']));
    expect(ids).toEqual(['p50', 'p99', 'messagesPerSec', 'errorRate'].map((m) => [`history-0-${m}`, 'true', 'canvas']));
    expect(await page.locator('[data-finding="regression-confirmed"]').first().textContent()).toContain(`from run ${STEP_AT + 1} of ${RUNS}`);

    // The change point: a vertical red line (only markers are red) where the last run before the step ends and the first after begins.
    const redColumns = await page.$eval('[data-chart="history-0-p99"]', (host) => {
      const canvas = host.querySelector('canvas')!;
      const over = host.querySelector('.u-over')!.getBoundingClientRect();
      const box = canvas.getBoundingClientRect();
      const scale = canvas.width / box.width;
      const image = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const columns: number[] = [];
      for (let x = 0; x < canvas.width; x++) {
        let red = 0;
        for (let y = 0; y < canvas.height; y++) {
          const i = (y * canvas.width + x) * 4;
          if (image.data[i]! > 200 && image.data[i + 1]! < 80 && image.data[i + 2]! < 80) red += 1;
        }
        if (red > (over.height * scale) / 3) columns.push((x / scale + box.left - over.left) / over.width);
      }
      return columns;
    });
    expect(redColumns.length, 'a red vertical line is drawn').toBeGreaterThan(0);
    const at = redColumns.reduce((a, b) => a + b, 0) / redColumns.length;
    expect(at).toBeCloseTo((STEP_AT + 0.5 - 1) / (RUNS - 1), 1);
    // A chart without a change point has no red line.
    const p50Red = await page.$eval('[data-chart="history-0-messagesPerSec"] canvas', (canvas) => {
      const c = canvas as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let red = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! > 200 && data[i + 1]! < 80 && data[i + 2]! < 80) red += 1;
      return red;
    });
    expect(p50Red).toBe(0);

    // Hovering a run shows its start and tags in the legend, the hostile one as plain text.
    const over = page.locator('[data-chart="history-0-p99"] .u-over');
    await over.scrollIntoViewIfNeeded();
    const box = (await over.boundingBox())!;
    // The x axis runs from run 1 to run RUNS.
    await page.mouse.move(box.x + (box.width * (5 - 1)) / (RUNS - 1), box.y + box.height / 2);
    const hovered = page.locator('[data-chart="history-0-p99"] .u-legend .u-series').first().locator('.u-value');
    await expect.poll(() => hovered.textContent()).toMatch(/^run 5: 2026-01-05T00:00:00.000Z; commit=c4, note=/);
    expect(await hovered.textContent()).toContain(HOSTILE_TAG);
    expect(await page.locator('h2').first().textContent()).toContain(HOSTILE_NAME);
    expect(await page.locator('img').count()).toBe(0);

    await page.screenshot({ path: join(tmpdir(), 'history-trend.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
