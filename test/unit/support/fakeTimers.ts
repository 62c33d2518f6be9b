// A clock that moves only when a test says so, for the kernel layer's Timers: no unit test waits on real time.
import type { TimerHandle, Timers } from '../../../src/core/timers';

interface Pending {
  due: number;
  ms: number;
  callback: () => void;
  live: boolean;
}

export class FakeTimers implements Timers {
  private now = 0;
  private readonly pending: Pending[] = [];

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer: Pending = { due: this.now + ms, ms, callback, live: true };
    this.pending.push(timer);
    return {
      refresh: () => void (timer.due = this.now + timer.ms),
      cancel: () => void (timer.live = false),
    };
  }

  /** Moves the clock on by `ms`, running each timer that falls due, in order. */
  tick(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const next = this.pending.filter((t) => t.live && t.due <= until).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.now = next.due;
      next.live = false;
      next.callback();
    }
    this.now = until;
  }
}
