import { describe, expect, it } from 'vitest';
import { planScenario } from '../../src/plan/plan-scenario.js';
import { reportSettings } from '../../src/report/report-settings.js';
import { describeSchedule } from '../../src/reporters/describe-schedule.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';

describe('reportSettings', () => {
  it('keeps the rate schedule, split, thresholds and the monitor, secrets redacted', () => {
    const scenario = loadScenario({
      overrides: {
        target: '127.0.0.1:1',
        load: { workers: 1, stages: [{ duration: '5s', rate: 100, ramp: true }, { duration: '10s', rate: 100 }] },
        split: { by: 'served_by', routed: { share: 0.25, metadata: { 'x-version': 'v2', authorization: 'Bearer s3cret' } } },
        monitor: { metricsUrl: 'http://scraper:hunter2@127.0.0.1:9100/metrics?token=abc123' },
        thresholds: { p99: '<50ms', errorRate: { condition: '<1%', abortOnFail: true } },
      },
    });
    const plan = planScenario(scenario);
    const settings = reportSettings(plan, 'order.proto', undefined, { ...plan.monitor, intervalMs: 500 });

    expect(settings.rateSchedule).toEqual({ initial: 0, stages: [{ durationMs: 5000, value: 100, ramp: true }, { durationMs: 10_000, value: 100, ramp: false }] });
    expect(describeSchedule(settings.rateSchedule!, 'msg/s')).toBe('ramp from 0 to 100 msg/s over 5.00 s, then 100 msg/s for 10.00 s');
    expect(settings.split).toEqual({ by: 'served_by', routed: { share: 0.25, metadata: { 'x-version': 'v2', authorization: '[redacted]' } } });
    expect(settings.monitor).toEqual({ metricsUrl: 'http://[redacted]@127.0.0.1:9100/metrics?token=[redacted]', intervalMs: 500 });
    expect(settings.thresholds).toEqual([
      { metric: 'p99', condition: '<50ms', abortOnFail: false },
      { metric: 'errorRate', condition: '<1%', abortOnFail: true },
    ]);
    expect(JSON.stringify(settings)).not.toMatch(/hunter2|abc123|s3cret/);
  });

  it('keeps an open-ended stage without a duration (JSON has no Infinity) and describes it as lasting to the end', () => {
    const plan = planScenario(loadScenario({ overrides: { target: '127.0.0.1:1', load: { workers: 1, rate: 250, messages: 1000 } } }));
    const settings = reportSettings(plan, 'order.proto');
    expect(settings.rateSchedule).toEqual({ initial: 250, stages: [{ value: 250, ramp: false }] });
    expect(describeSchedule(settings.rateSchedule!, 'msg/s')).toBe('250 msg/s to the end');
    expect(settings.monitor).toBeUndefined();
    expect(settings.split).toBeUndefined();
  });
});
