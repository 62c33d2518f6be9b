// The hubnb file system provider over in-memory core clients: the areas and their listings, read-only team and
// supported files (enforced in the provider, not only in the UI), error mapping, the save-conflict dialog's
// branches, batched change events, and the server starting only with the user's consent.
import {
  AUTHORITY,
  bytes,
  codeOf,
  fake,
  fakeCatalog,
  hubnb,
  makeFileSystem,
  text,
  until,
} from '../../support/hubnbFixture';

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { CatalogError } from '../../../../src/core/catalog';
import { HubNotFoundError } from '../../../../src/core/hub';

const READONLY = 1;
const FILE = 1;
const DIRECTORY = 2;
const CHANGED = 1;

beforeEach(() => fake.reset());

test('the root lists me, team and supported; each area lists what its client returns', async () => {
  const { provider } = makeFileSystem();
  assert.deepEqual(await provider.readDirectory(hubnb('/')), [
    ['me', DIRECTORY],
    ['team', DIRECTORY],
    ['supported', DIRECTORY],
  ]);
  assert.deepEqual(await provider.readDirectory(hubnb('/me')), [
    ['analysis.ipynb', FILE],
    ['folder', DIRECTORY],
  ]);
  assert.deepEqual(await provider.readDirectory(hubnb('/me/folder')), [['inner.ipynb', FILE]]);
  assert.deepEqual(await provider.readDirectory(hubnb('/team')), [['bob', DIRECTORY]]);
  assert.deepEqual(await provider.readDirectory(hubnb('/team/bob')), [
    ['analysis.ipynb', FILE],
    ['sub', DIRECTORY],
  ]);
  assert.deepEqual(await provider.readDirectory(hubnb('/supported')), [['report', DIRECTORY]]);
  assert.deepEqual(await provider.readDirectory(hubnb('/supported/report')), [
    ['current', DIRECTORY],
    ['1.1.0', DIRECTORY],
    ['1.0.0', DIRECTORY],
  ]);
  // A version is a folder holding one file named after the notebook, so its tab reads `report.ipynb`.
  assert.deepEqual(await provider.readDirectory(hubnb('/supported/report/1.0.0')), [['report.ipynb', FILE]]);
  assert.equal((await provider.stat(hubnb('/supported/report/current'))).type, DIRECTORY);
  await assert.rejects(provider.readDirectory(hubnb('/supported/report/9.9.9')), /no version 9\.9\.9/);
});

test('a supported version opens in the new shape and in the earlier one (`<version>.ipynb`) alike', async () => {
  const { provider } = makeFileSystem();
  for (const [now, before] of [
    ['/supported/report/1.0.0/report.ipynb', '/supported/report/1.0.0.ipynb'],
    ['/supported/report/current/report.ipynb', '/supported/report/current.ipynb'],
  ] as const) {
    assert.equal(text(await provider.readFile(hubnb(now))), text(await provider.readFile(hubnb(before))));
    assert.deepEqual(await provider.stat(hubnb(now)), await provider.stat(hubnb(before)));
  }
  assert.equal(
    text(await provider.readFile(hubnb('/supported/report/current/report.ipynb'))),
    '{"report":"1.1.0"}',
  );
});

test('reads own, team and supported files; current means the current version', async () => {
  const { provider, catalogCalls } = makeFileSystem();
  assert.equal(text(await provider.readFile(hubnb('/me/analysis.ipynb'))), '{"mine":1}');
  assert.equal(text(await provider.readFile(hubnb('/team/bob/analysis.ipynb'))), '{"bob":1}');
  assert.equal(text(await provider.readFile(hubnb('/supported/report/current.ipynb'))), '{"report":"1.1.0"}');
  assert.equal(text(await provider.readFile(hubnb('/supported/report/1.0.0.ipynb'))), '{"report":"1.0.0"}');
  const stat = await provider.stat(hubnb('/supported/report/current.ipynb'));
  assert.equal(stat.mtime, Date.parse('2026-02-02T00:00:00Z'));
  assert.ok(catalogCalls.includes('readSupportedFile report'));
});

