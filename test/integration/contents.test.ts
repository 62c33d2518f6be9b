// The user's own notebooks through their single-user server's contents API, on the real hub: reading the bytes
// on disk, saving with conflict detection, checkpoints, a teammate's folder, and a stopped server.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ContentsConflictError,
  ContentsExistsError,
  ContentsPermissionError,
  createContentsClient,
} from '../../src/core/contents';
import type { ContentsApi } from '../../src/core/contents/types';
import {
  HubAuthError,
  HubClient,
  HubNotFoundError,
  ServerNotRunningError,
  createHubTransport,
} from '../../src/core/hub';
import { extensionTokenScopes } from '../../src/service/config';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { adminClient } from './clients';
import { recordIssuedToken, traceLogger } from './support/secrets';

const HOME = '/home/alice';
// Other test runs share these homes: every file this test makes starts with a prefix of its own.
const PREFIX = `h3-contents-${process.pid}-${Date.now().toString(36)}`;

let hub: HubHandle;
let token: { id: string; value: string } | undefined;
let hubClient: HubClient;
let contents: ContentsApi;
let fromServerRoot: ContentsApi;

before(async () => {
  hub = await useHub();
  // The scopes the extension's sign-in asks for, so this proves that they are enough for the contents API.
  const created = await adminClient(hub).createToken('alice', {
    note: 'hub-notebooks contents test',
    expiresInSeconds: 3600,
    scopes: extensionTokenScopes(),
  });
  recordIssuedToken(created.token);
  token = { id: created.id, value: created.token };
  const transport = createHubTransport({
    baseUrl: hub.url,
    getToken: () => token?.value,
    timeoutMs: 15_000,
    logger: traceLogger('contents'),
  });
  hubClient = new HubClient(transport);
  contents = createContentsClient({ transport, user: 'alice', root: 'alice' });
  fromServerRoot = createContentsClient({ transport, user: 'alice', root: '' });
  await hubClient.startServer('alice');
});

after(async () => {
  // jupyter_server moves deleted files to the trash (delete_to_trash), and saves leave checkpoints.
  const trash = path.join(HOME, '.local/share/Trash');
  for (const dir of [
    HOME,
    path.join(HOME, '.ipynb_checkpoints'),
    `${trash}/files`,
    `${trash}/info`,
    '/home/bob',
  ]) {
    for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      if (name.startsWith(PREFIX)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    }
  }
  if (token)
    await adminClient(hub)
      .revokeToken('alice', token.id)
      .catch(() => undefined);
});

const notebook = (marker: string): Uint8Array =>
  new TextEncoder().encode(
    `${JSON.stringify({ cells: [{ cell_type: 'markdown', id: 'm', metadata: {}, source: [marker] }], metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1)}\n`,
  );
const sha256 = (bytes: Uint8Array): string => crypto.createHash('sha256').update(bytes).digest('hex');
const onDisk = (name: string): Buffer => fs.readFileSync(path.join(HOME, name));

test('lists her home and reads a notebook byte for byte as it is on disk', async () => {
  const entries = await contents.list('');
  const names = entries.map((e) => e.name);
  for (const name of ['analysis.ipynb', 'notes.ipynb', 'team-key.ipynb'])
    assert.ok(names.includes(name), name);
  assert.ok(
    entries.every((e) => !e.name.startsWith('.')),
    'hidden entries are not listed',
  );
  const analysis = entries.find((e) => e.name === 'analysis.ipynb');
  assert.equal(analysis?.path, 'analysis.ipynb', 'paths are relative to her home');
  assert.equal(analysis?.type, 'notebook');

  const file = await contents.read('analysis.ipynb');
  assert.ok(onDisk('analysis.ipynb').equals(file.bytes), 'the bytes on disk, not a re-serialisation');
  assert.equal(file.entry.type, 'notebook');
  // jupyter_server 2.11+ hashes; 1.23 (Debian's hub) has no hashes and the client says so.
  assert.equal(file.entry.hash, hub.flavor === 'pypi' ? sha256(onDisk('analysis.ipynb')) : undefined);
  assert.deepEqual((await contents.stat('analysis.ipynb')).hash, file.entry.hash);
});

