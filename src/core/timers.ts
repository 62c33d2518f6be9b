/** A pending timer: it can be pushed back to its full delay (refresh) or cancelled. */
export interface TimerHandle {
  refresh(): void;
  cancel(): void;
}

/**
 * Where the core's timers come from: the real clock by default, a fake one in unit tests, so no test
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

/** Waits `ms` on `timers`: true when the time passed, false as soon as `signal` aborts (at once if it has). */
export function pause(ms: number, signal: AbortSignal, timers: Timers = realTimers): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = timers.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      timer.cancel();
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
