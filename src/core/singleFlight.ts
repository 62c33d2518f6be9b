/**
 * One run per key at a time: a caller that asks while a run for its key is under way gets that run's promise
 * instead of starting another. Used for prompts and starts that many failing operations may ask for at once
 * (sign in again, start the server), so the user sees one question and the hub gets one request.
 */
export class SingleFlight<K, T> {
  private readonly running = new Map<K, Promise<T>>();

  /** Runs `work` for `key`, or joins the run already under way for it. */
  run(key: K, work: () => Promise<T>): Promise<T> {
    let pending = this.running.get(key);
    if (!pending) {
      pending = work().finally(() => this.running.delete(key));
      this.running.set(key, pending);
    }
    return pending;
  }
}
