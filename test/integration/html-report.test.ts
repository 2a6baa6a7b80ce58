import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare-reports.js';
import type { Report } from '../../src/report/report.js';
import { describeComparison } from '../../src/reporters/described-comparison.js';
import { renderComparisonHtml, sideName } from '../../src/reporters/html/comparison-html.js';
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
const HOSTILE_LABEL = '</script><img src=x onerror=alert(1)>';

interface OpenedPage {
  page: Page;
  /** Console errors, page errors and requests for anything but the page itself. */
  problems: string[];
  dialogs: string[];
}

interface ChartShape {
  id: string;
  /** The uPlot canvas, px. */
  width: number;
  height: number;
  /** Series names in uPlot's legend, x first. */
  legend: string[];
}

/** Pages and screenshots for a person to look at (not part of the repository). */
const SHOTS_DIR = join(tmpdir(), 'shots-report');

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
  return page.$$eval('[data-chart]', (hosts) =>
    hosts.map((host) => {
      const canvas = host.querySelector('canvas');
      const box = canvas?.getBoundingClientRect();
      return {
        id: host.getAttribute('data-chart') ?? '',
        width: box?.width ?? 0,
        height: box?.height ?? 0,
        legend: [...host.querySelectorAll('.u-legend .u-series .u-label')].map((label) => label.textContent ?? ''),
      };
    }),
  );
}

/** The chart is drawn by uPlot (a canvas of real size) with these series in its legend. */
function expectChart(shapes: ChartShape[], id: string, series: string[]): void {
  const shape = shapes.find((s) => s.id === id);
  expect(shape, `chart ${id} is on the page`).toBeDefined();
  expect(shape!.width, `chart ${id} has a width`).toBeGreaterThan(100);
  expect(shape!.height, `chart ${id} has a height`).toBeGreaterThan(50);
  expect(shape!.legend.slice(1), `chart ${id}: its series`).toEqual(series);
}

