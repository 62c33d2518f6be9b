// Waiting in unit tests without sleeping on real time: event-loop turns, not a clock. No vscode here, so the
// core's tests can use it too.

/**
 * Lets pending promise jobs and a few event-loop turns run, so what would follow from what a test did has
 * followed: for checking that something did not happen.
 */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Waits until `condition` holds, one event-loop turn at a time; fails after `ms`. */
export async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
