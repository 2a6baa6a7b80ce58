import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { callsReport } from '../../src/report/calls-report.js';
import { findReporter } from '../../src/reporters/reporter-registry.js';
import type { GhzReport } from '../../src/reporters/ghz-report.js';
import { createLatencyHistogram, recordLatencyUs } from '../../src/stats/latency-histogram.js';
import { syntheticReport } from '../helpers/synthetic-report.js';

interface PromFamily {
  name: string;
  type: string;
  metrics: Array<{ value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; quantiles?: Record<string, string>; count?: string }>;
}
const parsePrometheusTextFormat = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => PromFamily[];

/** Ten calls: eight OK (10 … 80 ms), two UNAVAILABLE (200 and 400 ms unless given), every one in the call sample. */
function tenCalls(ghzOptions: Record<string, unknown> = {}, failedMs = [200, 400]): Report {
  const okMs = [10, 20, 30, 40, 50, 60, 70, 80];
  const all = createLatencyHistogram();
  const ok = createLatencyHistogram();
  for (const ms of okMs) {
    recordLatencyUs(all, ms * 1000);
    recordLatencyUs(ok, ms * 1000);
  }
  for (const ms of failedMs) recordLatencyUs(all, ms * 1000);
  const statusCodes = { OK: 8, UNAVAILABLE: 2 };
  const report = syntheticReport([{ latenciesMs: okMs }], { name: 'ghz<run>' });
  const start = Date.parse(report.startedAt);
  const kept = [...okMs.map((ms) => [ms, 'OK']), ...failedMs.map((ms) => [ms, 'UNAVAILABLE'])].map(([ms, status], i) =>
    ({ endedAtEpochMs: start + 100 * i + 0.5, durationUs: Number(ms) * 1000, status: String(status), error: status === 'OK' ? '' : 'down' }));
  return {
    ...report,
    statusCodes,
    errorDetails: { 'UNAVAILABLE: down': 2 },
    calls: callsReport('unary', statusCodes, all, report.durationMs, ok),
    callSample: { seen: 10, kept },
    ghz: { options: { call: 'helloworld.Greeter.SayHello', host: '127.0.0.1:50051', total: 10, concurrency: 2, name: 'ghz<run>', 'load-schedule': 'const', 'concurrency-schedule': 'const', ...ghzOptions }, callsPlanned: 10 },
  };
}

const render = (format: string, report: Report): string => findReporter(format).render(report);

