import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseThresholdFlags } from '../../src/cli/parse-threshold-flags.js';
import { checkScenario } from '../../src/run/check-scenario.js';
import { compileMessageTemplate } from '../../src/scenario/compile-message-template.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { parseFlowThreshold, ThresholdError } from '../../src/scenario/parse-threshold.js';
import type { FlowStep } from '../../src/scenario/flow-schema.js';
import { MAX_SENDS_IN_A_ROW, sendsInARowProblem } from '../../src/scenario/sends-in-a-row.js';
import { benchErrorOf } from '../helpers/bench-error-of.js';

const EXAMPLE = fileURLToPath(new URL('../../scenarios/reservation-flow.yaml', import.meta.url));


const order = { send: 'order', message: { user_id: 'u_{{streamId}}' } };
const reserved = { await: 'reserved', until: { status: 'RESERVED' }, within: '500ms', capture: { reservation: 'reservation_id' } };
const confirm = { send: 'confirm', message: { kind: 'CONFIRM', reservation_id: '{{reservation}}' } };
const decided = { await: 'decided', until: { status: ['CONFIRMED', 'REJECTED'] }, within: '1s', checks: { confirmed: { status: 'CONFIRMED' } } };

/** A scenario whose stream runs `steps`, against the bundled order.proto. */
function withFlow(steps: unknown[], more: Record<string, unknown> = {}) {
  return () => loadScenario({ overrides: { stream: { correlateBy: 'request_id', flow: { steps } }, ...more } as never });
}