test('own files are writable; team and supported files and folders stat as Readonly', async () => {
  const { provider, contents } = makeFileSystem();
  contents.put('linked.ipynb', '{}', false);
  assert.equal((await provider.stat(hubnb('/me/analysis.ipynb'))).permissions, undefined);
  assert.equal((await provider.stat(hubnb('/me/linked.ipynb'))).permissions, READONLY);
  for (const path of [
    '/team',
    '/team/bob',
    '/team/bob/analysis.ipynb',
    '/team/bob/sub',
    '/supported',
    '/supported/report',
    '/supported/report/current.ipynb',
    '/supported/report/1.0.0.ipynb',
    '/supported/report/1.0.0',
    '/supported/report/1.0.0/report.ipynb',
  ]) {
    assert.equal((await provider.stat(hubnb(path))).permissions, READONLY, path);
  }
  assert.equal((await provider.stat(hubnb('/team/bob/analysis.ipynb'))).type, FILE);
  assert.equal((await provider.stat(hubnb('/team/bob/sub'))).type, DIRECTORY);
});

test('team and supported files cannot be written, deleted, renamed or created: NoPermissions, nothing sent', async () => {
  const { provider, contents, catalogCalls: calls } = makeFileSystem();
  const readOnly = [
    '/team/bob/analysis.ipynb',
    '/team/bob/new.ipynb',
    '/supported/report/current.ipynb',
    '/supported/report/1.0.0.ipynb',
    '/supported/report/1.0.0/report.ipynb',
  ];
  for (const path of readOnly) {
    const uri = hubnb(path);
    for (const attempt of [
      provider.writeFile(uri, bytes('{}'), { create: true, overwrite: true }),
      provider.delete(uri, { recursive: false }),
      provider.rename(uri, hubnb('/me/moved.ipynb'), { overwrite: false }),
      provider.rename(hubnb('/me/analysis.ipynb'), uri, { overwrite: true }),
      provider.createDirectory(hubnb(path.replace(/[^/]*$/, 'new-folder'))),
    ]) {
      await assert.rejects(attempt, (err: Error & { code?: string }) => {
        assert.equal(err.code, 'NoPermissions', `${path}: ${err.message}`);
        assert.match(err.message, /read-only\. Use "Save a Copy to My Notebooks"/);
        return true;
      });
    }
  }
  assert.deepEqual(contents.calls, [], 'the contents API was never called');
  assert.deepEqual(calls, [], 'the catalog was never called');
  assert.equal(text((await contents.read('analysis.ipynb')).bytes), '{"mine":1}');
});

test('own files: create and overwrite flags, folders, delete and rename follow the FileSystemProvider rules', async () => {
  const { provider, contents } = makeFileSystem();
  assert.equal(
    await codeOf(provider.writeFile(hubnb('/me/new.ipynb'), bytes('{}'), { create: false, overwrite: true })),
    'FileNotFound',
  );
  assert.equal(
    await codeOf(
      provider.writeFile(hubnb('/me/analysis.ipynb'), bytes('{}'), { create: true, overwrite: false }),
    ),
    'FileExists',
  );
  assert.equal(
    await codeOf(provider.writeFile(hubnb('/me/folder'), bytes('{}'), { create: false, overwrite: true })),
    'FileIsADirectory',
  );
  await provider.writeFile(hubnb('/me/new.ipynb'), bytes('{"new":1}'), { create: true, overwrite: false });
  assert.equal(text((await contents.read('new.ipynb')).bytes), '{"new":1}');

  await provider.createDirectory(hubnb('/me/made'));
  assert.equal((await provider.stat(hubnb('/me/made'))).type, DIRECTORY);
  assert.equal(await codeOf(provider.createDirectory(hubnb('/me/made'))), 'FileExists');

  assert.equal(
    await codeOf(provider.rename(hubnb('/me/new.ipynb'), hubnb('/me/analysis.ipynb'), { overwrite: false })),
    'FileExists',
  );
  await provider.rename(hubnb('/me/new.ipynb'), hubnb('/me/made/moved.ipynb'), { overwrite: false });
  assert.equal(text((await contents.read('made/moved.ipynb')).bytes), '{"new":1}');
  await provider.rename(hubnb('/me/made/moved.ipynb'), hubnb('/me/analysis.ipynb'), { overwrite: true });
  assert.equal(text((await contents.read('analysis.ipynb')).bytes), '{"new":1}');

  await provider.delete(hubnb('/me/analysis.ipynb'), { recursive: false });
  assert.equal(await codeOf(provider.stat(hubnb('/me/analysis.ipynb'))), 'FileNotFound');
  assert.equal(await codeOf(provider.delete(hubnb('/me'), { recursive: true })), 'NoPermissions');
});

