// HubServers: the title-bar start and stop (stop only after confirmation), and a stopped server started only
// with consent.
// First: it installs the fake vscode module that the sources below import.
import { HUB, fake } from '../../support/authFixture';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type { HubAccount } from '../../../../src/vscode/hub/hubAccess';
import { HubServers } from '../../../../src/vscode/hub/serverStart';

beforeEach(() => fake.reset());

/** HubServers over a scripted account whose hub API records what it is asked. */
function servers() {
  const calls: string[] = [];
  const account = {
    user: 'alice',
    hub: {
      startServer: (user: string, o: { onProgress?: (e: { message?: string }) => void }) => {
        calls.push(`start ${user}`);
        o.onProgress?.({ message: 'Spawning' });
        return Promise.resolve({});
      },
      stopServer: (user: string) => {
        calls.push(`stop ${user}`);
        return Promise.resolve();
      },
    },
  } as unknown as HubAccount;
  const control = new HubServers(
    { run: (_hub, op) => op(account) },
    { trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  );
  return { calls, control };
}

test('stopServer asks first; declined, nothing stops; confirmed, the server stops with progress', async () => {
  const { calls, control } = servers();
  fake.answer.message = () => undefined;
  assert.equal(await control.stopServer(HUB), false);
  assert.deepEqual(calls, []);
  assert.equal(fake.messages[0]?.modal, true);
  assert.match(fake.messages[0]?.message ?? '', /Stop your server on hub\.example\.org\?/);
  fake.answer.message = () => 'Stop Server';
  assert.equal(await control.stopServer(HUB), true);
  assert.deepEqual(calls, ['stop alice']);
  assert.equal(fake.progress.length, 1);
});

test('startServer (the title-bar button) starts at once with cancellable progress; two clicks, one start', async () => {
  const { calls, control } = servers();
  // The fake's progress drops what is reported; this wrapper keeps it, to see the hub's messages shown.
  type Task = (progress: { report(v: unknown): void }, token: unknown) => unknown;
  const window = fake.module['window'] as { withProgress: (options: object, task: Task) => unknown };
  const original = window.withProgress;
  const reported: unknown[] = [];
  window.withProgress = (options, task) =>
    original(options, (_progress, token) => task({ report: (v) => reported.push(v) }, token));
  let results: boolean[];
  try {
    results = await Promise.all([control.startServer(HUB), control.startServer(HUB)]);
  } finally {
    window.withProgress = original;
  }
  assert.deepEqual(reported, [{ message: 'Spawning' }]);
  assert.deepEqual(results, [true, true]);
  assert.deepEqual(calls, ['start alice']);
  assert.equal(fake.progress.length, 1);
  assert.equal(fake.progress[0]?.cancellable, true);
  assert.equal(fake.messages.length, 0, 'the click is the consent');
});
