import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import {
  ContentsExistsError,
  ContentsPathError,
  ContentsPermissionError,
  createContentsAuthoring,
  UPLOAD_CHUNK_BYTES,
} from '../../../../src/core/contents';
import type { UploadProgress, UploadSource } from '../../../../src/core/contents/types';
import { HubResponseError, InvalidHubResponseError } from '../../../../src/core/hub';
import { FakeJupyter, type FakeOptions } from './fakeJupyterContents';

function setup(options: FakeOptions = {}) {
  const fake = new FakeJupyter({ hashes: true, ...options });
  const authoring = createContentsAuthoring({ transport: fake.transport(), user: 'alice', root: 'alice' });
  return { fake, authoring };
}

/** Server paths in the fake other than the home folder itself. */
const leftovers = (fake: FakeJupyter): string[] => [...fake.files.keys()].filter((p) => p.endsWith('~'));
const puts = (fake: FakeJupyter) => fake.calls.filter((c) => c.method === 'PUT');

test('uploads a notebook byte for byte as type file, renamed from a hidden-from-listings temporary name', async () => {
  const { fake, authoring } = setup();
  const notebook = Buffer.from('{\t"nbformat": 4, "cells": [],\n"metadata": {}, "nbformat_minor": 5}');
  const progress: UploadProgress[] = [];
  const entry = await authoring.upload('x.ipynb', notebook, { onProgress: (p) => progress.push(p) });
  assert.ok(fake.files.get('alice/x.ipynb')?.bytes.equals(notebook), 'the bytes as given');
  assert.equal(entry.path, 'x.ipynb');
  assert.equal(entry.type, 'notebook');
  assert.equal(entry.hash, crypto.createHash('sha256').update(notebook).digest('hex'), 'stat’s hash');
  const [put] = puts(fake);
  assert.equal(puts(fake).length, 1);
  assert.match(put?.path ?? '', /^alice\/x\.ipynb\.hubnb-upload-[0-9a-f]{8}~$/);
  assert.deepEqual(Object.keys(put?.body ?? {}).sort(), ['content', 'format', 'type'], 'no chunk key');
  assert.equal(put?.body?.type, 'file');
  assert.equal(put?.body?.format, 'base64');
  const patch = fake.calls.find((c) => c.method === 'PATCH');
  assert.equal(patch?.path, put?.path);
  assert.deepEqual(patch?.body, { path: 'alice/x.ipynb' });
  assert.deepEqual(progress, [
    { sent: 0, total: notebook.length },
    { sent: notebook.length, total: notebook.length },
  ]);
  assert.deepEqual(leftovers(fake), []);
});

test('a large file goes in chunks 1, 2, …, -1, each acknowledged before the next, from a sliced source', async () => {
  const { fake, authoring } = setup();
  const bytes = crypto.randomBytes(10_000);
  const reads: [number, number][] = [];
  const source: UploadSource = {
    size: bytes.length,
    read: (offset, length) => {
      reads.push([offset, length]);
      return Promise.resolve(bytes.subarray(offset, offset + length));
    },
  };
  const progress: number[] = [];
  await authoring.upload('big.bin', source, { chunkBytes: 3000, onProgress: (p) => progress.push(p.sent) });
  assert.ok(fake.files.get('alice/big.bin')?.bytes.equals(bytes));
  assert.deepEqual(
    puts(fake).map((c) => c.body?.chunk),
    [1, 2, 3, -1],
  );
  assert.deepEqual(reads, [
    [0, 3000],
    [3000, 3000],
    [6000, 3000],
    [9000, 1000],
  ]);
  assert.deepEqual(progress, [0, 3000, 6000, 9000, 10_000]);
  assert.deepEqual(leftovers(fake), []);
  assert.equal(UPLOAD_CHUNK_BYTES, 8 * 1024 * 1024);
});

test('an empty file is one PUT of empty content', async () => {
  const { fake, authoring } = setup();
  await authoring.upload('empty.txt', new Uint8Array(0));
  assert.equal(fake.files.get('alice/empty.txt')?.bytes.length, 0);
  assert.equal(puts(fake).length, 1);
});

test('an existing target without overwrite is refused before any byte is sent', async () => {
  const { fake, authoring } = setup();
  fake.put('alice/x.txt', 'theirs');
  await assert.rejects(authoring.upload('x.txt', Buffer.from('mine')), ContentsExistsError);
  assert.equal(puts(fake).length, 0);
  assert.equal(fake.text('alice/x.txt'), 'theirs');
});

test('overwrite renames the old file aside, the new one into place, then deletes the old one', async () => {
  const { fake, authoring } = setup();
  fake.put('alice/x.txt', 'old');
  await authoring.upload('x.txt', Buffer.from('new'), { overwrite: true });
  assert.equal(fake.text('alice/x.txt'), 'new');
  const patches = fake.calls.filter((c) => c.method === 'PATCH').map((c) => [c.path, c.body?.path]);
  assert.equal(patches.length, 3, 'temp → x (409), x → aside, temp → x');
  assert.match(String(patches[1]?.[1]), /^alice\/x\.txt\.hubnb-replaced-[0-9a-f]{8}~$/);
  assert.deepEqual(leftovers(fake), []);
});

