import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import {
  ContentsConflictError,
  ContentsExistsError,
  ContentsPermissionError,
  createContentsAuthoring,
  createContentsClient,
} from '../../../../src/core/contents';
import { HubNotFoundError, HubResponseError } from '../../../../src/core/hub';
import { FakeJupyter, type FakeOptions } from './fakeJupyterContents';

function setup(options: FakeOptions = {}, root = 'alice') {
  const fake = new FakeJupyter(options);
  const opts = { transport: fake.transport(), user: 'alice', root };
  return { fake, authoring: createContentsAuthoring(opts), files: createContentsClient(opts) };
}

const downloads = (fake: FakeJupyter) =>
  fake.calls.filter((c) => c.method === 'GET' && c.query.get('content') === '1');

test('verify on a hashing server compares sha256 without downloading the file', async () => {
  const { fake, authoring } = setup({ hashes: true });
  const bytes = crypto.randomBytes(4096);
  fake.put('alice/x.bin', bytes);
  assert.deepEqual(
    { ...(await authoring.verifyUpload('x.bin', bytes)), entry: undefined },
    { same: true, by: 'sha256', entry: undefined },
  );
  const changed = Buffer.from(bytes);
  changed[100] = (changed[100] ?? 0) ^ 1;
  assert.equal((await authoring.verifyUpload('x.bin', changed)).same, false);
  assert.equal(downloads(fake).length, 0);
});

test('verify without server hashes (1.x) downloads and compares every byte', async () => {
  const { fake, authoring } = setup({ hashes: false });
  const bytes = crypto.randomBytes(4096);
  fake.put('alice/x.bin', bytes);
  const ok = await authoring.verifyUpload('x.bin', bytes);
  assert.equal(ok.same, true);
  assert.equal(ok.by, 'bytes');
  const changed = Buffer.from(bytes);
  changed[4000] = (changed[4000] ?? 0) ^ 1;
  assert.equal((await authoring.verifyUpload('x.bin', changed)).same, false, 'same size, one bit off');
  assert.equal(downloads(fake).length, 2);
});

test('verify answers a different size as different without downloading, and a missing file as 404', async () => {
  const { fake, authoring } = setup({ hashes: false });
  fake.put('alice/x.bin', 'abc');
  assert.equal((await authoring.verifyUpload('x.bin', Buffer.from('abcd'))).same, false);
  assert.equal(downloads(fake).length, 0);
  await assert.rejects(authoring.verifyUpload('gone.bin', Buffer.from('x')), HubNotFoundError);
});

test('duplicate posts copy_from to the folder and the server names the copy', async () => {
  const { fake, authoring } = setup();
  fake.dirs.add('alice/d');
  fake.put('alice/d/x.ipynb', '{}');
  assert.equal((await authoring.duplicate('d/x.ipynb')).path, 'd/x-Copy1.ipynb');
  assert.equal((await authoring.duplicate('d/x.ipynb')).path, 'd/x-Copy2.ipynb');
  const post = fake.calls.find((c) => c.method === 'POST');
  assert.equal(post?.path, 'alice/d');
  assert.deepEqual(post?.body, { copy_from: 'alice/d/x.ipynb' });
});

test('copy to a chosen name is one POST to that path; an existing name is refused before copying', async () => {
  const { fake, authoring } = setup();
  fake.dirs.add('alice/d');
  fake.put('alice/x.ipynb', '{"a": 1}');
  assert.equal((await authoring.copy('x.ipynb', 'd/y.ipynb')).path, 'd/y.ipynb');
  assert.equal(fake.text('alice/d/y.ipynb'), '{"a": 1}');
  assert.deepEqual(
    fake.calls.filter((c) => c.method === 'POST').map((c) => c.path),
    ['alice/d/y.ipynb'],
  );
  for (const taken of ['d/y.ipynb', 'd']) {
    await assert.rejects(authoring.copy('x.ipynb', taken), ContentsExistsError);
  }
  assert.equal(fake.calls.filter((c) => c.method === 'POST').length, 1, 'nothing more was copied');
});

test('copy of a folder copies into the target’s folder and renames; a server that refuses says so', async () => {
  const { fake, authoring } = setup();
  fake.dirs.add('alice/src');
  // The fake is 1.23 here: it answers "Can't copy directories", and nothing is left behind.
  await assert.rejects(
    authoring.copy('src', 'dst'),
    (err: unknown) => err instanceof HubResponseError && /Can't copy directories/.test(err.message),
  );
  assert.equal(fake.dirs.has('alice/dst'), false);
  assert.equal(fake.calls.find((c) => c.method === 'POST')?.path, 'alice');
});

test('deleteTree deletes entries depth first, then the folder; a plain file is one DELETE', async () => {
  const { fake, authoring, files } = setup();
  for (const d of ['alice/t', 'alice/t/sub', 'alice/t/sub/deeper']) fake.dirs.add(d);
  for (const f of ['alice/t/a.ipynb', 'alice/t/sub/b.txt', 'alice/t/sub/deeper/c.txt']) fake.put(f, 'x');
  await assert.rejects(files.delete('t'), /not empty/, 'the server refuses a non-empty folder');
  await authoring.deleteTree('t');
  assert.deepEqual([...fake.files.keys()], []);
  assert.deepEqual([...fake.dirs].sort(), ['', 'alice']);
  fake.put('alice/one.txt', 'x');
  fake.calls.length = 0;
  await authoring.deleteTree('one.txt');
  assert.deepEqual(
    fake.calls.map((c) => c.method),
    ['GET', 'DELETE'],
  );
});