describe('scenario flows', () => {
  it('the worked example loads and passes every check against proto/order.proto', () => {
    const scenario = loadScenario({ file: EXAMPLE });

    expect(scenario.flow?.steps.map((step) => Object.keys(step)[0])).toEqual(['send', 'await', 'send', 'await', 'pause']);
    expect(scenario.flow?.steps[1]).toMatchObject({ await: 'reserved', within: 500, capture: { reservation: 'reservation_id' } });
    expect(scenario.flow?.unsolicited).toEqual({ status: 'STOCK_UPDATE' });
    expect(scenario.flow?.thresholds.map((t) => [t.subject, t.name, t.statistic, t.operator, t.limit, t.unit])).toEqual([
      ['step', 'reserved', 'p99', '<', 20, 'ms'],
      ['step', 'decided', 'p99', '<', 20, 'ms'],
      ['checks', 'confirmed', 'rate', '>', 90, '%'],
    ]);
    expect(scenario.thresholds).toEqual([]);
    expect(() => checkScenario(scenario)).not.toThrow();
  });

  it('lists every problem the schema sees at once, each by its path', () => {
    const { message, code } = benchErrorOf(withFlow([{ ...order, mesage: {} }, { ...reserved, within: 'soon' }, { pause: '1ms', send: 'x' }, { repeat: 0, steps: [] }]));

    expect(code).toBe('SCENARIO_INVALID');
    expect(message).toContain('stream.flow.steps.0: unknown key "mesage"; did you mean message?');
    expect(message).toContain('stream.flow.steps.1.within: expected a duration');
    expect(message).toContain('stream.flow.steps.2: expected one step kind per step, got send and pause');
    expect(message).toContain('stream.flow.steps.3.repeat: must be ≥ 1');
    expect(message).toContain('stream.flow.steps.3.steps: expected at least one step');
  });

  it('takes an await without until (any response of the flow run ends it) and still refuses an empty one', () => {
    const scenario = withFlow([order, { await: 'answered', within: '1s' }])();
    expect(scenario.flow?.steps[1]).toEqual({ await: 'answered', within: 1000 });
    expect(() => checkScenario(scenario)).not.toThrow();

    const empty = benchErrorOf(withFlow([order, { await: 'answered', until: {}, within: '1s' }]));
    expect(empty.code).toBe('SCENARIO_INVALID');
    expect(empty.message).toContain('stream.flow.steps.1.until: expected at least one field condition');
  });

  it('takes a variable captured earlier, also inside and after a repeat, and refuses one captured only later', () => {
    expect(() => withFlow([order, reserved, confirm, decided])()).not.toThrow();
    expect(() => withFlow([{ repeat: 2, steps: [order, reserved, confirm] }, { ...confirm, send: 'confirm-again' }])()).not.toThrow();

    const inLoop = benchErrorOf(withFlow([{ repeat: 2, steps: [order, confirm, reserved] }])).message;
    expect(inLoop).toContain('stream.flow.steps.0.steps.1.message.reservation_id: {{reservation}} is used before it is captured (await "reserved" captures it later)');
    const never = benchErrorOf(withFlow([order, { ...confirm, message: { reservation_id: '{{reservaton}}' } }, reserved])).message;
    expect(never).toContain('stream.flow.steps.1.message.reservation_id: expected a template of data');
    expect(never).toContain('got {{reservaton}}');
  });

  it('takes captured variables in conditions of later awaits only, and none in unsolicited', () => {
    const sameReservation = { ...decided, checks: { same: { reservation_id: '{{reservation}}' } } };
    expect(() => withFlow([order, reserved, confirm, sameReservation])()).not.toThrow();

    const { message } = benchErrorOf(
      withFlow([order, { ...reserved, until: { reservation_id: '{{reservation}}' } }, confirm, { ...decided, until: { status: '{{requestId}}' } }], {
        stream: { correlateBy: 'request_id', flow: { unsolicited: { status: '{{reservation}}' }, steps: [order, { ...reserved, until: { reservation_id: '{{reservation}}' } }, confirm, { ...decided, until: { status: '{{requestId}}' } }] } },
      }),
    );
    expect(message).toContain('stream.flow.unsolicited.status: expected plain values');
    expect(message).toContain('stream.flow.steps.1.until.reservation_id: {{reservation}} is used before it is captured');
    expect(message).toContain('stream.flow.steps.3.until.status: expected a variable captured by an earlier await (reservation), got {{requestId}}');
    const typed = benchErrorOf(() => checkScenario(withFlow([order, reserved, confirm, { ...decided, checks: { n: { 'stock.available': '{{reservation}}' } } }])()));
    expect(typed.message).toContain('stream.flow.steps.3.checks.n.stock.available: "{{reservation}}": a captured variable is text, so it compares only with a string field, the field is int32');
  });

  it('refuses step and check names used twice, and flow settings that do not combine', () => {
    const { message } = benchErrorOf(
      withFlow([order, reserved, { ...decided, await: 'reserved' }, { ...decided, checks: { confirmed: { status: 'REJECTED' } } }], {
        stream: { flow: { steps: [order, reserved, { ...decided, await: 'reserved' }, { ...decided, checks: { confirmed: { status: 'REJECTED' } } }] }, window: 2, interval: '1ms' },
        load: { messages: 10 },
      }),
    );

    expect(message).toContain('stream.flow.steps.2.await: expected a step name of its own');
    expect(message).toContain('stream.flow.steps.3.checks.confirmed: expected a check name of its own');
    expect(message).toContain('stream.window: expected stream.correlateBy with stream.window above 1');
    expect(message).toContain('stream.interval: cannot be combined with stream.flow');
    expect(message).toContain('load.messages: cannot be combined with stream.flow');
  });

  it('refuses more than MAX_SENDS_IN_A_ROW sends in a row, counted through repeats, at the step that goes past it', () => {
    const ping = (name: string) => ({ send: name });
    const pong = (name: string) => ({ await: name, within: 1000 });
    const problem = (steps: unknown[]) => sendsInARowProblem(steps as FlowStep[]);
    const at = (...path: Array<string | number>) => ['stream', 'flow', 'steps', ...path];

    expect(problem([{ repeat: MAX_SENDS_IN_A_ROW, steps: [ping('a')] }, pong('b')])).toBeUndefined();
    expect(problem([{ repeat: 1_000_000, steps: [ping('a'), pong('b')] }])).toBeUndefined();
    expect(problem([{ repeat: 1_000_000, steps: [ping('a'), { pause: 1 }] }])).toBeUndefined();
    expect(problem([{ repeat: MAX_SENDS_IN_A_ROW + 1, steps: [ping('a')] }, pong('b')])).toEqual({ path: at(0, 'repeat'), problem: expect.stringContaining(`expected at most ${MAX_SENDS_IN_A_ROW} sends in a row`) });
    expect(problem([{ repeat: MAX_SENDS_IN_A_ROW + 1, steps: [ping('a')] }, pong('b')])!.problem).toMatch(/got 257 in a row$/);
    // Nested repeats multiply; a send before the repeat adds to it.
    expect(problem([ping('x'), { repeat: 20, steps: [{ repeat: 13, steps: [ping('a')] }] }])).toMatchObject({ path: at(1, 'repeat'), problem: expect.stringMatching(/got 261 in a row$/) });
    // One pass's last sends run into the next pass's first ones.
    const wraps = [{ repeat: 2, steps: [{ repeat: 100, steps: [ping('a')] }, pong('b'), { repeat: 200, steps: [ping('c')] }] }];
    expect(problem(wraps)).toMatchObject({ path: at(0, 'repeat'), problem: expect.stringMatching(/got 300 in a row$/) });
    expect(problem([{ repeat: 1, steps: wraps[0]!.steps }])).toBeUndefined();
    // Sends at a flow run's end and at the next one's start are not together: a new run waits for the stream.
    expect(problem([{ repeat: 200, steps: [ping('a')] }, pong('b'), { repeat: 200, steps: [ping('c')] }])).toBeUndefined();

    const { message, code } = benchErrorOf(withFlow([{ repeat: 300, steps: [order] }, reserved]));
    expect(code).toBe('SCENARIO_INVALID');
    expect(message).toContain('stream.flow.steps.0.repeat: expected at most 256 sends in a row');
  });

  it('refuses a flow that never waits (no await or pause anywhere), and takes one that waits inside a repeat', () => {
    const { message, code } = benchErrorOf(withFlow([order, { repeat: 3, steps: [{ ...order, send: 'again' }] }]));
    expect(code).toBe('SCENARIO_INVALID');
    expect(message).toContain('stream.flow.steps: expected at least one await or pause step');
    expect(() => withFlow([order, { repeat: 3, steps: [{ pause: '1ms' }] }])()).not.toThrow();
    expect(() => withFlow([order, { repeat: 2, steps: [reserved] }])()).not.toThrow();
  });

  it('checks awaits, checks, captures and unsolicited against the response message, and sends against the request', () => {
    const fields = benchErrorOf(() =>
      checkScenario(
        withFlow([order, { ...reserved, until: { status: 3, 'stock.available': 5, 'stock.colour': 'x' }, capture: { s: 'stock', r: 'reservation_id' } }, decided], {})(),
      ),
    );
    expect(fields.code).toBe('SCENARIO_INVALID');
    expect(fields.message).toContain('stream.flow.steps.1.until.status: 3 is not a string, the field is a string');
    expect(fields.message).not.toContain('until.stock.available');
    expect(fields.message).toContain('stream.flow.steps.1.until.stock.colour: "stock.colour" is not a field of pb.StockUpdate, which has sku_id, available');
    expect(fields.message).toContain('stream.flow.steps.1.capture.s: "stock" is a message field');

    const sent = benchErrorOf(() => checkScenario(withFlow([order, reserved, { ...confirm, message: { kind: 'CONFIRMED', reservation_id: '{{reservation}}' } }])()));
    expect(sent.code).toBe('MESSAGE_INVALID');
    expect(sent.message).toContain('stream.flow.steps.2.message.kind: "CONFIRMED" is not a value of enum pb.RequestKind');
  });

  it('renders captured variables into a send', () => {
    const compiled = compileMessageTemplate({ reservation_id: '{{reservation}}', request_id: 'c-{{requestId}}' }, undefined, new Set(['reservation']));

    expect(compiled.build({ workerId: 1, streamId: 2, messageIndex: 3, variables: { reservation: 'res-9' } })).toEqual({ reservation_id: 'res-9', request_id: 'c-1-2-3' });
  });

  it.each([
    ['step.confirm.p99', '<20ms', { subject: 'step', name: 'confirm', statistic: 'p99', limit: 20, unit: 'ms' }],
    ['step.confirm.timeouts', '<1', { subject: 'step', name: 'confirm', statistic: 'timeouts', limit: 1, unit: 'count' }],
    ['checks.confirmed.rate', '>99%', { subject: 'checks', name: 'confirmed', statistic: 'rate', limit: 99, unit: '%' }],
    ['checks.confirmed.rate', '>0.99', { subject: 'checks', name: 'confirmed', statistic: 'rate', limit: 99, unit: '%' }],
  ])('parses the flow threshold %s: %s', (metric, condition, expected) => {
    expect(parseFlowThreshold(metric, condition)).toMatchObject(expected);
  });

  it.each([
    ['step.confirm', '<1ms', 'expected step.<await step>.<'],
    ['step.confirm.p42', '<1ms', 'expected one of p50, p90, p95, p99, p999, max, mean, count, timeouts, got "p42"'],
    ['checks.confirmed.rate', '<20ms', 'a percentage'],
  ])('refuses the flow threshold %s: %s', (metric, condition, problem) => {
    const error = benchErrorOf(() => parseFlowThreshold(metric, condition));
    expect(error).toBeInstanceOf(ThresholdError);
    expect(error.message).toContain(`thresholds.${metric}`);
    expect(error.message).toContain(problem);
  });

  it('--threshold takes flow names', () => {
    expect(parseThresholdFlags(['step.confirm-2.p99<20ms', 'checks.confirmed.rate >99%'])).toEqual({ 'step.confirm-2.p99': '<20ms', 'checks.confirmed.rate': '>99%' });
  });

  it('a flow threshold without a flow is refused', () => {
    const { message } = benchErrorOf(() => loadScenario({ overrides: { thresholds: { 'checks.confirmed.rate': '>99%' } } as never }));

    expect(message).toContain('thresholds.checks.confirmed.rate: names a flow\'s check, but the scenario has no stream.flow');
  });
});
