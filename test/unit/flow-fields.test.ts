import { describe, expect, it } from 'vitest';
import { flowFieldsOf } from '../../src/driver/flow-program.js';
import { compileResponseCondition } from '../../src/driver/response-condition.js';
import { FIELD_SET } from '../../src/driver/response-field-reader.js';

describe('flowFieldsOf', () => {
  it('names no field (so none is read) for a flow whose awaits have no until', () => {
    expect(flowFieldsOf({ onTimeout: 'continue', steps: [{ send: 'ping' }, { await: 'pong', within: 1000 }] })).toBeUndefined();
  });

  it('marks presence-only the fields never captured nor compared with values, anywhere in the flow', () => {
    const fields = flowFieldsOf({
      onTimeout: 'continue',
      unsolicited: { status: 'STOCK_UPDATE' },
      steps: [
        { send: 'order' },
        { await: 'reserved', until: { reservation_id: { present: true }, request_id: { present: true } }, within: 1000, capture: { id: 'reservation_id' } },
        { repeat: 2, steps: [{ await: 'decided', until: { order_id: { present: true } }, within: 1000, checks: { same: { request_id: 'r' } } }] },
      ],
    });
    expect([...(fields?.fields ?? [])].sort()).toEqual(['order_id', 'request_id', 'reservation_id', 'status']);
    expect(fields?.presenceOnly).toEqual(['order_id']);
  });
});

describe('presence conditions on a presence-only field', () => {
  it('hold on FIELD_SET and fail on an absent or empty field', () => {
    const present = compileResponseCondition({ order_id: { present: true } });
    const absent = compileResponseCondition({ order_id: { present: false } });
    expect(present({ order_id: FIELD_SET }, {})).toBe(true);
    expect(present({ order_id: '' }, {})).toBe(false);
    expect(present({}, {})).toBe(false);
    expect(absent({ order_id: FIELD_SET }, {})).toBe(false);
    expect(absent({}, {})).toBe(true);
  });
});
