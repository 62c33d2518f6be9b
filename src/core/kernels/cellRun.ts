import { CellNotRunError } from './errors';
import { EventQueue } from './eventQueue';
import { realTimers, type TimerHandle, type Timers } from '../timers';
import type { ExecutionEvent, InputRequest, IopubOutput, KernelExecution } from './types';

/** How long a run whose reply came waits in silence for its `idle` status before it ends anyway. */
export const IDLE_GRACE_MS = 5000;

/**
 * One cell run's bookkeeping: it ends (the `done` event) only when both the `execute_reply` and the `idle`
 * status for its `msg_id` have arrived, in either order. An adopted run (a window reload) never sees the
 * reply, so `idle` alone ends it.
 */
export class CellRun {
  private readonly queue = new EventQueue<ExecutionEvent>();
  private replyStatus: 'ok' | 'error' | 'aborted' | undefined;
  private executionCount: number | null = null;
  private idleSeen = false;
  private activity = false;
  private sentToKernel = false;
  private readonly adopted: boolean;
  private readonly onInput: ((request: InputRequest, signal: AbortSignal) => Promise<string>) | undefined;
  private readonly inputAbort = new AbortController();
  private markFinished: () => void = () => undefined;
  private graceTimer: TimerHandle | undefined;
  private readonly idleGraceMs: number;
  private readonly timers: Timers;
  /** Resolves when the run ends, however it ends. */
  readonly finished = new Promise<void>((resolve) => (this.markFinished = resolve));

  constructor(
    readonly msgId: string,
    options: {
      adopted: boolean;
      onInput: ((request: InputRequest, signal: AbortSignal) => Promise<string>) | undefined;
      /** IDLE_GRACE_MS by default. */
      idleGraceMs?: number;
      /** The real clock by default. */
      timers?: Timers;
    },
  ) {
    this.adopted = options.adopted;
    this.onInput = options.onInput;
    this.idleGraceMs = options.idleGraceMs ?? IDLE_GRACE_MS;
    this.timers = options.timers ?? realTimers;
  }

  get isFinished(): boolean {
    return this.queue.isFinished;
  }

  /** Whether any message of this run arrived. */
  get hasActivity(): boolean {
    return this.activity;
  }

  /** Whether the execute_request went out (or, for an adopted run, was sent by an earlier window). */
  get sent(): boolean {
    return this.sentToKernel || this.adopted;
  }

  markSent(): void {
    this.sentToKernel = true;
  }

  get acceptsInput(): boolean {
    return this.onInput !== undefined;
  }

  execution(): KernelExecution {
    const queue = this.queue;
    return { msgId: this.msgId, [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator]() };
  }

  started(executionCount: number | null): void {
    this.activity = true;
    this.executionCount = executionCount;
    this.queue.push({ kind: 'started', executionCount, at: Date.now() });
  }

  output(output: IopubOutput): void {
    this.activity = true;
    this.queue.push({ kind: 'output', output });
    if (this.graceTimer) this.graceTimer.refresh();
  }

  replied(status: 'ok' | 'error' | 'aborted', executionCount: number | null): void {
    this.activity = true;
    this.replyStatus = status;
    if (executionCount !== null) this.executionCount = executionCount;
    this.maybeFinish();
    if (!this.isFinished) {
      // The reply is sent after the cell's outputs, and `idle` after the reply; but under a flood the kernel's
      // iopub socket drops messages past its high-water mark, `idle` included (seen on both server versions).
      // Outputs still in flight keep resetting this timer, so only a silent run ends on it.
      this.graceTimer = this.timers.setTimeout(() => this.finish(this.replyStatus ?? 'ok'), this.idleGraceMs);
    }
  }

  idle(): void {
    this.activity = true;
    this.idleSeen = true;
    this.maybeFinish();
  }

  /** Asks the caller's stdin handler; rejects when there is none or the run ended meanwhile. */
  ask(request: InputRequest): Promise<string> {
    if (!this.onInput) return Promise.reject(new Error('This cell cannot take input.'));
    return this.onInput(request, this.inputAbort.signal);
  }

  finish(status: 'ok' | 'error' | 'aborted'): void {
    if (this.isFinished) return;
    this.queue.push({ kind: 'done', status, executionCount: this.executionCount, at: Date.now() });
    this.close();
  }

  fail(error: Error): void {
    if (this.isFinished) return;
    this.queue.fail(error);
    this.close();
  }

  /** The cell's turn came after the kernel restarted or died: it was never sent. */
  notRun(): void {
    this.fail(
      new CellNotRunError(
        'This cell did not run: the kernel restarted or died before its turn. Run it again.',
      ),
    );
  }

  private maybeFinish(): void {
    if (this.idleSeen && (this.replyStatus !== undefined || this.adopted))
      this.finish(this.replyStatus ?? 'ok');
  }

  private close(): void {
    this.graceTimer?.cancel();
    this.queue.end();
    this.inputAbort.abort();
    this.markFinished();
  }
}

/**
 * Runs cells strictly one after another. Each cell remembers the generation it was queued in; a restart or a
 * dead kernel bumps the generation, so cells still waiting are not sent to the fresh kernel.
 */
export class SequentialTurns {
  private tail: Promise<void> = Promise.resolve();
  private gen = 0;

  get generation(): number {
    return this.gen;
  }

  bump(): void {
    this.gen++;
  }

  /** Queues `start` after every earlier run has finished; the turn ends when `run` finishes. */
  enqueue(run: CellRun, start: () => Promise<void> | void): void {
    this.tail = this.tail.then(async () => {
      try {
        await start();
      } catch (err) {
        run.fail(err instanceof Error ? err : new Error(String(err)));
      }
      await run.finished;
    });
  }
}