async function screenshot(page: Page, file: string): Promise<void> {
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(OUTPUT_DIR, file), fullPage: true });
  mkdirSync(SHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SHOTS_DIR, file), fullPage: true });
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

  it('draws every chart of a real run with uPlot, without console errors or requests', async () => {
    expect(baseline.intervals.length, 'the run produced intervals').toBeGreaterThanOrEqual(2);
    const markup = htmlReporter.render(baseline);
    // The only address in the page is in uPlot's licence comment; the request listener proves nothing is fetched.
    expect(markup).not.toMatch(/https?:\/\/(?!www\.w3\.org\/|github\.com\/leeoniya\/uPlot\b)/);
    const { page, problems, dialogs } = await openPage(writePage('report.html', markup));

    const shapes = await chartShapes(page);
    const statuses = [...new Set(baseline.intervals.flatMap((i) => Object.keys(i.statusCodes ?? {})))];
    expect(statuses.length, 'intervals carry their stream-end status codes').toBeGreaterThan(0);
    expect(shapes.map((s) => s.id)).toEqual(['throughput', 'latency-over-time', 'latency-histogram', 'errors-over-time', 'activity', 'memory-over-time']);
    expectChart(shapes, 'throughput', ['received', 'sent']);
    expectChart(shapes, 'latency-over-time', ['P50', 'P90', 'P99', 'P99.9']);
    expectChart(shapes, 'latency-histogram', ['responses']);
    expect(shapes.find((s) => s.id === 'errors-over-time')!.legend).toHaveLength(2 + statuses.length);
    expectChart(shapes, 'activity', ['streams', 'connections']);
    // A 3 s run: every slope is drawn but too short to judge.
    const short = (name: string): string[] => [name, `${name} fitted slope (too short to judge)`];
    expectChart(shapes, 'memory-over-time', [...short('Target memory'), ...short('Client RSS'), ...short('Client worker heaps')]);
    expect(await page.locator('h1').textContent()).toBe(baseline.name);
    expect(await page.locator('[data-figure="P99"] .value').textContent()).toBe(`${baseline.latencyMs.p99.toFixed(3)}ms`);

    // Hovering the plot shows each series' value at that time, with its unit, in the legend.
    const over = page.locator('[data-chart="throughput"] .u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    await expect.poll(() => page.locator('[data-chart="throughput"] .u-legend .u-series').nth(2).locator('.u-value').textContent()).toMatch(/^[\d,.]+ msg\/s$/);

    await screenshot(page, 'report.png');
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('calls out a leaking target above its memory chart and shows every setting, the metrics URL redacted', async () => {
    const MIB = 1048576;
    const RAW_URL = 'http://scraper:hunter2@127.0.0.1:9100/metrics?job=order&token=abc123';
    // The figures of a 35 s run against a leaking v2 (the verdict needs 30 s of load; this run's own intervals carry the series).
    const leaking: Report = {
      ...baseline,
      intervals: baseline.intervals.map((i, n) => ({ ...i, targetMemoryBytes: (200 + 7 * n) * MIB })),
      memory: {
        ...baseline.memory,
        target: { source: `${RAW_URL} (process_resident_memory_bytes)`, startBytes: 200 * MIB, peakBytes: 440 * MIB, endBytes: 440 * MIB, growthBytesPerMin: 433_000_000, r2: 0.97, samples: 70, fittedSamples: 70, fittedSpanMs: 35_000 },
      },
      settings: {
        ...baseline.settings,
        rateSchedule: { initial: 0, stages: [{ durationMs: 5000, value: 100, ramp: true }, { durationMs: 30_000, value: 100, ramp: false }] },
        split: { by: 'served_by', routed: { share: 0.1, metadata: { 'x-version': 'v2', authorization: '[redacted]' } } },
        monitor: { metricsUrl: RAW_URL, intervalMs: 500 },
        thresholds: [{ metric: 'targetMemoryGrowth', condition: '<10MB/min', abortOnFail: true }],
      },
    };
    const markup = htmlReporter.render(leaking);
    expect(markup).not.toMatch(/hunter2|abc123/);
    const { page, problems } = await openPage(writePage('report-leak.html', markup));

    const verdict = 'Target memory grows 412.94 MiB/min (r² 0.97): possible leak.';
    expect(await page.locator('[data-banner="memory-leak"]').textContent()).toBe(`Memory: ${verdict}`);
    expect(await page.locator('[data-memory-verdicts] li').first().textContent()).toBe(verdict);
    const memory = (await chartShapes(page)).find((s) => s.id === 'memory-over-time')!;
    expect(memory.legend.slice(1, 3)).toEqual(['Target memory', 'Target memory fitted slope']);
    expect(memory.width).toBeGreaterThan(100);

    const setting = async (name: string): Promise<string | null> => page.locator('#settings tr', { has: page.locator('td', { hasText: name }) }).first().locator('td').nth(1).textContent();
    expect(await setting('target metrics URL')).toBe('http://[redacted]@127.0.0.1:9100/metrics?job=order&token=[redacted]');
    expect(await setting('target memory source')).toBe('http://[redacted]@127.0.0.1:9100/metrics?job=order&token=[redacted] (process_resident_memory_bytes)');
    expect(await setting('rate schedule (as planned)')).toBe('ramp from 0 to 100 msg/s over 5.00 s, then 100 msg/s for 30.00 s');
    expect(await setting('split by (split.by)')).toBe('served_by');
    expect(await setting('routed streams (split.routed)')).toBe('10 % of streams carry x-version: v2, authorization: [redacted]');
    expect(await setting('thresholds (as written)')).toBe('targetMemoryGrowth <10MB/min (abort on fail)');
    expect(await setting('memory sampling interval')).toBe('500 ms');
    expect(await page.evaluate(() => document.body.innerText)).not.toMatch(/hunter2|abc123/);
    await screenshot(page, 'report-leak.png');
    expect(problems).toEqual([]);
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
      intervals: baseline.intervals.map((i, n) => (n === 0 ? { ...i, statusCodes: { ...i.statusCodes, [HOSTILE_LABEL]: 1 } } : i)),
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
      elements: document.querySelectorAll('img, iframe, object, video, marquee, b, i, u, br, svg').length,
      text: document.body.innerText,
    }));
    expect(injected.scripts, 'only the page’s own scripts: chart data, uPlot, the chart script').toBe(3);
    expect(injected.elements, 'no injected elements').toBe(0);
    for (const literal of ['"><img src=x onerror=alert(2)>', '<iframe src="javascript:alert(5)"></iframe>', '</td><script>alert(6)</script>', '<video src=z onerror=alert(8)></video>', '<object data=x></object>', '<b>STATUS</b>']) {
      expect(injected.text).toContain(literal);
    }
    const errors = (await chartShapes(page)).find((s) => s.id === 'errors-over-time')!;
    expect(errors.legend, 'the hostile status name is a legend label, as text').toContain(`streams ended ${HOSTILE_LABEL}`);
    await expect.poll(() => page.locator('[data-banner="partial"]').textContent()).toContain('<img src=y onerror=alert(4)>');
    expect(dialogs, 'no dialog opened').toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('renders the comparison page from two reports, with and without a Comparison', async () => {
    const names = [sideName(baseline), sideName(candidate)];
    const sides = names[0] === names[1] ? [`baseline ${names[0]}`, `candidate ${names[1]}`] : names;
    const plain = await openPage(writePage('comparison-plain.html', renderComparisonHtml(baseline, candidate)));
    const plainShapes = await chartShapes(plain.page);
    expect(plainShapes.map((s) => s.id)).toEqual(['throughput-compare', 'p99-compare']);
    expectChart(plainShapes, 'throughput-compare', sides);
    expectChart(plainShapes, 'p99-compare', sides);
    expect(await plain.page.locator('h1').textContent()).toBe(`Comparison: ${sides[0]} vs ${sides[1]}`);
    expect(await plain.page.locator('#key-metrics tbody tr').count()).toBeGreaterThanOrEqual(10);
    expect(await plain.page.locator('[data-banner="verdict"]').count()).toBe(0);
    expect(plain.problems).toEqual([]);
    await plain.page.close();

    // Sides named by their routing metadata; hostile values stay text.
    const v1: Report = { ...baseline, settings: { ...baseline.settings, metadata: { 'x-version': 'v1', authorization: '[redacted]' } } };
    const v2: Report = { ...candidate, versions: undefined, settings: { ...candidate.settings, metadata: { 'x-version': HOSTILE_LABEL } } };
    // v2 as two interleaved rounds 10 s apart: both shaded, no line across the time between them.
    const second = candidate.intervals.map((i) => ({ ...i, tMs: i.tMs + 10_000 }));
    const round = (firstInterval: number, offsetMs: number) => ({ startedAt: candidate.startedAt, firstInterval, intervalCount: candidate.intervals.length, offsetMs, durationMs: candidate.durationMs, warmupMs: 0 });
    v2.intervals = [...candidate.intervals, ...second];
    v2.rounds = [round(0, 0), round(candidate.intervals.length, 10_000)];
    const routed = await openPage(writePage('comparison-routed.html', renderComparisonHtml(v1, v2)));
    await screenshot(routed.page, 'comparison-rounds.png');
    expect(await routed.page.locator('h1').textContent()).toBe(`Comparison: v1 vs ${HOSTILE_LABEL}`);
    expectChart(await chartShapes(routed.page), 'p99-compare', ['v1', HOSTILE_LABEL]);
    expect(await routed.page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
    expect(routed.dialogs).toEqual([]);
    expect(routed.problems).toEqual([]);
    await routed.page.close();

    const comparison = describeComparison(compareReports(baseline, candidate, { maxRegression: {} }));
    const judged = await openPage(writePage('comparison.html', renderComparisonHtml(baseline, candidate, comparison)));
    const shapes = await chartShapes(judged.page);
    expectChart(shapes, 'throughput-compare', sides);
    expectChart(shapes, 'p99-compare', sides);
    const verdict = judged.page.locator('[data-banner="verdict"]');
    expect(await verdict.getAttribute('data-verdict')).toBe(comparison.verdict);
    expect(await verdict.textContent()).toBe(comparison.headline);
    expect(await judged.page.locator('#verdicts tbody tr').count()).toBe(comparison.metrics.length);
    // Per metric the judged figures come first, the whole-run figures after them, labelled as such.
    expect((await judged.page.locator('#verdicts th').allTextContents()).slice(1, 4)).toEqual(['baseline (judged)', 'candidate (judged)', 'whole run: baseline / candidate']);
    const p99Row = judged.page.locator('#verdicts tbody tr', { hasText: /^P99(?!\.)/ }).first();
    expect(await p99Row.locator('td').nth(3).textContent()).toBe(`${baseline.latencyMs.p99.toFixed(3)} ms / ${candidate.latencyMs.p99.toFixed(3)} ms`);
    await screenshot(judged.page, 'comparison.png');
    expect(judged.problems).toEqual([]);
    expect(judged.dialogs).toEqual([]);
    await judged.page.close();
  });
});