test('errors map to FileSystemError codes with the core’s message', async () => {
  const tooLarge = new CatalogError('too_large', 'The notebook is larger than 64 MiB', 413, undefined);
  const forbidden = new CatalogError('forbidden', 'You may not read this file', 403, undefined);
  const { provider, signInPrompts } = makeFileSystem({
    catalog: fakeCatalog({
      readTeamFile: (_user, path) => Promise.reject(path === 'big.ipynb' ? tooLarge : forbidden),
      getSupported: () => Promise.reject(new HubNotFoundError('The hub found nothing (404).')),
    }),
  });
  const rejection = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      return err as Error & { code: string };
    }
    throw new Error('resolved');
  };
  assert.equal((await rejection(provider.readFile(hubnb('/me/missing.ipynb')))).code, 'FileNotFound');
  const big = await rejection(provider.readFile(hubnb('/team/bob/big.ipynb')));
  assert.match(big.message, /larger than 64 MiB/);
  const denied = await rejection(provider.readFile(hubnb('/team/bob/secret.ipynb')));
  assert.equal(denied.code, 'NoPermissions');
  assert.match(denied.message, /may not read this file/);
  assert.equal((await rejection(provider.stat(hubnb('/supported/nope/current.ipynb')))).code, 'FileNotFound');

  // Bad URIs fail with the path rule's message: as missing when reading, as refused when writing.
  const hidden = await rejection(provider.readFile(hubnb('/me/.ssh/id_rsa')));
  assert.equal(hidden.code, 'FileNotFound');
  assert.match(hidden.message, /Hidden files and folders are not available/);
  const badWrite = await rejection(
    provider.writeFile(hubnb('/me/a%2e%2e/x'), bytes(''), { create: true, overwrite: true }),
  );
  assert.equal(badWrite.code, 'NoPermissions');
  assert.match(badWrite.message, /percent-encoded/);
  assert.equal((await rejection(provider.stat(hubnb('/elsewhere/x')))).code, 'FileNotFound');

  // A hub the user is not signed in to: Unavailable, and a Sign In prompt is offered.
  const other = await rejection(provider.stat(hubnb('/me/analysis.ipynb', 'other.example:8000')));
  assert.equal(other.code, 'Unavailable');
  assert.match(other.message, /other\.example:8000 is not one of your hubs/);
  assert.equal(signInPrompts.length, 1);
});

/** Reads the file, changes it elsewhere, and saves new bytes, answering the dialog with `answer`. */
async function conflictingSave(answer: string | undefined) {
  const fs = makeFileSystem();
  const uri = hubnb('/me/analysis.ipynb');
  await fs.provider.readFile(uri);
  fs.contents.changeElsewhere('analysis.ipynb', '{"theirs":1}');
  fake.answer.message = () => answer;
  const save = fs.provider.writeFile(uri, bytes('{"mine":2}'), { create: true, overwrite: true });
  return { ...fs, uri, save };
}

