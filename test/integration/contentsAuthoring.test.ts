// Authoring on the user's own files through her server's contents API, on the real hub (both flavours): make,
// rename, move, duplicate, copy and delete; byte-exact uploads, small and chunked, cancelled and verified;
// reading a checkpoint's bytes; and every write into a teammate's folder refused with his file unchanged.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ContentsExistsError,
  ContentsPermissionError,
  createContentsAuthoring,
  createContentsClient,
} from '../../src/core/contents';
import type { ContentsApi, ContentsAuthoring, UploadProgress } from '../../src/core/contents/types';
import { HubClient, HubNotFoundError, HubResponseError, createHubTransport } from '../../src/core/hub';
import type { HubTransport } from '../../src/core/hub';
import { extensionTokenScopes } from '../../src/service/config';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { adminClient } from './clients';
import { recordIssuedToken, traceLogger } from './support/secrets';

const HOME = '/home/alice';
const BOB = '/home/bob';
// Other test runs share these homes: every file this test makes starts with a prefix of its own.
const PREFIX = `h3-authoring-${process.pid}-${Date.now().toString(36)}`;
const MiB = 1024 * 1024;

let hub: HubHandle;
let token: { id: string; value: string } | undefined;
let transport: HubTransport;
let files: ContentsApi;
let authoring: ContentsAuthoring;
let serverFiles: ContentsApi;
let serverAuthoring: ContentsAuthoring;

before(async () => {
  hub = await useHub();
  const created = await adminClient(hub).createToken('alice', {
    note: 'hub-notebooks authoring test',
    expiresInSeconds: 3600,
    scopes: extensionTokenScopes(),
  });
  recordIssuedToken(created.token);
  token = { id: created.id, value: created.token };
  transport = createHubTransport({
    baseUrl: hub.url,
    getToken: () => token?.value,
    timeoutMs: 60_000,
    logger: traceLogger('contents-authoring'),
  });
  const home = { transport, user: 'alice', root: 'alice' };
  const server = { transport, user: 'alice', root: '' };
  files = createContentsClient(home);
  authoring = createContentsAuthoring(home);
  serverFiles = createContentsClient(server);
  serverAuthoring = createContentsAuthoring(server);
  await new HubClient(transport).startServer('alice');
});

after(async () => {
  const trash = path.join(HOME, '.local/share/Trash');
  for (const dir of [HOME, path.join(HOME, '.ipynb_checkpoints'), `${trash}/files`, `${trash}/info`, BOB]) {
    for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      if (name.startsWith(PREFIX)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    }
  }
  if (token)
    await adminClient(hub)
      .revokeToken('alice', token.id)
      .catch(() => undefined);
});

const notebook = (marker: string): Buffer =>
  // Tabs and unsorted keys: jupyter_server's own layout (one space, sorted) would differ, so bytes tell.
  Buffer.from(`{\t"nbformat": 4, "nbformat_minor": 5, "metadata": {},\n\t"cells": [{"cell_type": "markdown",
\t"id": "m", "metadata": {}, "source": ["${marker}"]}]}\n`);
const sha256 = (bytes: Uint8Array): string => crypto.createHash('sha256').update(bytes).digest('hex');
const onDisk = (name: string): Buffer => fs.readFileSync(path.join(HOME, name));
const mine = (dir = HOME): string[] => fs.readdirSync(dir).filter((n) => n.startsWith(PREFIX));
const temporaries = (): string[] => mine().filter((n) => n.includes('.hubnb-'));
const trashed = (): string[] => {
  const dir = path.join(HOME, '.local/share/Trash/files');
  return fs.existsSync(dir) ? mine(dir) : [];
};