test('creates, saves, re-reads, renames and deletes a notebook and a folder', async () => {
  const name = `${PREFIX}-new.ipynb`;
  const created = await contents.write(name, notebook('first'));
  assert.equal(created.path, name);
  assert.equal(fs.statSync(path.join(HOME, name)).uid, fs.statSync(HOME).uid, 'written as alice');
  const saved = await contents.write(name, notebook('second'), {
    expected: { lastModified: created.lastModified, hash: created.hash },
  });
  const read = await contents.read(name);
  assert.ok(onDisk(name).equals(read.bytes));
  assert.deepEqual(
    JSON.parse(Buffer.from(read.bytes).toString('utf8')),
    JSON.parse(Buffer.from(notebook('second')).toString('utf8')),
  );
  assert.equal(read.entry.lastModified, saved.lastModified);
  assert.equal(
    saved.hash,
    hub.flavor === 'pypi' ? sha256(onDisk(name)) : undefined,
    'the save reports the new hash',
  );

  const renamed = `${PREFIX}-renamed.ipynb`;
  assert.equal((await contents.rename(name, renamed)).path, renamed);
  await assert.rejects(contents.stat(name), HubNotFoundError);
  await assert.rejects(contents.rename(renamed, 'analysis.ipynb'), ContentsExistsError);
  assert.ok(onDisk('analysis.ipynb').length > 0, 'the rename onto an existing file replaced nothing');

  const folder = `${PREFIX}-folder`;
  assert.equal((await contents.createDirectory(folder)).type, 'directory');
  await contents.write(`${folder}/inner.txt`, new TextEncoder().encode('inner\n'));
  assert.deepEqual(
    (await contents.list(folder)).map((e) => e.path),
    [`${folder}/inner.txt`],
  );
  assert.equal((await contents.stat(folder)).type, 'directory');

  await contents.delete(renamed);
  await contents.delete(`${folder}/inner.txt`);
  await contents.delete(folder);
  assert.ok(!fs.existsSync(path.join(HOME, renamed)));
  assert.ok(!fs.existsSync(path.join(HOME, folder)));
});

test('checkpoints: create, list, and restore an earlier version', async () => {
  const name = `${PREFIX}-cp.ipynb`;
  await contents.write(name, notebook('kept'));
  const kept = onDisk(name);
  const cp = await contents.createCheckpoint(name);
  assert.deepEqual(
    (await contents.listCheckpoints(name)).map((c) => c.id),
    [cp.id],
  );
  await contents.write(name, notebook('changed'));
  assert.ok(!onDisk(name).equals(kept));
  await contents.restoreCheckpoint(name, cp.id);
  assert.ok(onDisk(name).equals(kept), 'the checkpoint came back');
  assert.ok((await contents.read(name)).bytes.length === kept.length);
});

