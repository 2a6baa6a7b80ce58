import { describe, expect, it } from 'vitest';
import { ErrorTally, MAX_ERROR_DETAILS } from '../../src/driver/error-tally.js';

describe('ErrorTally', () => {
  it('counts each "STATUS: details" text, naming empty details', () => {
    const tally = new ErrorTally();
    tally.count('UNAVAILABLE', 'connection reset');
    tally.count('UNAVAILABLE', 'connection reset');
    tally.count('INTERNAL', '');
    expect(tally.details).toEqual({ 'UNAVAILABLE: connection reset': 2, 'INTERNAL: (no details)': 1 });
  });

  it('redacts the details before counting them, so redacted texts fold together', () => {
    const tally = new ErrorTally((details) => details.replace(/token=\w+/, 'token=[redacted]'));
    tally.count('UNAUTHENTICATED', 'bad token=abc');
    tally.count('UNAUTHENTICATED', 'bad token=xyz');
    expect(tally.details).toEqual({ 'UNAUTHENTICATED: bad token=[redacted]': 2 });
  });

  it(`keeps ${MAX_ERROR_DETAILS} distinct texts, folds new ones per status, and still counts the kept ones`, () => {
    const tally = new ErrorTally();
    for (let i = 0; i < MAX_ERROR_DETAILS; i++) tally.count('INTERNAL', `request ${i} failed`);
    tally.count('INTERNAL', 'request 999 failed');
    tally.count('UNAVAILABLE', 'first of its status');
    tally.count('INTERNAL', 'request 0 failed');
    expect(Object.keys(tally.details)).toHaveLength(MAX_ERROR_DETAILS + 2);
    expect(tally.details['INTERNAL: (other details)']).toBe(1);
    expect(tally.details['UNAVAILABLE: (other details)']).toBe(1);
    expect(tally.details['INTERNAL: request 0 failed']).toBe(2);
    const total = Object.values(tally.details).reduce((a, b) => a + b, 0);
    expect(total).toBe(MAX_ERROR_DETAILS + 3);
  });
});