test('deleteTree in a read-only folder stops at the first refusal', async () => {
  const { fake, authoring } = setup({ readOnly: ['bob'] }, '');
  fake.dirs.add('bob');
  fake.put('bob/a.txt', 'x');
  await assert.rejects(authoring.deleteTree('bob'), ContentsPermissionError);
  assert.equal(fake.text('bob/a.txt'), 'x');
});

test('readCheckpoint reads .ipynb_checkpoints directly when the server allows hidden files', async () => {
  const { fake, authoring, files } = setup({ hashes: true, allowHidden: true });
  fake.put('alice/x.ipynb', 'saved');
  await files.createCheckpoint('x.ipynb');
  fake.put('alice/x.ipynb', 'edited');
  const cp = await authoring.readCheckpoint('x.ipynb', 'checkpoint');
  assert.equal(Buffer.from(cp.bytes).toString(), 'saved');
  assert.equal(cp.via, 'hidden-path');
  assert.equal(fake.text('alice/x.ipynb'), 'edited');
  assert.equal(fake.calls.filter((c) => c.method !== 'GET').length, 1, 'only the checkpoint POST');
});

test('readCheckpoint otherwise restores, reads, and puts the current bytes back', async () => {
  for (const hashes of [true, false]) {
    const { fake, authoring, files } = setup({ hashes });
    fake.put('alice/x.ipynb', 'saved');
    await files.createCheckpoint('x.ipynb');
    fake.put('alice/x.ipynb', 'edited');
    const cp = await authoring.readCheckpoint('x.ipynb', 'checkpoint');
    assert.equal(Buffer.from(cp.bytes).toString(), 'saved');
    assert.equal(cp.via, 'restore');
    assert.equal(fake.text('alice/x.ipynb'), 'edited', 'the current version is back');
    assert.equal(cp.entry.lastModified, new Date(fake.files.get('alice/x.ipynb')?.mtime ?? 0).toISOString());
    assert.deepEqual(
      [...fake.files.keys()].filter((p) => p.endsWith('~')),
      [],
      'the stash is gone',
    );
    fake.calls.length = 0;
    await authoring.readCheckpoint('x.ipynb', 'checkpoint');
    assert.ok(
      fake.calls.every((c) => !c.path.includes('.ipynb_checkpoints')),
      'a server that refused hidden paths is not asked again',
    );
  }
});

test('readCheckpoint refuses when the file changes before the restore, and restores nothing', async () => {
  let stats = 0;
  const { fake, authoring, files } = setup({
    hashes: true,
    intercept: (c) => {
      // The version check right before the restore: another client saved just then.
      if (c.method === 'GET' && c.query.get('type') === 'notebook' && ++stats === 1)
        fake.put('alice/x.ipynb', 'theirs');
      return undefined;
    },
  });
  fake.put('alice/x.ipynb', 'saved');
  await files.createCheckpoint('x.ipynb');
  fake.put('alice/x.ipynb', 'edited');
  await assert.rejects(authoring.readCheckpoint('x.ipynb', 'checkpoint'), ContentsConflictError);
  assert.equal(fake.text('alice/x.ipynb'), 'theirs');
  assert.equal(fake.calls.filter((c) => /checkpoints\/checkpoint$/.test(c.path)).length, 0);
  assert.deepEqual(
    [...fake.files.keys()].filter((p) => p.endsWith('~')),
    [],
  );
});

test('readCheckpoint on a file it may not write fails before the restore and changes nothing', async () => {
  const { fake, authoring } = setup({ readOnly: ['bob'] }, '');
  fake.dirs.add('bob');
  fake.put('bob/x.ipynb', 'bobs');
  fake.checkpoints.set('bob/x.ipynb', { bytes: Buffer.from('old'), mtime: 0 });
  await assert.rejects(authoring.readCheckpoint('bob/x.ipynb', 'checkpoint'), ContentsPermissionError);
  assert.equal(fake.text('bob/x.ipynb'), 'bobs');
  assert.deepEqual([...fake.files.keys()], ['bob/x.ipynb']);
});

test('when putting the current bytes back fails, the error names the stash that keeps them', async () => {
  let restored = false;
  const { fake, authoring, files } = setup({
    hashes: true,
    intercept: (c) => {
      if (/checkpoints\/checkpoint$/.test(c.path)) restored = true;
      const putBack = restored && c.method === 'PUT' && c.path === 'alice/x.ipynb';
      return putBack ? new Error('socket hang up') : undefined;
    },
  });
  fake.put('alice/x.ipynb', 'saved');
  await files.createCheckpoint('x.ipynb');
  fake.put('alice/x.ipynb', 'edited');
  let stash = '';
  await assert.rejects(authoring.readCheckpoint('x.ipynb', 'checkpoint'), (err: unknown) => {
    assert.ok(err instanceof HubResponseError);
    stash = /kept next to it as (\S+), which/.exec(err.message)?.[1] ?? '';
    return true;
  });
  assert.match(stash, /^x\.ipynb\.hubnb-stash-[0-9a-f]{8}~$/);
  assert.equal(fake.text(`alice/${stash}`), 'edited');
});

test('readCheckpoint of an unknown checkpoint is 404 and sends nothing but the list', async () => {
  const { fake, authoring } = setup();
  fake.put('alice/x.ipynb', 'x');
  await assert.rejects(authoring.readCheckpoint('x.ipynb', 'checkpoint'), HubNotFoundError);
  await assert.rejects(authoring.readCheckpoint('x.ipynb', '..'), { name: 'ContentsPathError' });
  assert.deepEqual(
    fake.calls.map((c) => `${c.method} ${c.path}`),
    ['GET alice/x.ipynb/checkpoints'],
  );
});
