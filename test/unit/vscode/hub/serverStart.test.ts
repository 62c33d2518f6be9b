// HubServers: the title-bar start and stop (stop only after confirmation), and a stopped server started only
// with consent.
// First: it installs the fake vscode module that the sources below import.
import { HUB, fake } from '../../support/authFixture';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type { HubAccount } from '../../../../src/vscode/hub/hubAccess';
import { HubServers } from '../../../../src/vscode/hub/serverStart';
import { ServerStates } from '../../../../src/vscode/hub/serverStates';
import { ServerNotRunningError } from '../../../../src/core/hub';

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
  const states = new ServerStates();
  const control = new HubServers(
    { run: (_hub, op) => op(account) },
    { trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    states,
  );
  return { calls, control, states };
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

test('what HubServers sees of a server goes to ServerStates, which the trees follow', async () => {
  const { control, states } = servers();
  const seen: (string | undefined)[] = [];
  states.onDidChange((all) => seen.push(all.get(HUB)));
  await control.withServer(HUB, () => Promise.resolve('listed'), 'run the cells of churn.ipynb');
  assert.deepEqual(seen, ['running'], 'an operation on the server that worked shows it running');

  // Stopped: the question is asked in the action's words; declined, the state says stopped.
  fake.answer.message = () => undefined;
  const stopped = new ServerNotRunningError('not running', { status: 424 });
  await assert.rejects(
    control.withServer(HUB, () => Promise.reject(stopped), 'run the cells of churn.ipynb'),
    (err) => err === stopped,
  );
  assert.match(fake.messages.at(-1)?.message ?? '', /Start it to run the cells of churn\.ipynb\?/);
  assert.deepEqual(seen, ['running', 'stopped']);

  // Accepted: started, then the operation again; the state says running at once.
  fake.answer.message = () => 'Start Server';
  let tries = 0;
  const op = () => (++tries === 1 ? Promise.reject(stopped) : Promise.resolve('ran'));
  assert.equal(await control.withServer(HUB, op, 'run the cells of churn.ipynb'), 'ran');
  assert.deepEqual(seen, ['running', 'stopped', 'running']);

  fake.answer.message = () => 'Stop Server';
  assert.equal(await control.stopServer(HUB), true);
  assert.deepEqual(seen, ['running', 'stopped', 'running', 'stopped']);
});
