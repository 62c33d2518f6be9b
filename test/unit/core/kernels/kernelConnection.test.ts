// kernelConnection: the state users see from the connection's two statuses, and settings that keep the token
// out of every URL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KernelConnection } from '@jupyterlab/services';
import { kernelState, openKernelConnection } from '../../../../src/core/kernels/kernelConnection';
import { fakeTransport } from '../../support/fakeTransport';

const connection = (status: string, connectionStatus: string) =>
  ({ status, connectionStatus }) as unknown as KernelConnection;

test('kernelState maps the kernel and connection statuses to what the status bar shows', () => {
  const cases: [string, string, boolean, string][] = [
    ['dead', 'connected', true, 'dead'],
    ['idle', 'connecting', false, 'starting'],
    ['idle', 'connecting', true, 'reconnecting'],
    ['busy', 'disconnected', true, 'disconnected'],
    ['idle', 'connected', true, 'idle'],
    ['busy', 'connected', true, 'busy'],
    ['starting', 'connected', true, 'starting'],
    ['restarting', 'connected', true, 'restarting'],
    ['autorestarting', 'connected', true, 'restarting'],
    ['unknown', 'connected', true, 'unknown'],
  ];
  for (const [status, link, ever, expected] of cases) {
    assert.equal(kernelState(connection(status, link), ever), expected, `${status}/${link}/${ever}`);
  }
});

test('openKernelConnection points at the user server and carries no token in its settings', () => {
  const transport = fakeTransport({ baseUrl: 'https://hub.test/prefix/' }, () => ({ status: 404 }));
  const kernel = openKernelConnection({
    server: { transport, user: 'alice', serverName: 'gpu' },
    // Never resolves: the websocket waits for its token, so nothing leaves this process.
    getToken: () => new Promise<string>(() => undefined),
    kernel: { id: 'k1', name: 'python3' },
    clientId: 'client-1',
    username: 'alice',
    hooks: { onAuthRefused: () => undefined, onServerStopped: () => undefined },
  });
  try {
    const settings = kernel.serverSettings;
    assert.equal(settings.baseUrl, 'https://hub.test/prefix/user/alice/gpu/');
    assert.equal(settings.wsUrl, 'wss://hub.test/prefix/user/alice/gpu/');
    assert.equal(settings.token, '');
    assert.equal(settings.appendToken, false);
    assert.equal(kernel.clientId, 'client-1');
    assert.equal(kernel.id, 'k1');
  } finally {
    kernel.dispose();
  }
});
