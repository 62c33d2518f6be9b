// Opening a teammate's or a supported notebook says, once, that it is read-only and how to get an editable
// copy (VS Code's own "Cannot edit in read-only editor" does not); own and local notebooks say nothing.
import { fake } from '../../support/hubnbFixture';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { ReadOnlyNotice } from '../../../../src/vscode/files/readOnlyNotice';
import { Uri } from '../../../support/fakeVscode';

beforeEach(() => fake.reset());

const open = (uri: string) => fake.notebooks.opened.fire({ uri: Uri.parse(uri) });

test('a teammate’s notebook: read-only, with Save a Copy to My Notebooks as the way forward, once', async () => {
  const notice = new ReadOnlyNotice();
  fake.answer.message = () => 'Save a Copy to My Notebooks';
  open('hubnb://hub.test/team/bob/analysis.ipynb');
  open('hubnb://hub.test/team/bob/analysis.ipynb');
  assert.equal(fake.messages.length, 1, 'told once per notebook');
  assert.equal(
    fake.messages[0]?.message,
    "bob's analysis.ipynb is read-only: you can run it on your own kernel. To change it, save a copy to My Notebooks.",
  );
  assert.deepEqual(fake.messages[0]?.items, ['Save a Copy to My Notebooks']);
  await new Promise((resolve) => setImmediate(resolve));
  const [saved] = fake.executedCommands.filter((c) => c.id === 'hubNotebooks.saveCopy');
  assert.equal(String(saved?.args[0]), 'hubnb://hub.test/team/bob/analysis.ipynb');
  notice.dispose();
});

test('a supported notebook says so too; own and local notebooks say nothing', () => {
  const notice = new ReadOnlyNotice();
  open('hubnb://hub.test/me/mine.ipynb');
  open('file:///tmp/local.ipynb');
  assert.equal(fake.messages.length, 0);
  open('hubnb://hub.test/supported/churn/1.2.0.ipynb');
  assert.match(fake.messages[0]?.message ?? '', /^The supported notebook churn is read-only/);
  notice.dispose();
});
