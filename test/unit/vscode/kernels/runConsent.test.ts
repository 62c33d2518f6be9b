// Running a teammate's notebook asks once, modal: declined, nothing runs; "Run" holds for that notebook;
// "Always for bob's Notebooks" is remembered for bob on that hub. The user's own and supported notebooks never ask.
import { fake, makeKernel, notebookOf, until, uriOf } from '../../support/kernelFixture';

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

beforeEach(() => fake.reset());

function setup(path: string, setup?: Parameters<typeof makeKernel>[2]) {
  const { notebook, cells } = notebookOf(uriOf('hubnb', 'hub.test', path), ['1+1']);
  const k = makeKernel(notebook, {}, setup);
  const run = () => k.kernel.executeCells(cells, k.executions.controller);
  return { ...k, run };
}

const asked = () => fake.messages.filter((m) => m.message.startsWith("Run bob's code?"));

test("a teammate's notebook asks first; declined, no session opens and no cell runs", async () => {
  const k = setup('/team/bob/analysis.ipynb');
  fake.answer.message = () => undefined;
  await k.run();
  assert.equal(asked().length, 1);
  const question = asked()[0]!;
  assert.equal(question.modal, true);
  assert.deepEqual(question.items, ['Run', "Always for bob's Notebooks"]);
  assert.match(question.detail ?? '', /run on your server as you \(alice\).*secrets/);
  assert.equal(k.client.sessions.length, 0, 'nothing was opened');
  assert.equal(k.executions.executions.length, 0, 'no cell was queued');
});

test('"Run" runs it and holds for that notebook; another of bob\'s notebooks asks again', async () => {
  const k = setup('/team/bob/analysis.ipynb');
  fake.answer.message = (m) => (m.items.includes('Run') ? 'Run' : undefined);
  const first = k.run();
  await until(() => k.client.sessions[0]?.runs[0] !== undefined);
  k.client.sessions[0]!.runs[0]!.done('ok', 1, 1);
  await first;
  const second = k.run();
  await until(() => k.client.sessions[0]?.runs[1] !== undefined);
  k.client.sessions[0]!.runs[1]!.done('ok', 2, 2);
  await second;
  assert.equal(asked().length, 1, 'asked once for this notebook');
  const other = setup('/team/bob/other.ipynb');
  fake.answer.message = () => undefined;
  await other.run();
  assert.equal(asked().length, 2);
});

test('"Always for bob\'s Notebooks" is remembered for bob on this hub, and never asked again', async () => {
  const k = setup('/team/bob/analysis.ipynb');
  fake.answer.message = (m) => m.items.find((i) => i.startsWith('Always'));
  const running = k.run();
  await until(() => k.client.sessions[0]?.runs[0] !== undefined);
  k.client.sessions[0]!.runs[0]!.done('ok', 1, 1);
  await running;
  assert.deepEqual(k.memento.get('hubNotebooks.trustedOwners'), ['hub.test\nbob']);
  fake.answer.message = () => undefined;
  const again = setup('/team/bob/other.ipynb', undefined);
  // A new fixture has a fresh memento: carry the remembered choice over, as VS Code's global state would.
  await again.memento.update('hubNotebooks.trustedOwners', k.memento.get('hubNotebooks.trustedOwners'));
  const next = again.run();
  await until(() => again.client.sessions[0]?.runs[0] !== undefined);
  again.client.sessions[0]!.runs[0]!.done('ok', 1, 1);
  await next;
  assert.equal(asked().length, 1, 'not asked for bob again');
});

for (const path of ['/me/analysis.ipynb', '/supported/report/1.0.0/report.ipynb']) {
  test(`${path.split('/')[1]} notebooks run without asking`, async () => {
    const k = setup(path);
    const running = k.run();
    await until(() => k.client.sessions[0]?.runs[0] !== undefined);
    k.client.sessions[0]!.runs[0]!.done('ok', 1, 1);
    await running;
    assert.equal(fake.messages.filter((m) => m.modal).length, 0);
  });
}
