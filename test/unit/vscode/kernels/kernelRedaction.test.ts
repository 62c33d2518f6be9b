// A hub kernel's outputs show `[REDACTED]` for the values of the variables the hub service names: the values
// come from the kernel before the first run, and never reach a cell, a log or a message. Without the service's
// list, or with a kernel that cannot say them, outputs are as the kernel sent them and the user is told.
import { describeOutput, fake, makeKernel, notebookOf, until, uriOf } from '../../support/kernelFixture';
import { kernelDeps } from '../../support/kernelFixture';

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

beforeEach(() => fake.reset());

const KEY = 'fake-team-key-1234';

function setup(secrets?: Record<string, string>, language = 'python') {
  const deps = kernelDeps(secrets ? { secrets } : {});
  deps.client.specs = [{ name: 'python3', displayName: 'Python 3', language }];
  const { notebook, cells } = notebookOf(uriOf('hubnb', 'hub.test', '/me/a.ipynb'), ['print(key)']);
  const k = makeKernel(notebook, {}, deps);
  return { ...k, deps, run: () => k.kernel.executeCells(cells, k.executions.controller) };
}

async function printKey(k: ReturnType<typeof setup>) {
  const running = k.run();
  await until(() => k.client.sessions[0]?.runs[0] !== undefined);
  const run = k.client.sessions[0]!.runs[0]!;
  run.started(1);
  run.output({ type: 'stream', name: 'stdout', text: `the key is ${KEY.slice(0, 6)}` });
  run.output({ type: 'stream', name: 'stdout', text: `${KEY.slice(6)}\n` });
  run.output({
    type: 'error',
    ename: 'ValueError',
    evalue: `bad ${KEY}`,
    traceback: [`ValueError: bad ${KEY}`],
  });
  run.done('error', 1, 1);
  await running;
  return k.executions.executions[0]!.outputs.map(describeOutput).join('\n');
}

test('the values the service names are read from the kernel and redacted, split streams and errors too', async () => {
  const k = setup({ TEAM_API_KEY: KEY });
  const shown = await printKey(k);
  assert.ok(!shown.includes(KEY), shown);
  assert.ok(!shown.includes(KEY.slice(6)), 'not even the second half of a split value');
  assert.match(shown, /the key is \[REDACTED\]/);
  assert.match(shown, /bad \[REDACTED\]/);
  assert.deepEqual(k.client.sessions[0]!.calls.slice(0, 1), ['expressions env0']);
  const logged = k.deps.log.lines.join('\n');
  assert.ok(!logged.includes(KEY), 'the log never holds the value');
});

test('a service without the list leaves outputs as they came, and says why in the log', async () => {
  const k = setup(undefined);
  const shown = await printKey(k);
  assert.ok(shown.includes(KEY));
  assert.match(k.deps.log.lines.join('\n'), /outputs are not redacted: the hub service did not say/);
  assert.equal(fake.messages.length, 0, 'nothing to warn about: the operator named no secret');
});

test('a kernel of a language that cannot say the values: not redacted, and the user is warned', async () => {
  const k = setup({ TEAM_API_KEY: KEY }, 'cobol');
  await printKey(k);
  const warning = fake.messages.find((m) => m.kind === 'warning');
  assert.match(warning?.message ?? '', /outputs of this cobol kernel are not redacted.*TEAM_API_KEY/);
  assert.ok(!(warning?.message ?? '').includes(KEY));
});