function assertConflictDialog(): void {
  const dialog = fake.messages.find(
    (m) => m.message === 'analysis.ipynb was changed on the hub since you opened it.',
  );
  assert.ok(dialog, 'the conflict dialog was shown');
  assert.equal(dialog.modal, true);
  assert.deepEqual(dialog.items, ['Overwrite', 'Compare', 'Reload']);
}

test('save conflict, Overwrite: the save is repeated without the expected version and replaces theirs', async () => {
  const { save, contents } = await conflictingSave('Overwrite');
  await save;
  assertConflictDialog();
  assert.equal(text((await contents.read('analysis.ipynb')).bytes), '{"mine":2}');
  assert.equal(contents.writes.length, 2);
  assert.ok(contents.writes[0]?.expected, 'the first attempt was checked');
  assert.equal(contents.writes[1]?.expected, undefined, 'the overwrite was on purpose');
});

test('save conflict, Compare: a diff of the hub’s and the unsaved version opens, and the save fails', async () => {
  const { save, contents, provider, uri } = await conflictingSave('Compare');
  await assert.rejects(save, /was not saved: it changed on the hub/);
  assertConflictDialog();
  assert.equal(text((await contents.read('analysis.ipynb')).bytes), '{"theirs":1}', 'nothing was written');
  const diff = fake.executedCommands.find((c) => c.id === 'vscode.diff');
  assert.ok(diff, 'a comparison was opened');
  const [left, right] = diff.args as [typeof uri, typeof uri];
  assert.equal(text(await provider.readFile(left)), '{"theirs":1}');
  assert.equal(text(await provider.readFile(right)), '{"mine":2}', 'the unsaved bytes are kept');
  assert.equal((await provider.stat(left)).permissions, READONLY);
  assert.equal((await provider.stat(right)).permissions, READONLY);
  assert.equal(
    await codeOf(provider.writeFile(right, bytes('x'), { create: true, overwrite: true })),
    'NoPermissions',
  );
  // Reading the hub's version for the comparison does not move the baseline: saving again still asks.
  fake.answer.message = () => undefined;
  await assert.rejects(provider.writeFile(uri, bytes('{"mine":3}'), { create: true, overwrite: true }));
  assert.equal(text((await contents.read('analysis.ipynb')).bytes), '{"theirs":1}');
});

