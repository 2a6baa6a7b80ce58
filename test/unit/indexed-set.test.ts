import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndexedSet } from '../../src/driver/indexed-set.js';

describe('IndexedSet', () => {
  it('holds what a Set holds after any adds, deletes and clears', () => {
    const items = Array.from({ length: 6 }, (_, id) => ({ id, setIndex: -1 }));
    const operation = fc.tuple(fc.constantFrom('add', 'delete', 'clear'), fc.nat(items.length - 1));
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), (operations) => {
        for (const item of items) item.setIndex = -1;
        const set = new IndexedSet<(typeof items)[number]>();
        const model = new Set<(typeof items)[number]>();
        for (const [kind, which] of operations) {
          const item = items[which]!;
          if (kind === 'add') {
            set.add(item);
            model.add(item);
          } else if (kind === 'delete') {
            set.delete(item);
            model.delete(item);
          } else {
            set.clear();
            model.clear();
          }
          expect(set.size).toBe(model.size);
          for (const each of items) expect(set.has(each)).toBe(model.has(each));
          expect(new Set(set.snapshot())).toEqual(model);
        }
      }),
    );
  });
});
