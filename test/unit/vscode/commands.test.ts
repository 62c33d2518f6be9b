// Every command contributed in package.json is registered by activate(), and every registered command is
// contributed, with the category and a title.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
// The fake must be in place before the adapter module loads `vscode`.
import { fake } from '../../support/useFakeVscode';
import { activate } from '../../../src/vscode/extension';

interface Manifest {
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; contents: string }[];
  };
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;
function activateWithFake(): { subscriptions: { dispose(): void }[] } {
  const context = {
    subscriptions: [] as { dispose(): void }[],
    extension: { packageJSON: { version: '9.9.9' } },
  };
  activate(context as never);
  return context;
}

test('package.json commands and registered commands are the same set', () => {
  const context = activateWithFake();
  const contributed = manifest.contributes.commands.map((c) => c.command).sort();
  const registered = [...fake.registeredCommands.keys()].sort();
  assert.deepEqual(registered, contributed);
  for (const c of manifest.contributes.commands) {
    assert.equal(c.category, 'Hub Notebooks', `${c.command} has the Hub Notebooks category`);
    assert.ok(c.title.length > 0);
  }
  context.subscriptions.forEach((s) => s.dispose());
  assert.equal(fake.registeredCommands.size, 0, 'disposing the extension unregisters its commands');
});

test('activate registers the Notebooks view, which has a welcome with command links', () => {
  const context = activateWithFake();
  const viewIds = Object.values(manifest.contributes.views).flatMap((views) => views.map((v) => v.id));
  assert.deepEqual([...fake.treeProviders.keys()], viewIds);
  for (const id of viewIds) {
    const welcome = manifest.contributes.viewsWelcome.find((w) => w.view === id);
    assert.ok(welcome, `view ${id} has welcome content`);
    for (const [, command] of welcome.contents.matchAll(/\(command:([\w.]+)\)/g)) {
      assert.ok(fake.registeredCommands.has(command ?? ''), `welcome links a registered command: ${command}`);
    }
  }
  context.subscriptions.forEach((s) => s.dispose());
});

test('Show Log shows the one log channel', async () => {
  const context = activateWithFake();
  const channel = fake.channels.at(-1);
  assert.ok(channel);
  assert.equal(channel.name, 'Hub Notebooks');
  assert.match(channel.lines.join('\n'), /\[extension\] Hub Notebooks 9\.9\.9 activated/);
  await fake.registeredCommands.get('hubNotebooks.showLog')?.();
  assert.equal(channel.shown, 1);
  context.subscriptions.forEach((s) => s.dispose());
  assert.equal(channel.disposed, true);
});