test('save conflict, Reload: the file is reported changed, the save fails and says to revert', async () => {
  const { save, contents, events, uri } = await conflictingSave('Reload');
  await assert.rejects(save, /Revert the file to load the hub's version/);
  assertConflictDialog();
  assert.equal(text((await contents.read('analysis.ipynb')).bytes), '{"theirs":1}', 'nothing was written');
  await until(() => events.length > 0);
  assert.deepEqual(events.flat(), [{ type: CHANGED, uri: uri.toString() }]);
});

test('save conflict, dialog dismissed: the save fails and nothing is written', async () => {
  const { save, contents } = await conflictingSave(undefined);
  await assert.rejects(save, /Your edits are still in the editor/);
  assertConflictDialog();
  assert.equal(text((await contents.read('analysis.ipynb')).bytes), '{"theirs":1}');
  assert.equal(contents.writes.length, 1);
});

test('a save after a read without remote change passes the read version and needs no dialog', async () => {
  const { provider, contents } = makeFileSystem();
  const uri = hubnb('/me/analysis.ipynb');
  await provider.readFile(uri);
  await provider.writeFile(uri, bytes('{"mine":2}'), { create: true, overwrite: true });
  await provider.writeFile(uri, bytes('{"mine":3}'), { create: true, overwrite: true });
  assert.equal(fake.messages.length, 0);
  assert.equal(text((await contents.read('analysis.ipynb')).bytes), '{"mine":3}');
  assert.ok(
    contents.writes.every((w) => w.expected !== undefined),
    'each save was checked against the last',
  );
});

test('change events are coalesced into one batch', async () => {
  const { provider, events } = makeFileSystem({ coalesceMs: 20 });
  await provider.writeFile(hubnb('/me/a.ipynb'), bytes('{}'), { create: true, overwrite: true });
  await provider.writeFile(hubnb('/me/b.ipynb'), bytes('{}'), { create: true, overwrite: true });
  provider.notifyChanged([hubnb('/me/a.ipynb'), hubnb('/me/a.ipynb')]);
  await until(() => events.length > 0);
  assert.equal(events.length, 1);
  assert.deepEqual(
    events[0]?.map((e) => e.uri),
    [`hubnb://${AUTHORITY}/me/a.ipynb`, `hubnb://${AUTHORITY}/me/b.ipynb`, `hubnb://${AUTHORITY}/me/a.ipynb`],
  );
  assert.equal(events[0]?.[2]?.type, CHANGED);
  const watch = provider.watch();
  watch.dispose();
  provider.dispose();
});

test('a stopped server: one prompt for many reads; declined, nothing starts and the reads are Unavailable', async () => {
  const { provider, contents, hub } = makeFileSystem();
  contents.stopped = true;
  let answer: (pick: string | undefined) => void = () => undefined;
  fake.answer.message = () => new Promise((resolve) => (answer = resolve));
  const reads = [1, 2, 3].map(() => provider.readFile(hubnb('/me/analysis.ipynb')));
  await until(() => fake.messages.length > 0);
  answer('Cancel');
  for (const read of reads) {
    await assert.rejects(read, (err: Error & { code?: string }) => {
      assert.equal(err.code, 'Unavailable');
      assert.match(err.message, /not running/);
      return true;
    });
  }
  const prompts = fake.messages.filter((m) => /is not running\. Start it/.test(m.message));
  assert.equal(prompts.length, 1);
  assert.equal(
    prompts[0]?.message,
    'Your server on hub.test is not running. Start it to open analysis.ipynb?',
    'the question says what is about to happen',
  );
  assert.deepEqual(prompts[0]?.items, ['Start Server', 'Cancel']);
  assert.equal(prompts[0]?.modal, false);
  assert.deepEqual(hub.calls, [], 'nothing was started');
  assert.equal(fake.progress.length, 0);
});

test('a stopped server: accepted, it starts once with progress and the reads succeed', async () => {
  const { provider, contents, hub } = makeFileSystem();
  contents.stopped = true;
  fake.answer.message = (m) => (/not running/.test(m.message) ? 'Start Server' : undefined);
  const reads = await Promise.all([1, 2].map(() => provider.readFile(hubnb('/me/analysis.ipynb'))));
  assert.deepEqual(reads.map(text), ['{"mine":1}', '{"mine":1}']);
  assert.deepEqual(hub.calls, ['start alice']);
  assert.equal(fake.progress.length, 1);
  assert.equal(fake.progress[0]?.cancellable, true);
  assert.match(fake.progress[0]?.title ?? '', /Starting your server on hub\.test/);
});

test('the server-start question is worded for the action at hand: saving, listing', async () => {
  const { provider, contents } = makeFileSystem();
  contents.stopped = true;
  fake.answer.message = () => 'Cancel';
  await assert.rejects(
    provider.writeFile(hubnb('/me/analysis.ipynb'), bytes('{}'), { create: true, overwrite: true }),
  );
  await assert.rejects(provider.readDirectory(hubnb('/me')));
  const asked = fake.messages.map((m) => m.message).filter((m) => /Start it/.test(m));
  assert.deepEqual(asked, [
    'Your server on hub.test is not running. Start it to save analysis.ipynb?',
    'Your server on hub.test is not running. Start it to list My Notebooks?',
  ]);
});

test('team and supported reads never ask to start the server', async () => {
  const { provider, contents, hub } = makeFileSystem();
  contents.stopped = true;
  await provider.readFile(hubnb('/team/bob/analysis.ipynb'));
  await provider.readFile(hubnb('/supported/report/current.ipynb'));
  assert.equal(fake.messages.length, 0);
  assert.deepEqual(hub.calls, []);
});