test('when the second rename of an overwrite fails, the old file is renamed back', async () => {
  let patches = 0;
  const { fake, authoring } = setup({
    intercept: (c) =>
      c.method === 'PATCH' && ++patches === 3
        ? { status: 500, body: { message: 'disk trouble' } }
        : undefined,
  });
  fake.put('alice/x.txt', 'old');
  await assert.rejects(authoring.upload('x.txt', Buffer.from('new'), { overwrite: true }), HubResponseError);
  assert.equal(fake.text('alice/x.txt'), 'old');
  assert.deepEqual(leftovers(fake), []);
});

test('cancelling mid-upload deletes the temporary file and leaves the existing target as it was', async () => {
  const { fake, authoring } = setup();
  fake.put('alice/x.bin', 'before');
  const controller = new AbortController();
  const upload = authoring.upload('x.bin', crypto.randomBytes(5000), {
    overwrite: true,
    chunkBytes: 1000,
    signal: controller.signal,
    onProgress: (p) => {
      if (p.sent === 2000) controller.abort(new Error('user cancelled'));
    },
  });
  await assert.rejects(upload, /user cancelled/);
  assert.equal(puts(fake).length, 2, 'no chunk after the cancel');
  assert.equal(fake.text('alice/x.bin'), 'before');
  assert.deepEqual(leftovers(fake), [], 'the temporary file was deleted');
  const del = fake.calls.find((c) => c.method === 'DELETE');
  assert.match(del?.path ?? '', /\.hubnb-upload-[0-9a-f]{8}~$/);
});

test('a chunk the server refuses ends the upload with its error and removes the partial file', async () => {
  let n = 0;
  const { fake, authoring } = setup({
    intercept: (c) =>
      c.method === 'PUT' && ++n === 3 ? { status: 500, body: { message: 'Unexpected error' } } : undefined,
  });
  await assert.rejects(
    authoring.upload('x.bin', crypto.randomBytes(5000), { chunkBytes: 1000 }),
    (err: unknown) => err instanceof HubResponseError && err.status === 500,
  );
  assert.equal(fake.files.has('alice/x.bin'), false);
  assert.deepEqual(leftovers(fake), []);
});

test('a contents manager that ignores `chunk` is caught by the size it reports, before the rename', async () => {
  const { fake, authoring } = setup({ ignoreChunks: true });
  await assert.rejects(
    authoring.upload('x.bin', crypto.randomBytes(3000), { chunkBytes: 1000 }),
    (err: unknown) => err instanceof InvalidHubResponseError && /chunked uploads/.test(err.message),
  );
  assert.equal(fake.files.has('alice/x.bin'), false);
  assert.deepEqual(leftovers(fake), []);
});

test('a Permission denied on the first PUT is a permission error and nothing is left', async () => {
  const fake = new FakeJupyter({ readOnly: ['bob'] });
  fake.dirs.add('bob');
  const server = createContentsAuthoring({ transport: fake.transport(), user: 'alice', root: '' });
  await assert.rejects(server.upload('bob/x.txt', Buffer.from('x')), ContentsPermissionError);
  assert.deepEqual([...fake.files.keys()], []);
});

test('bad paths and chunk sizes are refused before anything is sent', async () => {
  const { fake, authoring } = setup();
  await assert.rejects(authoring.upload('../bob/x', Buffer.from('x')), ContentsPathError);
  await assert.rejects(authoring.upload('.hidden', Buffer.from('x')), ContentsPathError);
  await assert.rejects(authoring.upload('x', Buffer.from('x'), { chunkBytes: 0 }), RangeError);
  await assert.rejects(authoring.upload('x', Buffer.from('x'), { chunkBytes: 1024 ** 3 }), RangeError);
  const aborted = AbortSignal.abort(new Error('already'));
  await assert.rejects(authoring.upload('x', Buffer.from('x'), { signal: aborted }), /already/);
  assert.equal(fake.calls.length, 0);
});

test('a long name keeps its temporary name within 255 bytes', async () => {
  const { fake, authoring } = setup();
  const name = `${'é'.repeat(120)}.txt`; // 244 bytes
  await authoring.upload(name, Buffer.from('x'));
  const temp = puts(fake)[0]?.path.split('/').pop() ?? '';
  assert.ok(Buffer.byteLength(temp) <= 255, `${Buffer.byteLength(temp)} bytes`);
  assert.equal(fake.text(`alice/${name}`), 'x');
});

test('a folder at the target is never replaced, even with overwrite', async () => {
  const { fake, authoring } = setup();
  fake.dirs.add('alice/d');
  fake.put('alice/d/inside.txt', 'kept');
  await assert.rejects(authoring.upload('d', Buffer.from('x'), { overwrite: true }), ContentsExistsError);
  assert.equal(puts(fake).length, 0);
  assert.equal(fake.text('alice/d/inside.txt'), 'kept');
});
