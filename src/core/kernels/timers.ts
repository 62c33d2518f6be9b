/** A pending timer: it can be pushed back to its full delay (refresh) or cancelled. */
export interface TimerHandle {
  refresh(): void;
  cancel(): void;
}

/**
 * Where the kernel layer's timers come from: the real clock by default, a fake one in unit tests, so no test
 * waits on real time. Timers never keep the process alive.
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): TimerHandle;
}

export const realTimers: Timers = {
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return { refresh: () => void timer.refresh(), cancel: () => clearTimeout(timer) };
  },
};
