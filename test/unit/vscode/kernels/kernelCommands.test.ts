// Restart Kernel and Restart and Run All follow VS Code's habit: a modal question first (the variables go),
// nothing on Cancel, and a message once the kernel restarted.
import { fake } from '../../support/kernelFixture';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import { CommandIds } from '../../../../src/vscode/commands/commandIds';
import { kernelCommands } from '../../../../src/vscode/kernels/kernelCommands';
import type { NotebookKernel } from '../../../../src/vscode/kernels/notebookKernel';
import { Uri } from '../../../support/fakeVscode';
import { recordingLogger } from '../../support/authFixture';

beforeEach(() => fake.reset());

/** A notebook in the active editor whose hub kernel records its restarts. */
function setup(hasSession = true) {
  const notebook = { uri: Uri.parse('hubnb://hub.test/me/reports/churn.ipynb') };
  const restarts: string[] = [];
  const kernel = {
    notebook,
    hasSession,
    restart: () => Promise.resolve(void restarts.push('restart')),
  } as unknown as NotebookKernel;
  fake.views.activeNotebookEditor = { notebook } as never;
  const commands = kernelCommands({
    kernels: { kernelOf: (n: vscode.NotebookDocument) => (n === (notebook as unknown) ? kernel : undefined) },
    log: recordingLogger().logger,
  });
  return { commands, restarts };
}

test('Restart Kernel asks in a modal, restarts, and says it restarted', async () => {
  const { commands, restarts } = setup();
  fake.answer.message = (m) => (m.modal ? 'Restart' : undefined);
  await commands[CommandIds.restartKernel]();
  assert.deepEqual(restarts, ['restart']);
  const [question, done] = fake.messages;
  assert.equal(question?.modal, true);
  assert.equal(question?.message, 'Restart the kernel of churn.ipynb? All variables will be lost.');
  assert.deepEqual(question?.items, ['Restart']);
  assert.equal(done?.kind, 'info');
  assert.equal(done?.message, 'Restarted the kernel of churn.ipynb.');
});

test('Cancel restarts nothing and runs nothing', async () => {
  const { commands, restarts } = setup();
  fake.answer.message = () => undefined;
  await commands[CommandIds.restartKernel]();
  await commands[CommandIds.restartKernelAndRunAll]();
  assert.deepEqual(restarts, []);
  assert.equal(fake.messages.length, 2, 'only the two questions');
  assert.deepEqual(
    fake.executedCommands.filter((c) => c.id === 'notebook.execute'),
    [],
  );
});

test('Restart and Run All asks, restarts, then runs the notebook', async () => {
  const { commands, restarts } = setup();
  fake.answer.message = (m) => (m.modal ? 'Restart' : undefined);
  await commands[CommandIds.restartKernelAndRunAll]();
  assert.deepEqual(restarts, ['restart']);
  assert.match(fake.messages[0]?.message ?? '', /and run all cells\? All variables will be lost\./);
  assert.equal(fake.executedCommands.filter((c) => c.id === 'notebook.execute').length, 1);
});

test('a kernel that has not started is not restarted, and the user is told when it starts', async () => {
  const { commands, restarts } = setup(false);
  await commands[CommandIds.restartKernel]();
  assert.deepEqual(restarts, []);
  assert.match(fake.messages[0]?.message ?? '', /has not started yet: it starts with the first cell you run/);
});
