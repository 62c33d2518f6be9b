// The hubnb file system provider over the fake vscode module, with the real core, the real hub and the real
// hub-notebooks service underneath, signed in as alice with the extension's token scopes: her own notebooks
// through her server, bob's through the catalog (read-only: an edit cannot be saved), a supported notebook
// carol published, a save conflict with a file changed on disk, and a stopped server that starts only with
// consent. Fixture files carry a random suffix and are removed at the end.
import { fake, hubnb } from '../unit/support/hubnbFixture';

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, beforeEach, test } from 'node:test';

import { checkHubUrl, type HubUrl } from '../../src/core/auth';
import { CATALOG_ROUTES, IPYNB_MEDIA_TYPE } from '../../src/core/catalog/schemas';
import { createHubTransport, type HubClient } from '../../src/core/hub';
import { extensionTokenScopes } from '../../src/service/config';
import { HubAccounts } from '../../src/vscode/hub/hubAccounts';
import { HubnbFileSystemProvider } from '../../src/vscode/files/hubnbFileSystem';
import { RemoteChangeWatcher } from '../../src/vscode/files/remoteChanges';
import { HubServers } from '../../src/vscode/hub/serverStart';
import { ServerStates } from '../../src/vscode/hub/serverStates';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { makeProvider, seed, storedSession, until } from '../unit/support/authFixture';
import { adminClient, clientWithToken } from './clients';
import { recordIssuedToken, traceLogger } from './support/secrets';

const run = crypto.randomBytes(4).toString('hex');
const SERVICE = 'services/hub-notebooks/';
const EXTENSION_SCOPES = extensionTokenScopes();

let hub: HubHandle;
let authority: string;
const tokens = { alice: '', carol: '' };
const minted: { user: string; id: string }[] = [];
const created: string[] = [];
let world: ReturnType<typeof build> | undefined;

before(async () => {
  hub = await useHub();
  authority = new URL(hub.url).host;
  const admin = adminClient(hub);
  for (const user of ['alice', 'carol'] as const) {
    const token = await admin.createToken(user, {
      note: `hub-notebooks file system test ${run}`,
      expiresInSeconds: 3600,
      scopes: EXTENSION_SCOPES,
    });
    recordIssuedToken(token.token);
    minted.push({ user, id: token.id });
    tokens[user] = token.token;
  }
  await aliceHub().startServer('alice');
});

beforeEach(async () => {
  world?.dispose();
  fake.reset();
  world = build();
  await seed(world.secrets, [storedSession({ hubUrl: hubUrl(), user: 'alice', token: tokens.alice })]);
});

after(async () => {
  world?.dispose();
  for (const file of created) fs.rmSync(file, { force: true });
  // Saves through her server leave jupyter_server checkpoints behind, named after the file.
  const checkpoints = '/home/alice/.ipynb_checkpoints';
  for (const name of fs.existsSync(checkpoints) ? fs.readdirSync(checkpoints) : [])
    if (name.startsWith(`hnb-fs-${run}-`)) fs.rmSync(`${checkpoints}/${name}`, { force: true });
  const admin = adminClient(hub);
  // Leave the hub as the next file expects it: alice's server stopped (this file starts it).
  await admin.stopServer('alice');
  for (const { user, id } of minted) await admin.revokeToken(user, id).catch(() => undefined);
});

function hubUrl(): HubUrl {
  const check = checkHubUrl(`${hub.url}/`);
  if (!check.ok) throw new Error(check.reason);
  return check.url;
}

function aliceHub(): HubClient {
  return clientWithToken(hub, tokens.alice);
}

/** The extension's pieces as activate() wires them, over a signed-in session in the fake secret storage. */
function build() {
  const logger = traceLogger('extension-fs');
  fake.setSetting('hubNotebooks.hubs', [`${hub.url}/`]);
  const w = makeProvider({ deps: { createTransport: createHubTransport } });
  const clients = new HubAccounts({ auth: w.provider, settings: w.settings, logger });
  const servers = new HubServers(clients, logger, new ServerStates());
  const provider = new HubnbFileSystemProvider({ clients, servers, logger });
  const dispose = () => {
    provider.dispose();
    clients.dispose();
    w.dispose();
  };
  return { provider, clients, secrets: w.secrets, dispose };
}

function provider(): HubnbFileSystemProvider {
  if (!world) throw new Error('no world');
  return world.provider;
}

const uri = (path: string) => hubnb(path, authority);
const json = (data: Uint8Array | Buffer): unknown => JSON.parse(Buffer.from(data).toString('utf8'));

