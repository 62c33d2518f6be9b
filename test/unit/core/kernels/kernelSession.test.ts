// HubKernelSession over a fake kernel connection (the injected openConnection): restart and its AbortSignal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KernelConnectionOptions } from '../../../../src/core/kernels/kernelConnection';
import { HubKernelSession } from '../../../../src/core/kernels/kernelSession';
import { fakeTransport } from '../../support/fakeTransport';

/** A @jupyterlab/services signal: listeners connected, and fired by the test. */
class FakeSignal<T> {
  private readonly listeners: ((sender: unknown, args: T) => void)[] = [];
  connect(listener: (sender: unknown, args: T) => void): boolean {
    this.listeners.push(listener);
    return true;
  }
  emit(args: T): void {
    for (const listener of this.listeners) listener(this, args);
  }
}

/** The slice of KernelConnection the session uses; `restart` waits for the test to finish it. */
class FakeConnection {
  readonly anyMessage = new FakeSignal<unknown>();
  readonly statusChanged = new FakeSignal<string>();
  readonly connectionStatusChanged = new FakeSignal<string>();
  connectionStatus = 'connecting';
  restarts = 0;
  disposed = false;
  finishRestart: () => void = () => undefined;
  restart(): Promise<void> {
    this.restarts++;
    return new Promise((resolve) => (this.finishRestart = resolve));
  }
  dispose(): void {
    this.disposed = true;
  }
}

function session() {
  const connections: FakeConnection[] = [];
  const transport = fakeTransport({ baseUrl: 'https://hub.test/' }, () => ({ status: 404 }));
  const s = new HubKernelSession({
    server: { transport, user: 'alice' },
    model: { id: 's1', path: 'a.ipynb', kernel: { id: 'k1', name: 'python3' } },
    getToken: () => 'token',
    healthCheckMs: 0,
    openConnection: (_options: KernelConnectionOptions) => {
      const c = new FakeConnection();
      connections.push(c);
      return c as never;
    },
  });
  return { s, connections };
}

test(
  'restart asks the kernel connection and resolves when it has restarted',
  { timeout: 10_000 },
  async () => {
    const { s, connections } = session();
    const restarting = s.restart();
    assert.equal(connections[0]?.restarts, 1);
    connections[0]?.finishRestart();
    await restarting;
    s.dispose();
  },
);

test(
  'restart with an aborted signal does nothing; aborted while waiting, it rejects at once',
  { timeout: 10_000 },
  async () => {
    const { s, connections } = session();
    const before = new AbortController();
    before.abort();
    await assert.rejects(s.restart(before.signal), { name: 'AbortError' });
    assert.equal(connections[0]?.restarts, 0, 'nothing was asked of the kernel');

    const during = new AbortController();
    const restarting = s.restart(during.signal);
    assert.equal(connections[0]?.restarts, 1);
    during.abort();
    await assert.rejects(restarting, { name: 'AbortError' });
    s.dispose();
  },
);
