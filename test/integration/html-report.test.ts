import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare-reports.js';
import type { Report } from '../../src/report/report.js';
import { describeComparison } from '../../src/reporters/described-comparison.js';
import { renderComparisonHtml } from '../../src/reporters/html/comparison-html.js';
import { htmlReporter } from '../../src/reporters/html/html-reporter.js';
import { findReporter } from '../../src/reporters/reporter-registry.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const COMPILED_WORKER = fileURLToPath(new URL('../../dist/src/pool/worker.js', import.meta.url));
/** Pages and full-page screenshots land here for a person to look at; replaced on every run. */
const OUTPUT_DIR = join(tmpdir(), 'grpc-bench-html-report');
const HOSTILE_NAME = '<script>alert(1)</script>';

interface OpenedPage {
  page: Page;
  /** Console errors, page errors and requests for anything but the page itself. */
  problems: string[];
  dialogs: string[];
}

interface ChartShape {
  id: string;
  width: number;
  height: number;
  /** Rendered length of each `path.line`, px. */
  lineLengths: number[];
  bars: number;
  /** Rendered heights (vertical) or widths (horizontal) of the bars, px. */
  barSizes: number[];
}

let context: BrowserContext;
let userDataDir: string;
let baseline: Report;
let candidate: Report;

async function shortRun(streams: number): Promise<Report> {
  const scenario = loadScenario({ overrides: { target: 'embedded', name: `html-report-${streams}-streams`, load: { streams, connections: 1, duration: '3s' } } });
  const { report } = await runScenario(scenario);
  return report;
}

function writePage(file: string, markup: string): string {
  const path = join(OUTPUT_DIR, file);
  writeFileSync(path, markup);
  return path;
}

