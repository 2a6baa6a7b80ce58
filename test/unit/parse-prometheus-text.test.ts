import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../src/monitor/parse-prometheus-text.js';

describe('parsePrometheusText', () => {
  it('reads back exactly what prom-client exposes', async () => {
    const registry = new Registry();
    const requests = new Counter({ name: 'app_requests_total', help: 'Requests.', labelNames: ['path', 'code'], registers: [registry] });
    const temperature = new Gauge({ name: 'app_temperature', help: 'Odd values.', labelNames: ['kind'], registers: [registry] });
    const latency = new Histogram({ name: 'app_latency_seconds', help: 'Latency.', buckets: [0.1, 1], registers: [registry] });
    const sizes = new Summary({ name: 'app_size_bytes', help: 'Sizes.', percentiles: [0.5], registers: [registry] });

    const awkwardPath = 'say "hi" \\ to {a=1, b="2"}\nnext line';
    requests.inc({ path: '/orders', code: '200' }, 3);
    requests.inc({ path: awkwardPath, code: '500' }, 2.5);
    temperature.set({ kind: 'nan' }, NaN);
    temperature.set({ kind: 'hot' }, Infinity);
    temperature.set({ kind: 'cold' }, -Infinity);
    temperature.set({ kind: 'tiny' }, 1.5e-12);
    temperature.set({ kind: 'huge' }, 123456789012);
    for (const seconds of [0.05, 0.5, 2]) latency.observe(seconds);
    sizes.observe(10);

    const text = await registry.metrics();
    const parsed = parsePrometheusText(text);

    // Every sample prom-client knows about comes back with the same labels and value.
    const expected = (await registry.getMetricsAsJSON()).flatMap((metric) =>
      metric.values.map((v) => ({
        // Histogram values carry their own sample name (…_bucket, …_sum, …_count); the typings omit it.
        name: (v as { metricName?: string }).metricName ?? metric.name,
        labels: Object.fromEntries(Object.entries(v.labels).map(([k, value]) => [k, String(value)])),
        value: v.value,
      })),
    );
    const actual = [...parsed].flatMap(([name, samples]) => samples.map((s) => ({ name, labels: s.labels, value: s.value })));
    expect(actual).toHaveLength(expected.length);
    expect(actual).toEqual(expect.arrayContaining(expected));

    expect(parsed.get('app_requests_total')).toEqual([
      { labels: { path: '/orders', code: '200' }, value: 3 },
      { labels: { path: awkwardPath, code: '500' }, value: 2.5 },
    ]);
    const byKind = Object.fromEntries(parsed.get('app_temperature')!.map((s) => [s.labels['kind'], s.value]));
    expect(byKind).toEqual({ nan: NaN, hot: Infinity, cold: -Infinity, tiny: 1.5e-12, huge: 123456789012 });
    expect(parsed.get('app_latency_seconds_bucket')!.map((s) => [s.labels['le'], s.value])).toEqual([
      ['0.1', 1],
      ['1', 2],
      ['+Inf', 3],
    ]);
    expect(parsed.get('app_latency_seconds_count')).toEqual([{ labels: {}, value: 3 }]);
    expect(parsed.get('app_size_bytes')).toEqual([{ labels: { quantile: '0.5' }, value: 10 }]);
  });

  it('keeps timestamps and tolerates comments, blank lines, CRLF, spacing and trailing commas', () => {
    const text = [
      '# HELP http_requests_total The total number of HTTP requests.',
      '# TYPE http_requests_total counter',
      '# any other comment',
      '',
      'http_requests_total{method="post",code="200"} 1027 1395066363000',
      'http_requests_total{method="post",code="400",}    3   1395066363000\r',
      '  metric_without_timestamp_and_labels 12.47',
      'spaced { a = "1" , b="x\\\\y" } -0.5',
      'no_blank{a="1"}7',
      'go_gc_duration_seconds{quantile="1"} +Inf',
      'weird_value NaN',
      'with_exemplar_total 5 # {trace_id="abc"} 1.0',
      '# EOF',
    ].join('\n');

    const parsed = parsePrometheusText(text);

    expect(parsed.get('http_requests_total')).toEqual([
      { labels: { method: 'post', code: '200' }, value: 1027, timestampMs: 1395066363000 },
      { labels: { method: 'post', code: '400' }, value: 3, timestampMs: 1395066363000 },
    ]);
    expect(parsed.get('metric_without_timestamp_and_labels')).toEqual([{ labels: {}, value: 12.47 }]);
    expect(parsed.get('spaced')).toEqual([{ labels: { a: '1', b: 'x\\y' }, value: -0.5 }]);
    expect(parsed.get('no_blank')).toEqual([{ labels: { a: '1' }, value: 7 }]);
    expect(parsed.get('go_gc_duration_seconds')![0]!.value).toBe(Infinity);
    expect(parsed.get('weird_value')![0]!.value).toBeNaN();
    expect(parsed.get('with_exemplar_total')).toEqual([{ labels: {}, value: 5 }]);
    expect([...parsed.keys()]).toHaveLength(7);
  });

  it('keeps a label named __proto__ as an ordinary label', () => {
    const [sample] = parsePrometheusText('m{__proto__="x"} 1\n').get('m')!;
    expect(Object.keys(sample!.labels)).toEqual(['__proto__']);
    expect(sample!.labels['__proto__']).toBe('x');
  });

  it.each([
    ['m{a="1"', 'line 2, column 8: expected "," or "}"'],
    ['m{a=1} 2', 'expected a quoted label value'],
    ['m{a="1",a="2"} 2', 'duplicate label "a"'],
    ['m twelve', 'expected a number'],
    ['m', 'expected a blank before the value'],
    ['m 1 12.5', 'integer timestamp'],
    ['m 1 2 3', 'unexpected text after the timestamp'],
    ['9m 1', 'expected a metric name'],
    ['m{a="unterminated} 1', 'unterminated label value'],
  ])('rejects %j', (line, message) => {
    expect(() => parsePrometheusText(`ok 1\n${line}\n`)).toThrow(SyntaxError);
    expect(() => parsePrometheusText(`ok 1\n${line}\n`)).toThrow(message);
  });
});
