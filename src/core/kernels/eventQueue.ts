/**
 * An unbounded single-consumer queue exposed as an async iterable: the producer pushes as messages arrive,
 * the consumer iterates at its own pace, and `end()` or `fail()` finish the iteration after what was queued.
 */
export class EventQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private head = 0;
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private rejectWaiting: ((err: Error) => void) | undefined;
  private finished = false;
  private failure: { error: Error } | undefined;

  /** Whether `end` or `fail` was called. */
  get isFinished(): boolean {
    return this.finished;
  }

  push(item: T): void {
    if (this.finished) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.clearWaiter();
      resolve({ value: item, done: false });
      return;
    }
    this.items.push(item);
  }

  end(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.waiting && this.pending() === 0) {
      const resolve = this.waiting;
      this.clearWaiter();
      resolve({ value: undefined, done: true });
    }
  }

  fail(error: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.failure = { error };
    if (this.rejectWaiting && this.pending() === 0) {
      const reject = this.rejectWaiting;
      this.clearWaiter();
      reject(error);
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next() };
  }

  private next(): Promise<IteratorResult<T>> {
    if (this.pending() > 0) {
      const value = this.items[this.head] as T;
      this.head++;
      // Compact now and then so a long run does not keep every consumed item alive.
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.rejectWaiting = reject;
    });
  }

  private pending(): number {
    return this.items.length - this.head;
  }

  private clearWaiter(): void {
    this.waiting = undefined;
    this.rejectWaiting = undefined;
  }
}
