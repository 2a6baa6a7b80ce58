import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SendBudget } from '../../src/driver/send-budget.js';

describe('SendBudget', () => {
  it('without a budget, every take succeeds and nothing is reserved', () => {
    let spent = 0;
    const budget = new SendBudget<string>(undefined, () => spent++);
    budget.reserve('a', 5);
    for (let i = 0; i < 100; i++) expect(budget.take('a')).toBe(true);
    expect(budget.hasLeft).toBe(true);
    expect(spent).toBe(0);
  });

  it('hands out the budget and reports once it is spent', () => {
    let spent = 0;
    const budget = new SendBudget<string>(2, () => spent++);
    expect([budget.take(undefined), budget.take('a'), budget.take('a')]).toEqual([true, true, false]);
    expect(budget.hasLeft).toBe(false);
    expect(spent).toBe(1);
  });

  it('a stream with an allowance sends exactly that, without touching the rest or reporting the budget spent', () => {
    let spent = 0;
    const budget = new SendBudget<string>(10, () => spent++);
    budget.reserve('a', 3);
    expect(budget.remaining).toBe(7);
    const taken = [1, 2, 3, 4].map(() => budget.take('a'));
    expect(taken).toEqual([true, true, true, false]);
    expect(budget.remaining).toBe(7);
    expect(spent).toBe(0);
  });

  it('reserves no more than is left, and gives back what an ended stream did not send', () => {
    const budget = new SendBudget<string>(5, () => undefined);
    budget.reserve('a', 4);
    budget.reserve('b', 4);
    expect(budget.remaining).toBe(0);
    expect(budget.take('b')).toBe(true);
    budget.release('b'); // reserved 1, sent 1
    budget.release('a'); // reserved 4, sent 0
    expect(budget.remaining).toBe(4);
    budget.release('a');
    expect(budget.remaining).toBe(4);
  });

  it('N streams × M messages come out exactly, in any interleaving', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 20 }), fc.array(fc.nat(7), { maxLength: 400 }), (streams, messages, order) => {
        const budget = new SendBudget<number>(streams * messages, () => undefined);
        for (let s = 0; s < streams; s++) budget.reserve(s, messages);
        const sent = new Array<number>(streams).fill(0);
        for (const s of order) if (s < streams && budget.take(s)) sent[s]!++;
        for (let s = 0; s < streams; s++) while (budget.take(s)) sent[s]!++;
        expect(sent).toEqual(new Array<number>(streams).fill(messages));
      }),
    );
  });
});