/** A small valid notebook whose one cell says `text`, with `source` as the list of lines nbformat writes. */
function notebook(text: string): Uint8Array {
  const nb = {
    cells: [{ cell_type: 'markdown', id: 'c1', metadata: {}, source: [text] }],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
  return Buffer.from(`${JSON.stringify(nb, null, 1)}\n`);
}

/** Creates a notebook in alice's home as root, owned and moded like the seeded ones. */
function aliceFile(name: string, text: string): string {
  const file = `/home/alice/${name}`;
  const owner = fs.statSync('/home/alice/analysis.ipynb');
  fs.writeFileSync(file, notebook(text));
  fs.chownSync(file, owner.uid, owner.gid);
  fs.chmodSync(file, 0o640);
  created.push(file);
  return file;
}

test("reads alice's own analysis.ipynb byte for byte, and lists her home", async () => {
  const bytes = await provider().readFile(uri('/me/analysis.ipynb'));
  assert.deepEqual(Buffer.from(bytes), fs.readFileSync('/home/alice/analysis.ipynb'));
  const names = (await provider().readDirectory(uri('/me'))).map(([name]) => name);
  assert.ok(names.includes('analysis.ipynb'));
  assert.ok(!names.some((n) => n.startsWith('.')), 'no hidden entries');
  assert.equal((await provider().stat(uri('/me/analysis.ipynb'))).permissions, undefined, 'writable');
});

test('writes a new own notebook: it is on disk in her home, owned by her, and reads back', async () => {
  const name = `hnb-fs-${run}-new.ipynb`;
  const file = `/home/alice/${name}`;
  created.push(file);
  const content = notebook(`written through hubnb ${run}`);
  await provider().writeFile(uri(`/me/${name}`), content, { create: true, overwrite: false });
  assert.deepEqual(json(fs.readFileSync(file)), json(content));
  assert.equal(fs.statSync(file).uid, fs.statSync('/home/alice/analysis.ipynb').uid);
  assert.deepEqual(json(await provider().readFile(uri(`/me/${name}`))), json(content));
  await assert.rejects(
    provider().writeFile(uri(`/me/${name}`), content, { create: true, overwrite: false }),
    (err: { code?: string }) => err.code === 'FileExists',
  );
});

test("reads bob's notebook through team/bob, and an edit of it cannot be saved", async () => {
  const target = uri('/team/bob/analysis.ipynb');
  const before = fs.readFileSync('/home/bob/analysis.ipynb');
  const mtime = fs.statSync('/home/bob/analysis.ipynb').mtimeMs;
  assert.deepEqual(Buffer.from(await provider().readFile(target)), before);
  assert.equal((await provider().stat(target)).permissions, 1, 'Readonly');
  assert.ok((await provider().readDirectory(uri('/team'))).some(([name]) => name === 'bob'));
  const edited = notebook('alice was here');
  for (const attempt of [
    provider().writeFile(target, edited, { create: true, overwrite: true }),
    provider().delete(target, { recursive: false }),
    provider().rename(target, uri(`/me/hnb-fs-${run}-stolen.ipynb`), { overwrite: false }),
  ]) {
    await assert.rejects(attempt, (err: Error & { code?: string }) => {
      assert.equal(err.code, 'NoPermissions');
      assert.match(err.message, /Save a Copy to My Notebooks/);
      return true;
    });
  }
  assert.deepEqual(fs.readFileSync('/home/bob/analysis.ipynb'), before, 'unchanged on disk');
  assert.equal(fs.statSync('/home/bob/analysis.ipynb').mtimeMs, mtime);
  assert.ok(!fs.existsSync(`/home/alice/hnb-fs-${run}-stolen.ipynb`));
});

test('reads a supported notebook carol published, current and by version; it is read-only', async () => {
  const name = `fs-test-${run}`;
  const res = await fetch(
    `${hub.url}/${SERVICE}${CATALOG_ROUTES.publish}?${new URLSearchParams({ name, version: '1.0.0' }).toString()}`,
    {
      method: 'PUT',
      headers: { Authorization: `token ${tokens.carol}`, 'Content-Type': IPYNB_MEDIA_TYPE },
      body: Buffer.from(notebook(`# Supported ${run}`)),
    },
  );
  assert.equal(res.status, 201, await res.clone().text());
  const listing = (await provider().readDirectory(uri(`/supported/${name}`))).map(([n]) => n);
  assert.deepEqual(listing.sort(), ['1.0.0', 'current']);
  const inVersion = await provider().readDirectory(uri(`/supported/${name}/1.0.0`));
  assert.deepEqual(inVersion, [[`${name}.ipynb`, 1]], 'one file (FileType.File), named after the notebook');
  assert.deepEqual(
    json(await provider().readFile(uri(`/supported/${name}/1.0.0/${name}.ipynb`))),
    json(await provider().readFile(uri(`/supported/${name}/1.0.0.ipynb`))),
    'the new shape and the earlier one read the same version',
  );
  assert.ok((await provider().readDirectory(uri('/supported'))).some(([n]) => n === name));
  const current = json(await provider().readFile(uri(`/supported/${name}/current.ipynb`))) as {
    cells: { source: string | string[] }[];
  };
  const source = current.cells.map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('');
  assert.equal(source, `# Supported ${run}`);
  assert.deepEqual(
    json(await provider().readFile(uri(`/supported/${name}/1.0.0.ipynb`))),
    json(await provider().readFile(uri(`/supported/${name}/current.ipynb`))),
  );
  assert.equal((await provider().stat(uri(`/supported/${name}/current.ipynb`))).permissions, 1);
  await assert.rejects(
    provider().writeFile(uri(`/supported/${name}/current.ipynb`), notebook('x'), {
      create: true,
      overwrite: true,
    }),
    (err: { code?: string }) => err.code === 'NoPermissions',
  );
});

/** Reads a fresh file through the provider, changes it on disk as root, and saves new content through hubnb. */
async function conflict(answer: string) {
  const name = `hnb-fs-${run}-conflict-${answer.toLowerCase()}.ipynb`;
  const file = aliceFile(name, 'original');
  const target = uri(`/me/${name}`);
  await provider().readFile(target);
  // Changed elsewhere (as by JupyterLab or a script), keeping the owner.
  fs.writeFileSync(file, notebook('changed on the hub'));
  fake.answer.message = (m) => (/was changed on the hub/.test(m.message) ? answer : undefined);
  const save = provider().writeFile(target, notebook('saved from VS Code'), {
    create: true,
    overwrite: true,
  });
  return { file, save };
}

test('a save conflict, answered Overwrite: the dialog is shown and the disk gets the saved version', async () => {
  const { file, save } = await conflict('Overwrite');
  await save;
  assert.ok(
    fake.messages.some((m) => m.modal && /was changed on the hub since you opened it/.test(m.message)),
  );
  assert.deepEqual(json(fs.readFileSync(file)), json(notebook('saved from VS Code')));
});

test('a save conflict, answered Reload: the save fails, and the disk keeps the version changed on the hub', async () => {
  const { file, save } = await conflict('Reload');
  await assert.rejects(save, /Revert the file to load the hub's version/);
  assert.ok(
    fake.messages.some((m) => m.modal && /was changed on the hub since you opened it/.test(m.message)),
  );
  assert.deepEqual(json(fs.readFileSync(file)), json(notebook('changed on the hub')));
});

test('a file changed on disk while open is noticed by the remote-change check, own and team alike', async () => {
  const name = `hnb-fs-${run}-remote.ipynb`;
  const file = aliceFile(name, 'first');
  const own = uri(`/me/${name}`);
  const team = uri('/team/bob/notes.ipynb');
  await provider().readFile(own);
  await provider().readFile(team);
  fake.files.notebookDocuments.push({ uri: own as never }, { uri: team as never });
  const watcher = new RemoteChangeWatcher(provider(), traceLogger('extension-fs'));
  const events: string[] = [];
  provider().onDidChangeFile((batch) => events.push(...batch.map((e) => e.uri.toString())));
  try {
    assert.deepEqual(await watcher.checkNow(), [], 'nothing changed yet: the read and the stat agree');
    fs.writeFileSync(file, notebook('second'));
    assert.deepEqual((await watcher.checkNow()).map(String), [own.toString()]);
    await until(() => events.length > 0);
    assert.deepEqual(events, [own.toString()], 'reported to VS Code as changed');
    assert.deepEqual(json(fs.readFileSync(file)), json(notebook('second')), 'the check wrote nothing');
  } finally {
    watcher.dispose();
    fake.files.reset();
  }
});

test('a stopped server: declined, the read is Unavailable and nothing starts; accepted, it starts and the read works', async () => {
  const alice = aliceHub();
  await alice.stopServer('alice');
  const target = uri('/me/analysis.ipynb');
  fake.answer.message = (m) => (/is not running/.test(m.message) ? 'Cancel' : undefined);
  await assert.rejects(provider().readFile(target), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'Unavailable');
    return true;
  });
  assert.equal(fake.messages.filter((m) => /is not running/.test(m.message)).length, 1);
  assert.notEqual((await alice.listServers('alice'))['']?.ready, true, 'still stopped');

  fake.answer.message = (m) => (/is not running/.test(m.message) ? 'Start Server' : undefined);
  const bytes = await provider().readFile(target);
  assert.deepEqual(Buffer.from(bytes), fs.readFileSync('/home/alice/analysis.ipynb'));
  assert.equal(fake.progress.length, 1);
  assert.ok((await alice.listServers('alice'))['']?.ready, 'running');
});
