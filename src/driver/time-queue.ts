/** A FIFO of timestamps (ms) in a growable ring buffer: no allocation per push. */
export class TimeQueue {
  private items = new Float64Array(64);
  private head = 0;
  size = 0;

  push(value: number): void {
    if (this.size === this.items.length) {
      const bigger = new Float64Array(this.items.length * 2);
      for (let i = 0; i < this.size; i++) bigger[i] = this.items[(this.head + i) % this.items.length]!;
      this.items = bigger;
      this.head = 0;
    }
    this.items[(this.head + this.size) % this.items.length] = value;
    this.size++;
  }

  shift(): number {
    const value = this.items[this.head]!;
    this.head = (this.head + 1) % this.items.length;
    this.size--;
    return value;
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }
}