test('create, rename, move into a folder, duplicate, copy to a name, and delete files and a full folder', async () => {
  const a = `${PREFIX}-a.ipynb`;
  const dir = `${PREFIX}-dir`;
  await authoring.upload(a, notebook('a'));
  assert.equal((await files.createDirectory(dir)).type, 'directory');
  const b = `${PREFIX}-b.ipynb`;
  await files.rename(a, b);
  const moved = `${dir}/${b}`;
  assert.equal((await files.rename(b, moved)).path, moved, 'a rename into a folder moves the file');
  assert.deepEqual(mine(), [dir]);

  // The server names a duplicate; a copy to a chosen name lands exactly there (through nbformat for notebooks).
  const dup = await authoring.duplicate(moved);
  assert.equal(dup.path, `${dir}/${PREFIX}-b-Copy1.ipynb`);
  assert.equal((await authoring.duplicate(moved)).path, `${dir}/${PREFIX}-b-Copy2.ipynb`);
  const copy = `${PREFIX}-copy.ipynb`;
  assert.equal((await authoring.copy(moved, copy)).path, copy);
  assert.deepEqual(JSON.parse(onDisk(copy).toString()), JSON.parse(onDisk(moved).toString()));
  assert.ok(!onDisk(copy).equals(onDisk(moved)), 'copies of notebooks are re-serialised by jupyter_server');
  await assert.rejects(authoring.copy(moved, copy), ContentsExistsError);
  await assert.rejects(authoring.copy(moved, dir), ContentsExistsError, 'never into an existing folder');

  // Folders: 2.x copies them, 1.23 refuses.
  const dirCopy = `${PREFIX}-dir-copy`;
  if (hub.flavor === 'pypi') {
    assert.equal((await authoring.copy(dir, dirCopy)).path, dirCopy);
    assert.deepEqual(
      fs.readdirSync(path.join(HOME, dirCopy)).sort(),
      fs.readdirSync(path.join(HOME, dir)).sort(),
    );
    await authoring.deleteTree(dirCopy);
  } else {
    await assert.rejects(authoring.copy(dir, dirCopy), /Can't copy directories/);
  }

  // The single-user server turns the trash off: a delete is permanent, and a non-empty folder is refused.
  await files.createDirectory(`${dir}/sub`);
  await authoring.upload(`${dir}/sub/deep.txt`, Buffer.from('deep\n'));
  await files.createCheckpoint(moved);
  await assert.rejects(
    files.delete(dir),
    (err: unknown) => err instanceof HubResponseError && err.status === 400 && /not empty/.test(err.message),
  );
  await files.delete(copy);
  await authoring.deleteTree(dir);
  assert.deepEqual(mine(), [], 'all gone from the disk');
  assert.deepEqual(trashed(), [], 'and nothing went to a trash');
  assert.deepEqual(mine(path.join(HOME, '.ipynb_checkpoints')), []);
});

test('uploads small files and a notebook byte for byte, and replaces only when asked', async () => {
  const text = `${PREFIX}-small.txt`;
  const binary = `${PREFIX}-small.bin`;
  const nb = `${PREFIX}-upload.ipynb`;
  const bin = crypto.randomBytes(70_000);
  for (const [name, bytes] of [
    [text, Buffer.from('héllo\r\nno newline at the end')],
    [binary, bin],
    [nb, notebook('uploaded')],
  ] as const) {
    const entry = await authoring.upload(name, bytes);
    assert.equal(sha256(onDisk(name)), sha256(bytes), name);
    assert.equal(entry.hash, hub.flavor === 'pypi' ? sha256(bytes) : undefined);
    assert.equal(fs.statSync(path.join(HOME, name)).uid, fs.statSync(HOME).uid, 'written as alice');
  }
  assert.equal((await files.stat(nb)).type, 'notebook');
  await assert.rejects(authoring.upload(nb, notebook('again')), ContentsExistsError);
  assert.ok(onDisk(nb).equals(notebook('uploaded')));
  await authoring.upload(nb, notebook('replaced'), { overwrite: true });
  assert.ok(onDisk(nb).equals(notebook('replaced')));
  assert.deepEqual(temporaries(), []);
  for (const name of [text, binary, nb]) await files.delete(name);
});

test('a 30 MB upload goes in chunks, reports progress, and reads back the same', async () => {
  const name = `${PREFIX}-large.bin`;
  const bytes = crypto.randomBytes(30 * MiB);
  const progress: UploadProgress[] = [];
  const entry = await authoring.upload(name, bytes, { onProgress: (p) => progress.push(p) });
  assert.equal(entry.size, bytes.length);
  assert.equal(sha256(onDisk(name)), sha256(bytes));
  assert.deepEqual(
    progress.map((p) => p.sent),
    [0, 8, 16, 24, 30].map((m) => m * MiB),
  );
  const check = await authoring.verifyUpload(name, bytes);
  assert.deepEqual([check.same, check.by], [true, hub.flavor === 'pypi' ? 'sha256' : 'bytes']);
  assert.deepEqual(temporaries(), []);
  await files.delete(name);
});

test('a cancelled upload leaves no temporary file, no target, and an existing target as it was', async () => {
  const name = `${PREFIX}-cancelled.bin`;
  const cancelAfter = async (sent: number, overwrite: boolean): Promise<void> => {
    const controller = new AbortController();
    const upload = authoring.upload(name, crypto.randomBytes(20 * MiB), {
      chunkBytes: MiB,
      overwrite,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.sent === sent) controller.abort(new Error('cancelled by the test'));
      },
    });
    await assert.rejects(upload, /cancelled by the test/);
  };
  await cancelAfter(3 * MiB, false);
  assert.deepEqual(mine(), [], 'neither the target nor the temporary file');
  const before = Buffer.from('the version before\n');
  await authoring.upload(name, before);
  await cancelAfter(5 * MiB, true);
  assert.equal(sha256(onDisk(name)), sha256(before));
  assert.deepEqual(temporaries(), []);
  await files.delete(name);
});

test('a verified read-back tells a changed byte, a changed size, and a missing file', async () => {
  const name = `${PREFIX}-verify.ipynb`;
  const bytes = notebook('verify me');
  await authoring.upload(name, bytes);
  assert.equal((await authoring.verifyUpload(name, bytes)).same, true);
  const changed = Buffer.from(bytes);
  changed[changed.indexOf('verify')] = 'V'.charCodeAt(0);
  fs.writeFileSync(path.join(HOME, name), changed); // as root, keeping alice as the owner
  assert.equal((await authoring.verifyUpload(name, bytes)).same, false, 'same size, one byte off');
  fs.appendFileSync(path.join(HOME, name), '\n');
  assert.equal((await authoring.verifyUpload(name, bytes)).same, false);
  await files.delete(name);
  await assert.rejects(authoring.verifyUpload(name, bytes), HubNotFoundError);
});