test('a save over a file changed elsewhere is refused and leaves the other writer’s bytes', async () => {
  const name = `${PREFIX}-conflict.ipynb`;
  await contents.write(name, notebook('base'));
  const seen = (await contents.read(name)).entry;
  const expected = { lastModified: seen.lastModified, hash: seen.hash };

  // Another writer, as root on the shared disk: same owner, new bytes, a later mtime.
  const theirs = Buffer.from(notebook('theirs'));
  fs.writeFileSync(path.join(HOME, name), theirs);
  const later = new Date(Date.parse(seen.lastModified) + 5000);
  fs.utimesSync(path.join(HOME, name), later, later);
  await assert.rejects(contents.write(name, notebook('mine'), { expected }), (err: unknown) => {
    assert.ok(err instanceof ContentsConflictError, String(err));
    assert.equal(err.current?.path, name);
    assert.notEqual(err.current?.lastModified, seen.lastModified);
    return true;
  });
  assert.ok(onDisk(name).equals(theirs), 'nothing was written');
  assert.equal(fs.statSync(path.join(HOME, name)).uid, fs.statSync(HOME).uid, 'still alice’s file');

  // Another client (a second window) saving through the server is caught the same way.
  const current = await contents.stat(name);
  await fromServerRoot.write(`alice/${name}`, notebook('second window'));
  await assert.rejects(
    contents.write(name, notebook('mine'), {
      expected: { lastModified: current.lastModified, hash: current.hash },
    }),
    ContentsConflictError,
  );

  // A save without `expected` overwrites on purpose; a file deleted meanwhile is a conflict too.
  await contents.write(name, notebook('mine'));
  assert.deepEqual(onDisk(name), Buffer.from((await contents.read(name)).bytes));
  const last = await contents.stat(name);
  fs.rmSync(path.join(HOME, name));
  await assert.rejects(
    contents.write(name, notebook('again'), {
      expected: { lastModified: last.lastModified, hash: last.hash },
    }),
    (err: unknown) => err instanceof ContentsConflictError && err.current === undefined,
  );
  assert.ok(!fs.existsSync(path.join(HOME, name)));
});

test('a file touched without a change: the hash says same on jupyter_server 2, last_modified says changed on 1.23', async () => {
  const name = `${PREFIX}-touch.ipynb`;
  await contents.write(name, notebook('same'));
  const seen = await contents.stat(name);
  const later = new Date(Date.parse(seen.lastModified) + 5000);
  fs.utimesSync(path.join(HOME, name), later, later);
  const save = contents.write(name, notebook('mine'), {
    expected: { lastModified: seen.lastModified, hash: seen.hash },
  });
  if (hub.flavor === 'pypi') {
    assert.ok(seen.hash, 'jupyter_server 2 hashes');
    await save;
    assert.match(onDisk(name).toString('utf8'), /mine/);
  } else {
    assert.equal(seen.hash, undefined);
    await assert.rejects(save, ContentsConflictError);
    assert.match(onDisk(name).toString('utf8'), /same/);
  }
});

test('writing into a teammate’s home is a permission error, not an auth error', async () => {
  const name = `${PREFIX}-intruder.ipynb`;
  for (const target of [`bob/${name}`, 'bob/analysis.ipynb']) {
    const before = fs.existsSync(`/home/${target}`) ? fs.readFileSync(`/home/${target}`) : undefined;
    await assert.rejects(fromServerRoot.write(target, notebook('alice was here')), (err: unknown) => {
      assert.ok(err instanceof ContentsPermissionError, String(err));
      assert.ok(!(err instanceof HubAuthError));
      assert.match(err.serverMessage, /^Permission denied/);
      return true;
    });
    const afterWrite = fs.existsSync(`/home/${target}`) ? fs.readFileSync(`/home/${target}`) : undefined;
    assert.deepEqual(afterWrite, before, `${target} is unchanged`);
  }
  // Reading it is allowed: the team can read each other's notebooks, and the server says it is read-only.
  const bobs = await fromServerRoot.read('bob/analysis.ipynb');
  assert.equal(bobs.entry.writable, false);
});

test('a stopped server: reading and saving are ServerNotRunningError', async () => {
  const name = `${PREFIX}-stopped.ipynb`;
  await contents.write(name, notebook('before stop'));
  await hubClient.stopServer('alice');
  await assert.rejects(contents.read(name), (err: unknown) => {
    assert.ok(err instanceof ServerNotRunningError, String(err));
    return true;
  });
  await assert.rejects(contents.write(name, notebook('after stop')), (err: unknown) => {
    assert.ok(err instanceof ServerNotRunningError, String(err));
    return true;
  });
  await assert.rejects(contents.delete(name), ServerNotRunningError);
  assert.match(onDisk(name).toString('utf8'), /before stop/);
});
