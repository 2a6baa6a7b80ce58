import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateThresholds } from '../../src/compare/evaluate-thresholds.js';
import { parseThreshold } from '../../src/scenario/parse-threshold.js';
import { parsePrometheusText } from '../../src/monitor/parse-prometheus-text.js';
import type { Report, ReportInterval } from '../../src/report/report.js';
import { csvReporter } from '../../src/reporters/csv-reporter.js';
import { renderConsoleSummary } from '../../src/reporters/console-reporter.js';
import { renderHtmlReport } from '../../src/reporters/html/html-reporter.js';
import { influxReporter } from '../../src/reporters/influx-reporter.js';
import { junitReporter } from '../../src/reporters/junit-reporter.js';
import { markdownReporter } from '../../src/reporters/markdown-reporter.js';
import { prometheusReporter } from '../../src/reporters/prometheus-reporter.js';
import { findReporter, REPORT_FORMATS } from '../../src/reporters/reporter-registry.js';
import { runScenario } from '../../src/run/run-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { parseLineProtocol } from '../helpers/parse-line-protocol.js';

interface PromFamily {
  name: string;
  help: string;
  type: string;
  metrics: Array<{ value: string; labels?: Record<string, string> }>;
}
const parsePrometheusTextFormat = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => PromFamily[];

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO_ROOT, 'bin/grpc-bench.js');
const COMPILED_WORKER = join(REPO_ROOT, 'dist/src/pool/worker.js');

/** Every character that needs escaping in at least one of the formats. */
const NASTY = 'a"b<c>&d|e,f g=h\\i\nj';
/** What formats without a line-break escape (markdown, line protocol) keep of it. */
const NASTY_ONE_LINE = NASTY.replace('\n', ' ');

const CSV_HEADER =
  't_ms,duration_ms,messages_sent,messages_received,messages_failed,errors,streams_opened,streams_completed,streams_failed,messages_per_sec,p50_ms,p99_ms,active_streams,active_connections,sends_deferred,calls_ended';
const CSV_FIELDS: Array<keyof ReportInterval> = [
  'tMs', 'durationMs', 'messagesSent', 'messagesReceived', 'messagesFailed', 'errors', 'streamsOpened', 'streamsCompleted',
  'streamsFailed', 'messagesPerSec', 'p50Ms', 'p99Ms', 'activeStreams', 'activeConnections', 'sendsDeferred',
];

let measured: Report;
/** The measured run with user-controlled strings made hostile and three thresholds: one passed, one failed, one without data. */
let report: Report;

beforeAll(async () => {
  if (!existsSync(COMPILED_WORKER)) throw new Error(`${COMPILED_WORKER} is missing: run \`npm run build\` first`);
  // Bounded by time, not by count: several intervals however busy the machine is.
  const scenario = loadScenario({ overrides: { target: 'embedded', load: { streams: 4, connections: 1, duration: '1500ms' }, stream: { interval: '2ms' } } });
  ({ report: measured } = await runScenario(scenario, { snapshotIntervalMs: 250 }));
  report = {
    ...measured,
    name: NASTY,
    target: NASTY,
    errorDetails: { ...measured.errorDetails, [`UNAVAILABLE: ${NASTY}`]: 2 },
    thresholds: {
      passed: false,
      results: [
        { metric: 'p99', condition: '<50ms', actual: measured.latencyMs.p99, limit: 50, unit: 'ms', pass: true, abortOnFail: false },
        { metric: 'messagesPerSec', condition: '>1000000', actual: measured.throughput.messagesPerSec, limit: 1_000_000, unit: 'msg/s', pass: false, abortOnFail: false },
        // 1.5 s of load is too short to judge a memory trend.
        ...evaluateThresholds(measured, [{ ...parseThreshold('clientMemoryGrowth', '<1GB/min'), condition: '<1GB/min', abortOnFail: false, abortAfterMs: 5000 }]).results,
      ],
    },
  };
}, 120_000);