test('checkpoints: create, list, restore, and read a checkpoint’s bytes while keeping the current ones', async () => {
  const name = `${PREFIX}-cp.ipynb`;
  const saved = notebook('checkpointed');
  const edited = notebook('edited since');
  await authoring.upload(name, saved);
  const cp = await files.createCheckpoint(name);
  assert.deepEqual(
    (await files.listCheckpoints(name)).map((c) => c.id),
    [cp.id],
  );
  await authoring.upload(name, edited, { overwrite: true });
  // The overwrite renamed the old file aside and deleted it, and its checkpoints went with it.
  assert.deepEqual(await files.listCheckpoints(name), []);
  await files.createCheckpoint(name);
  await files.write(name, notebook('third'));
  const current = onDisk(name);
  const cpFile = path.join(HOME, '.ipynb_checkpoints', `${PREFIX}-cp-checkpoint.ipynb`);

  // No GET serves a checkpoint: its hidden path is refused (allow_hidden is off) on both versions.
  const hidden = `user/alice/api/contents/alice/.ipynb_checkpoints/${PREFIX}-cp-checkpoint.ipynb?type=file&format=text`;
  assert.equal((await transport.request({ method: 'GET', path: hidden })).status, 404);
  const read = await authoring.readCheckpoint(name, cp.id);
  assert.equal(read.via, 'restore');
  assert.ok(Buffer.from(read.bytes).equals(fs.readFileSync(cpFile)), 'the checkpoint’s bytes');
  assert.ok(Buffer.from(read.bytes).equals(edited));
  assert.ok(onDisk(name).equals(current), 'the current bytes were put back');
  assert.equal(read.entry.lastModified, (await files.stat(name)).lastModified);
  assert.deepEqual(temporaries(), [], 'no stash left');

  await files.restoreCheckpoint(name, cp.id);
  assert.ok(onDisk(name).equals(edited), 'restore puts the checkpoint back');
  await files.delete(name);
  assert.ok(!fs.existsSync(cpFile), 'a delete takes the checkpoints with it');
});

test('every write into a teammate’s folder is refused and leaves his files as they were', async () => {
  const bobs = (): Record<string, string> =>
    Object.fromEntries(fs.readdirSync(BOB).map((n) => [n, sha256(fs.readFileSync(path.join(BOB, n)))]));
  const before = bobs();
  const own = `alice/${PREFIX}-own.txt`;
  await serverAuthoring.upload(own, Buffer.from('mine\n'));
  const refusals: [string, () => Promise<unknown>][] = [
    ['upload a new file', () => serverAuthoring.upload(`bob/${PREFIX}.txt`, Buffer.from('x'))],
    [
      'upload over his',
      () => serverAuthoring.upload('bob/analysis.ipynb', notebook('x'), { overwrite: true }),
    ],
    ['copy into his folder', () => serverAuthoring.copy(own, `bob/${PREFIX}.txt`)],
    ['duplicate his', () => serverAuthoring.duplicate('bob/analysis.ipynb')],
    ['rename his', () => serverFiles.rename('bob/analysis.ipynb', `bob/${PREFIX}.ipynb`)],
    ['move mine into his folder', () => serverFiles.rename(own, `bob/${PREFIX}.txt`)],
    ['delete his', () => serverFiles.delete('bob/analysis.ipynb')],
    ['delete his folder', () => serverAuthoring.deleteTree('bob')],
    ['make a folder there', () => serverFiles.createDirectory(`bob/${PREFIX}-dir`)],
    ['save over his', () => serverFiles.write('bob/notes.ipynb', notebook('x'))],
  ];
  for (const [what, op] of refusals) {
    await assert.rejects(op(), ContentsPermissionError, what);
    assert.deepEqual(bobs(), before, `${what}: his folder is unchanged`);
  }
  // Restoring a checkpoint onto his file: 1.23 says Permission denied, 2.17 an unhandled 500.
  await assert.rejects(serverFiles.restoreCheckpoint('bob/analysis.ipynb', 'checkpoint'));
  await assert.rejects(serverAuthoring.readCheckpoint('bob/analysis.ipynb', 'checkpoint'));
  assert.deepEqual(bobs(), before);

  // Moving his file out is refused too, but shutil.move copied it first: a copy is left in her home.
  const out = `alice/${PREFIX}-moved.ipynb`;
  await assert.rejects(serverFiles.rename('bob/analysis.ipynb', out), ContentsPermissionError);
  assert.deepEqual(bobs(), before);
  assert.equal(sha256(fs.readFileSync(`/home/${out}`)), before['analysis.ipynb']);
  await serverFiles.delete(out);
  await serverFiles.delete(own);
});