describe("ghz's report formats", () => {
  it("json: ghz's latency figures of the OK calls, the average and count of all, durations in ns", () => {
    const ghz = JSON.parse(render('ghz-json', tenCalls())) as GhzReport;
    expect(ghz).toMatchObject({ name: 'ghz<run>', endReason: 'normal', count: 10, statusCodeDistribution: { OK: 8, Unavailable: 2 }, errorDistribution: { 'rpc error: code = Unavailable desc = down': 2 } });
    expect(ghz.average).toBeCloseTo(96e6, -6);
    expect(ghz.fastest).toBeCloseTo(10e6, -5);
    // HDR histograms keep 3 significant digits.
    expect(ghz.slowest).toBeCloseTo(80e6, -6);
    expect(ghz.histogram!.reduce((sum, b) => sum + b.count, 0)).toBe(8);
    expect(ghz.histogram![0]!.count).toBe(1);
    expect(ghz.details!.map((d) => d.status)).toEqual([...Array(8).fill('OK'), 'Unavailable', 'Unavailable']);
    expect(ghz.details![0]!.timestamp).toBe('2026-01-01T00:00:00.0005Z');

    const counted = JSON.parse(render('ghz-json', tenCalls({ 'count-errors': true }))) as GhzReport;
    expect(counted.histogram!.reduce((sum, b) => sum + b.count, 0)).toBe(10);
    expect(counted.slowest).toBeCloseTo(400e6, -6);
    expect(render('ghz-pretty', tenCalls())).toContain('\n  "count": 10,\n');
  });

  it('summary: ghz\'s sections, statuses and errors in its words, then grpc-bench\'s per-message line', () => {
    const text = render('ghz-summary', tenCalls());
    expect(text).toMatch(/^\nSummary:\n {2}Name:\t\tghz<run>\n {2}Count:\t10\n {2}Total:\t[\d.]+ s\n/);
    expect(text).toMatch(/\n {2}Slowest:\t80\.\d\d ms\n {2}Fastest:\t10\.\d\d ms\n {2}Average:\t96\.\d\d ms\n/);
    expect(text).toMatch(/Latency distribution:\n {2}10 % in 10\.\d\d ms \n/);
    expect(text).toContain('  [OK]            8 responses\n  [Unavailable]   2 responses\n');
    expect(text).toContain('Error distribution:\n  [2]   rpc error: code = Unavailable desc = down\n');
    expect(text).toMatch(/\ngrpc-bench: 8 responses to 8 messages; per message p50 [\d.]+ ms/);
  });

  it('csv and influx-details: one line per call of the sample', () => {
    const csv = render('ghz-csv', tenCalls()).split('\n').filter(Boolean);
    expect(csv[0]).toBe('duration (ms),status,error');
    expect(csv.slice(1)).toEqual(['10.00,OK,', '20.00,OK,', '30.00,OK,', '40.00,OK,', '50.00,OK,', '60.00,OK,', '70.00,OK,', '80.00,OK,', '200.00,Unavailable,down', '400.00,Unavailable,down']);
    const details = render('ghz-influx-details', tenCalls()).split('\n').filter(Boolean);
    expect(details).toHaveLength(10);
    expect(details[9]).toMatch(/^ghz_detail,name="ghz<run>",call="helloworld\.Greeter\.SayHello",host="127\.0\.0\.1:50051",n=10,c=2,rps=0,.*,hasError=true latency=400000000,error="down",status="Unavailable" 1767225600900500000$/);
  });

  it("influx-summary: one ghz_run line, ghz's tags and fields", () => {
    const line = render('ghz-influx-summary', tenCalls());
    expect(line).toMatch(/^ghz_run,name="ghz<run>",call="helloworld\.Greeter\.SayHello",host="127\.0\.0\.1:50051",n=10,c=2,rps=0,z=0,timeout=0,dial_timeout=0,keepalive=0,data="null",metadata="",tags="",errors=2,has_errors=true count=10,total=\d+,average=\d+,fastest=\d+,slowest=\d+,rps=[\d.]+,median=\d+,p95=\d+,errors=2 \d{19}\n$/);
  });

  it('prometheus: parses; the histogram buckets are cumulative over every call, +Inf equal to _count', () => {
    for (const options of [{}, { 'count-errors': true }]) {
      // A failed call faster than every OK call (5 ms) and one slower (400 ms).
      const text = render('ghz-prometheus', tenCalls(options, [5, 400]));
      // A label given twice is invalid in the exposition format.
      for (const [, labelSet] of text.matchAll(/\{([^}]*)\}/g)) {
        const names = [...labelSet!.matchAll(/(\w+)="/g)].map((m) => m[1]);
        expect(new Set(names).size).toBe(names.length);
      }
      const families = parsePrometheusTextFormat(text);
      const value = (name: string): string | undefined => families.find((f) => f.name === name)?.metrics[0]?.value;
      expect(value('ghz_run_count')).toBe('10');
      expect(value('ghz_run_errors')).toBe('2');
      const histogram = families.find((f) => f.name === 'ghz_run_histogram')!;
      expect(histogram.type).toBe('HISTOGRAM');
      const metric = histogram.metrics[0]!;
      const bounds = Object.keys(metric.buckets!);
      const counts = Object.values(metric.buckets!).map(Number);
      expect(bounds).toHaveLength(12);
      expect(bounds.at(-1)).toBe('+Inf');
      expect(bounds.slice(0, -1).map(Number)).toEqual(bounds.slice(0, -1).map(Number).sort((a, b) => a - b));
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      // The parser drops a labelled histogram's _count: read it from its line.
      const histogramCount = Number(/^ghz_run_histogram_count\{[^}]*\} (\d+)$/m.exec(text)?.[1]);
      expect(histogramCount).toBe(10);
      expect(counts.at(-1)).toBe(histogramCount);
      // Each bucket holds exactly the calls at or below its bound, failed or not (10 … 80 ms OK, 5 and 400 ms failed).
      const latenciesS = [0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.4];
      bounds.slice(0, -1).forEach((bound, i) => expect(counts[i]).toBe(latenciesS.filter((s) => s <= Number(bound) * 1.001).length));
      // Without --count-errors the marks span the OK calls (10 … 80 ms), as ghz's histogram does.
      expect(counts[0]).toBe('count-errors' in options ? 1 : 2);
      expect(counts[10]).toBe('count-errors' in options ? 10 : 9);
    }
    const families = parsePrometheusTextFormat(render('ghz-prometheus', tenCalls()));
    expect(families.find((f) => f.name === 'ghz_run_count')!.metrics[0]!.labels).toMatchObject({ name: 'ghz<run>', end_reason: 'normal', call: 'helloworld.Greeter.SayHello' });
  });

  it('html: self-contained, no script, every value from the run escaped', () => {
    const page = render('ghz-html', tenCalls());
    expect(page).not.toMatch(/<script|https?:\/\//);
    expect(page).toContain('<title>ghz - ghz&lt;run&gt;</title>');
    expect(page).toContain('rpc error: code = Unavailable desc = down');
  });
});
