/** What an IndexedSet holds: an object that keeps its own place in it (-1: in none). */
export interface Indexed {
  setIndex: number;
}

/**
 * A set of objects that keep their own index in it: add, delete and has cost no hashing (a Set
 * hashes on each, and rehashes as entries come and go, which a stream's flow runs do at the
 * message rate). Deleting moves the last entry into the gap: the order is not kept.
 */
export class IndexedSet<T extends Indexed> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  has(item: T): boolean {
    const index = item.setIndex;
    return index >= 0 && this.items[index] === item;
  }

  add(item: T): void {
    if (this.has(item)) return;
    item.setIndex = this.items.length;
    this.items.push(item);
  }

  delete(item: T): void {
    if (!this.has(item)) return;
    const last = this.items.pop()!;
    if (last !== item) {
      this.items[item.setIndex] = last;
      last.setIndex = item.setIndex;
    }
    item.setIndex = -1;
  }

  clear(): void {
    for (const item of this.items) item.setIndex = -1;
    this.items.length = 0;
  }

  /** The entries now, as a copy: for visits that may add or delete entries. */
  snapshot(): T[] {
    return this.items.slice();
  }
}