/** Splits a markdown table row on unescaped pipes; a backslash escapes the next character. */
function tableCells(row: string): string[] {
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < row.length; i++) {
    const char = row[i]!;
    if (char === '\\') {
      cell += char + (row[i + 1] ?? '');
      i += 1;
    } else if (char === '|') {
      cells.push(cell);
      cell = '';
    } else {
      cell += char;
    }
  }
  cells.push(cell);
  return cells.slice(1, -1).map((c) => c.trim());
}

/** Markdown tables: runs of consecutive lines starting with "|". */
function markdownTables(text: string): string[][] {
  const tables: string[][] = [];
  let current: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('|')) {
      current.push(line);
    } else if (current.length) {
      tables.push(current);
      current = [];
    }
  }
  if (current.length) tables.push(current);
  return tables;
}

/** Removes backslash escapes; fails on a markdown-significant character left unescaped. */
function unescapeMarkdown(text: string): string {
  const bare = text.replace(/\\./g, '');
  expect(bare).not.toMatch(/[\\`*_[\]<>|~&$]/);
  return text.replace(/\\(.)/g, '$1');
}

function parseJunit(text: string): { testsuites: Record<string, string> & { testsuite: Record<string, unknown> } } {
  expect(XMLValidator.validate(text)).toBe(true);
  // fast-xml-parser tolerates "<" and a bare "&" inside attribute values; XML does not.
  for (const [, value] of text.matchAll(/="([^"]*)"/g)) expect(value).not.toMatch(/<|&(?!(amp|lt|gt|quot|apos|#\d+);)/);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    htmlEntities: true,
    parseAttributeValue: false,
    isArray: (name) => name === 'testcase' || name === 'property',
  });
  return parser.parse(text);
}

function checkCsv(text: string, intervals: ReportInterval[]): void {
  const rows = parseCsv(text, { relax_column_count: false, relax_quotes: false }) as string[][];
  expect(rows[0]!.join(',')).toBe(CSV_HEADER);
  expect(rows.length - 1).toBe(intervals.length);
  const callsEnded = (interval: ReportInterval): number => Object.values(interval.statusCodes ?? {}).reduce((sum, n) => sum + n, 0);
  intervals.forEach((interval, i) => expect(rows[i + 1]!.map(Number)).toEqual([...CSV_FIELDS.map((f) => interval[f]), callsEnded(interval)]));
}

function checkInfluxIntervals(text: string, source: Report): void {
  const points = parseLineProtocol(text);
  expect(points.map((p) => p.measurement)).toEqual([...source.intervals.map(() => 'grpc_bench'), 'grpc_bench_summary']);
  const startNs = BigInt(Date.parse(source.startedAt)) * 1_000_000n;
  source.intervals.forEach((interval, i) => {
    const { tags, fields, timestampNs } = points[i]!;
    expect(tags).toEqual({ run: source.name.replace('\n', ' '), call: source.call });
    expect(timestampNs).toBe(startNs + BigInt(interval.tMs) * 1_000_000n);
    expect(fields.messages_sent).toEqual({ type: 'integer', value: interval.messagesSent });
    expect(fields.messages_received).toEqual({ type: 'integer', value: interval.messagesReceived });
    expect(fields.errors).toEqual({ type: 'integer', value: interval.errors });
    expect(fields.streams_opened).toEqual({ type: 'integer', value: interval.streamsOpened });
    expect(fields.active_streams).toEqual({ type: 'integer', value: interval.activeStreams });
    expect(fields.duration_ms).toEqual({ type: 'integer', value: interval.durationMs });
    expect(fields.messages_per_sec).toEqual({ type: 'float', value: interval.messagesPerSec });
    expect(fields.p50_ms).toEqual({ type: 'float', value: interval.p50Ms });
    expect(fields.p99_ms).toEqual({ type: 'float', value: interval.p99Ms });
  });
  const summary = points.at(-1)!;
  expect(summary.fields.messages_sent).toEqual({ type: 'integer', value: source.counts.messagesSent });
  expect(summary.fields.messages_received).toEqual({ type: 'integer', value: source.counts.messagesReceived });
  expect(summary.fields.p99_ms).toEqual({ type: 'float', value: source.latencyMs.p99 });
  expect(summary.fields.partial).toEqual({ type: 'boolean', value: source.partial });
  expect(summary.timestampNs).toBe(startNs + BigInt(source.durationMs) * 1_000_000n);
}

/** Sample value by metric name and the labels beyond run/call (as "k=v,…"). */
function promValues(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const [name, samples] of parsePrometheusText(text)) {
    for (const { labels, value } of samples) {
      const extra = Object.entries(labels).filter(([k]) => k !== 'run' && k !== 'call').map(([k, v]) => `${k}=${v}`).join(',');
      values.set(extra ? `${name}{${extra}}` : name, value);
    }
  }
  return values;
}

function checkPrometheusCounts(text: string, source: Report): void {
  const values = promValues(text);
  expect(values.get('grpc_bench_messages_sent_total')).toBe(source.counts.messagesSent);
  expect(values.get('grpc_bench_messages_received_total')).toBe(source.counts.messagesReceived);
  expect(values.get('grpc_bench_errors_total')).toBe(source.counts.errors);
  expect(values.get('grpc_bench_streams_total{outcome=completed}')).toBe(source.counts.streamsCompleted);
  expect(values.get('grpc_bench_streams_total{outcome=failed}')).toBe(source.counts.streamsFailed);
  expect(values.get('grpc_bench_streams_total{outcome=cancelled}')).toBe(source.counts.streamsCancelled);
  for (const [code, n] of Object.entries(source.statusCodes)) expect(values.get(`grpc_bench_status_total{code=${code}}`)).toBe(n);
  expect(values.get('grpc_bench_throughput_messages_per_second')).toBe(source.throughput.messagesPerSec);
  expect(values.get('grpc_bench_latency_seconds{quantile=0.5}')).toBeCloseTo(source.latencyMs.p50 / 1000, 12);
  expect(values.get('grpc_bench_latency_seconds{quantile=0.99}')).toBeCloseTo(source.latencyMs.p99 / 1000, 12);
  expect(values.get('grpc_bench_latency_seconds{quantile=0.999}')).toBeCloseTo(source.latencyMs.p999 / 1000, 12);
  expect(values.get('grpc_bench_duration_seconds')).toBe(source.durationMs / 1000);
  expect(values.get('grpc_bench_connections_opened_total')).toBe(source.connections.opened);
}

describe('report formats', () => {
  it('are all in the registry, each under its own name and file extension', () => {
    expect(REPORT_FORMATS).toEqual(expect.arrayContaining(['console', 'json', 'csv', 'junit', 'markdown', 'prometheus', 'influx']));
    expect(['csv', 'junit', 'markdown', 'prometheus', 'influx'].map((name) => findReporter(name).extension)).toEqual(['csv', 'xml', 'md', 'prom', 'lp']);
  });

  it('render as pure functions of the report', () => {
    const before = structuredClone(report);
    for (const reporter of [csvReporter, junitReporter, markdownReporter, prometheusReporter, influxReporter]) {
      expect(reporter.render(report)).toBe(reporter.render(structuredClone(report)));
    }
    expect(report).toEqual(before);
  });

  it('were measured on a real run with several intervals', () => {
    const { counts } = measured;
    expect(counts.messagesReceived).toBeGreaterThan(0);
    expect(counts.messagesSent).toBe(counts.messagesReceived + counts.messagesFailed + counts.inFlightAtStop);
    expect(measured.intervals.length).toBeGreaterThan(1);
  });

  it('csv: one RFC 4180 row per interval with the same numbers', () => {
    const text = csvReporter.render(report);
    expect(text.endsWith('\r\n')).toBe(true);
    checkCsv(text, report.intervals);
  });

  it('junit: one testcase per threshold, failures for the failed ones, names escaped', () => {
    const { testsuites } = parseJunit(junitReporter.render(report));
    const suite = testsuites.testsuite as Record<string, string> & { testcase: Array<Record<string, unknown>>; properties: { property: Array<Record<string, string>> } };
    expect(suite.name).toBe(NASTY);
    expect(suite.tests).toBe('3');
    expect(suite.failures).toBe('2');
    expect(Number(suite.time)).toBeCloseTo(report.durationMs / 1000, 3);
    expect(suite.properties.property).toContainEqual({ name: 'target', value: NASTY });
    expect(suite.testcase.map((c) => c.name)).toEqual(['p99 <50ms', 'messagesPerSec >1000000', 'clientMemoryGrowth <1GB/min']);
    expect(suite.testcase[0]!.failure).toBeUndefined();
    const failure = suite.testcase[1]!.failure as Record<string, string>;
    expect(failure.message).toContain(`was ${report.throughput.messagesPerSec} msg/s, limit 1000000 msg/s`);
    const noData = suite.testcase[2]!.failure as Record<string, string>;
    expect(noData.message).toMatch(/^clientMemoryGrowth was no data: no trend from \d+ samples while the load ran \(10 or more needed: run longer\), limit 1000000000 bytes\/min/);
    expect(noData['#text']).toMatch(/^actual no data, limit 1000000000 bytes\/min/);
    // A threshold is checked once, after the run: its case takes no time of its own.
    for (const testCase of suite.testcase) expect(Number(testCase.time)).toBe(0);
  });

  it('junit: without thresholds, one "run completed" case that fails for a partial run or no responses', () => {
    const cases = (r: Report): Array<Record<string, unknown>> => {
      const suite = parseJunit(junitReporter.render(r)).testsuites.testsuite as { testcase: Array<Record<string, unknown>> };
      return suite.testcase;
    };
    const clean = { ...report, thresholds: undefined };
    expect(cases(clean)).toEqual([{ name: 'run completed', classname: NASTY, time: (report.durationMs / 1000).toFixed(3) }]);
    const partial = cases({ ...clean, partial: true, partialReason: NASTY });
    expect((partial[0]!.failure as Record<string, string>).message).toBe(`the run did not reach its planned end: ${NASTY}`);
    const silent = cases({ ...clean, counts: { ...clean.counts, messagesReceived: 0 } });
    expect((silent[0]!.failure as Record<string, string>).message).toMatch(/^no response succeeded/);
  });

  it('markdown: well-formed tables, user strings escaped, threshold verdicts and warnings', () => {
    const text = markdownReporter.render({ ...report, partial: true, partialReason: NASTY, generator: { ...report.generator, saturated: true } });
    const tables = markdownTables(text);
    expect(tables.length).toBe(4);
    for (const rows of tables) {
      const widths = rows.map((row) => tableCells(row).length);
      expect(new Set(widths).size).toBe(1);
      expect(rows[1]).toMatch(/^\|(---\|)+$/);
    }
    const title = text.split('\n')[0]!;
    expect(title.startsWith('## grpc-bench: ')).toBe(true);
    expect(unescapeMarkdown(title.slice('## grpc-bench: '.length))).toBe(NASTY_ONE_LINE);
    const [summary, statuses, errors, thresholds] = tables;
    expect(summary!.map((row) => tableCells(row)[0])).toEqual(['metric', '---', 'messages sent', 'messages received', 'messages failed', 'errors', 'throughput', 'P50', 'P90', 'P99', 'P99.9', 'streams', 'connections', 'latency', 'kind', 'calls', 'calls/sec', 'per call', 'per call percentiles']);
    expect(tableCells(summary!.find((row) => tableCells(row)[0] === 'kind')!)[1]).toBe('bidirectional streaming');
    expect(statuses!.slice(2).map((row) => tableCells(row)[0])).toEqual(Object.keys(report.statusCodes));
    expect(errors!.slice(2).map((row) => unescapeMarkdown(tableCells(row)[0]!))).toContain(`UNAVAILABLE: ${NASTY_ONE_LINE}`);
    expect(thresholds!.slice(2).map((row) => tableCells(row)[0])).toEqual(['✅', '❌', '❌']);
    expect(tableCells(thresholds![4]!)[3]!.trim()).toMatch(/^no data: no trend from \d+ samples/);
    expect(text).toContain('### Thresholds: ❌ failed');
    expect(text).toMatch(/Partial run:\*\* a"b\\<c\\>\\&d\\\|e,f g=h\\\\i j/);
    expect(text).toContain('Load generator saturated');
  });

  it('prometheus: parses with two independent parsers, labels escaped, values equal the report', () => {
    const text = prometheusReporter.render(report);
    checkPrometheusCounts(text, report);
    for (const samples of parsePrometheusText(text).values()) {
      for (const { labels, timestampMs } of samples) {
        expect(labels.run).toBe(NASTY);
        expect(labels.call).toBe(report.call);
        expect(timestampMs).toBeUndefined();
      }
    }
    const families = parsePrometheusTextFormat(text);
    expect(families.length).toBeGreaterThanOrEqual(10);
    for (const family of families) {
      expect(family.name).toMatch(/^grpc_bench_[a-z_]+$/);
      expect(family.help).not.toBe('');
      expect(['COUNTER', 'GAUGE']).toContain(family.type);
      if (family.type === 'COUNTER') expect(family.name).toMatch(/_total$/);
      for (const metric of family.metrics) expect(metric.labels).toMatchObject({ run: NASTY, call: report.call });
    }
    const sent = families.find((f) => f.name === 'grpc_bench_messages_sent_total')!;
    expect(Number(sent.metrics[0]!.value)).toBe(report.counts.messagesSent);
  });

  it('influx: one line per interval plus a summary, strictly parsable, tags escaped', () => {
    checkInfluxIntervals(influxReporter.render(report), report);
  });

  it('console, markdown and html show how the connections were made: transport and load balancing (an older report: the defaults)', () => {
    expect(measured.settings.loadBalancing).toBe('pick_first');
    const balanced: Report = { ...report, settings: { ...report.settings, transport: 'http2', loadBalancing: 'round_robin' } };
    const { loadBalancing: _dropped, transport: _transport, ...older } = report.settings;
    const lines = renderConsoleSummary(balanced).split('\n');
    const connections = lines[lines.indexOf('Connections:') + 1];
    expect(connections).toMatch(/^ {2}opened \d+, closed \d+, peak active \d+; transport http2, load balancing round_robin$/);
    expect(renderConsoleSummary({ ...report, settings: older })).toMatch(/peak active \d+; transport grpc-js, load balancing pick_first\n/);
    expect(markdownReporter.render(balanced)).toMatch(/\| connections \| \d+ opened, \d+ peak active; transport http2, load balancing round\\_robin \|/);
    expect(renderHtmlReport(balanced)).toContain('<td class="">load balancing (loadBalancing)</td><td class="">round_robin</td>');
  });

  it('an unknown format in the scenario is rejected with the valid ones listed', () => {
    expect(() => loadScenario({ overrides: { output: { formats: ['csv', 'xml'] } } })).toThrow(/output\.formats\.1: expected one of console, json, csv, .*influx.*, got "xml"/);
  });
});

describe('grpc-bench run -O with every file format', () => {
  it('writes one parsable file per format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grpc-bench-formats-'));
    try {
      const args = [BIN, 'run', '-n', '200', '-c', '2', '-O', 'csv,junit,markdown,prometheus,influx,json', '-o', dir];
      const exitCode = await new Promise<number>((resolve) => {
        execFile(process.execPath, args, { cwd: REPO_ROOT, timeout: 100_000 }, (error) => resolve(error ? Number(error.code ?? 1) : 0));
      });
      expect(exitCode).toBe(0);
      const read = (ext: string): string => readFileSync(join(dir, `report.${ext}`), 'utf8');
      const json = JSON.parse(read('json')) as Report;
      expect(json.counts.messagesSent).toBe(200);
      checkCsv(read('csv'), json.intervals);
      const suite = parseJunit(read('xml')).testsuites.testsuite as { name: string; testcase: Array<Record<string, unknown>> };
      expect(suite.name).toBe(json.name);
      expect(suite.testcase.map((c) => c.name)).toEqual(['run completed']);
      expect(suite.testcase[0]!.failure).toBeUndefined();
      for (const rows of markdownTables(read('md'))) expect(new Set(rows.map((row) => tableCells(row).length)).size).toBe(1);
      checkPrometheusCounts(read('prom'), json);
      checkInfluxIntervals(read('lp'), json);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