async function openPage(path: string): Promise<OpenedPage> {
  const page = await context.newPage();
  const opened: OpenedPage = { page, problems: [], dialogs: [] };
  const url = pathToFileURL(path).href;
  page.on('console', (message) => {
    if (message.type() === 'error') opened.problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => opened.problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (request.url() !== url) opened.problems.push(`request: ${request.url()}`);
  });
  page.on('dialog', (dialog) => {
    opened.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  return opened;
}

function chartShapes(page: Page): Promise<ChartShape[]> {
  return page.$$eval('svg[data-chart]', (svgs) =>
    svgs.map((svg) => {
      const box = svg.getBoundingClientRect();
      const bars = [...svg.querySelectorAll<SVGRectElement>('rect.bar')];
      const horizontal = svg.getAttribute('data-orientation') === 'horizontal';
      return {
        id: svg.getAttribute('data-chart') ?? '',
        width: box.width,
        height: box.height,
        lineLengths: [...svg.querySelectorAll<SVGPathElement>('path.line')].map((p) => p.getTotalLength()),
        bars: bars.length,
        barSizes: bars.map((b) => (horizontal ? b.getBoundingClientRect().width : b.getBoundingClientRect().height)),
      };
    }),
  );
}

function expectDrawn(shape: ChartShape | undefined, id: string): ChartShape {
  expect(shape, `chart ${id} is on the page`).toBeDefined();
  expect(shape!.width, `chart ${id} has a width`).toBeGreaterThan(100);
  expect(shape!.height, `chart ${id} has a height`).toBeGreaterThan(50);
  return shape!;
}

function expectLines(shapes: ChartShape[], id: string, lines: number): void {
  const shape = expectDrawn(shapes.find((s) => s.id === id), id);
  expect(shape.lineLengths, `chart ${id}: one line per series`).toHaveLength(lines);
  for (const length of shape.lineLengths) expect(length, `chart ${id}: every line has length`).toBeGreaterThan(0);
}

function expectBars(shapes: ChartShape[], id: string, counts: number[]): void {
  const shape = expectDrawn(shapes.find((s) => s.id === id), id);
  expect(shape.bars, `chart ${id}: one bar per value`).toBe(counts.length);
  counts.forEach((n, i) => {
    if (n > 0) expect(shape.barSizes[i], `chart ${id}: bar ${i} (${n}) is visible`).toBeGreaterThan(0);
  });
}

async function screenshot(page: Page, file: string): Promise<void> {
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(OUTPUT_DIR, file), fullPage: true });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the HTML report test needs Debian's chromium package; run test/setup/ensure-chromium.sh as root (it runs apt-get install -y chromium)`);
  }
  if (!existsSync(COMPILED_WORKER)) throw new Error(`${COMPILED_WORKER} is missing: run \`npm run build\` first`);
  rmSync(OUTPUT_DIR, { recursive: true, force: true });
  mkdirSync(OUTPUT_DIR, { recursive: true });
  baseline = await shortRun(4);
  candidate = await shortRun(8);
  userDataDir = mkdtempSync(join(tmpdir(), 'grpc-bench-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

describe('the HTML report in headless Chromium', () => {
  it('is registered as the `html` format', () => {
    expect(findReporter('html')).toBe(htmlReporter);
    expect(htmlReporter.extension).toBe('html');
  });

  it('draws every chart of a real run without script, console errors or requests', async () => {
    expect(baseline.intervals.length, 'the run produced intervals').toBeGreaterThanOrEqual(2);
    const markup = htmlReporter.render(baseline);
    expect(markup).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const { page, problems, dialogs } = await openPage(writePage('report.html', markup));

    const shapes = await chartShapes(page);
    expectLines(shapes, 'throughput', 2);
    expectLines(shapes, 'latency-over-time', 2);
    expectLines(shapes, 'activity', 2);
    expectBars(shapes, 'latency-histogram', baseline.latencyBuckets.map((b) => b.count));
    expectBars(shapes, 'status-codes', Object.values(baseline.statusCodes).sort((a, b) => b - a));
    expect(await page.locator('h1').textContent()).toBe(baseline.name);
    expect(await page.locator('[data-figure="P99"] .value').textContent()).toBe(`${baseline.latencyMs.p99.toFixed(3)}ms`);

    // The one inline script is allowed by the page's policy and turns titles into hover tooltips.
    await page.locator('svg[data-chart="throughput"] [data-series="1"] circle.point').first().hover();
    await expect.poll(() => page.locator('.tip').textContent()).toMatch(/^sent at [\d.]+ s: [\d,.]+ msg\/s$/);

    await screenshot(page, 'report.png');
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('renders user-controlled text literally: a hostile run name runs nothing', async () => {
    const hostile: Report = {
      ...baseline,
      name: HOSTILE_NAME,
      target: '"><img src=x onerror=alert(2)>',
      call: "'><svg onload=alert(3)>",
      partial: true,
      partialReason: '<img src=y onerror=alert(4)>',
      statusCodes: { ...baseline.statusCodes, '<b>STATUS</b>': 1 },
      errorDetails: { '<iframe src="javascript:alert(5)"></iframe>': 2 },
      settings: { ...baseline.settings, metadata: { '<i>key</i>': '</td><script>alert(6)</script>' }, proto: '<u>proto</u>' },
      thresholds: {
        passed: false,
        abortedBy: '<marquee>p99</marquee>',
        results: [{ metric: '<u>p99</u>', condition: '<50ms"><script>alert(7)</script>', actual: 1, limit: 50, unit: 'ms<br>', pass: false, abortOnFail: true }],
      },
      generator: { ...baseline.generator, saturated: true, evidence: ['<video src=z onerror=alert(8)></video>'] },
      workerErrors: ['<object data=x></object>'],
    };
    const { page, problems, dialogs } = await openPage(writePage('hostile.html', htmlReporter.render(hostile)));

    expect(await page.locator('h1').textContent()).toBe(HOSTILE_NAME);
    expect(await page.title()).toContain(HOSTILE_NAME);
    const injected = await page.evaluate(() => ({
      scripts: document.scripts.length,
      elements: document.querySelectorAll('img, iframe, object, video, marquee, b, i, u, br, main svg svg').length,
      text: document.body.innerText,
    }));
    expect(injected.scripts, 'only the page’s own script').toBe(1);
    expect(injected.elements, 'no injected elements').toBe(0);
    for (const literal of ['"><img src=x onerror=alert(2)>', '<iframe src="javascript:alert(5)"></iframe>', '</td><script>alert(6)</script>', '<video src=z onerror=alert(8)></video>', '<object data=x></object>']) {
      expect(injected.text).toContain(literal);
    }
    expectBars(await chartShapes(page), 'status-codes', Object.values(hostile.statusCodes).sort((a, b) => b - a));
    await expect.poll(() => page.locator('[data-banner="partial"]').textContent()).toContain('<img src=y onerror=alert(4)>');
    expect(dialogs, 'no dialog opened').toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('renders the comparison page from two reports, with and without a Comparison', async () => {
    const plain = await openPage(writePage('comparison-plain.html', renderComparisonHtml(baseline, candidate)));
    const plainShapes = await chartShapes(plain.page);
    expectLines(plainShapes, 'throughput-compare', 2);
    expectLines(plainShapes, 'p99-compare', 2);
    expect(await plain.page.locator('#key-metrics tbody tr').count()).toBeGreaterThanOrEqual(10);
    expect(await plain.page.locator('[data-banner="verdict"]').count()).toBe(0);
    expect(plain.problems).toEqual([]);
    await plain.page.close();

    const comparison = describeComparison(compareReports(baseline, candidate, { maxRegression: {} }));
    const judged = await openPage(writePage('comparison.html', renderComparisonHtml(baseline, candidate, comparison)));
    const shapes = await chartShapes(judged.page);
    expectLines(shapes, 'throughput-compare', 2);
    expectLines(shapes, 'p99-compare', 2);
    const verdict = judged.page.locator('[data-banner="verdict"]');
    expect(await verdict.getAttribute('data-verdict')).toBe(comparison.verdict);
    expect(await verdict.textContent()).toBe(comparison.headline);
    expect(await judged.page.locator('#verdicts tbody tr').count()).toBe(comparison.metrics.length);
    await screenshot(judged.page, 'comparison.png');
    expect(judged.problems).toEqual([]);
    expect(judged.dialogs).toEqual([]);
    await judged.page.close();
  });
});
