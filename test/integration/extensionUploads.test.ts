// Uploads into My Notebooks over the fake vscode module, with the real core, hub and service, as alice: files
// reach her home byte for byte (a 20 MB one in contents-API chunks); Move to Hub deletes the local file only
// after the hub's copy reads back identical, and keeps it when the copy differs or the user says no; a
// cancelled upload leaves nothing behind; a drag in the tree moves an entry into a folder; and a drop onto the
// Team view is refused with bob's files unchanged.
import { fake, hubnb } from '../unit/support/hubnbFixture';

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';

import { checkHubUrl, type HubUrl } from '../../src/core/auth';
import type { ContentsAuthoring } from '../../src/core/contents/types';
import { createHubTransport } from '../../src/core/hub';
import { extensionTokenScopes } from '../../src/service/config';
import { HubnbFileSystemProvider } from '../../src/vscode/files/hubnbFileSystem';
import { uploadFiles, type UploadDeps } from '../../src/vscode/files/uploads';
import type { HubAccount } from '../../src/vscode/hub/hubAccess';
import { HubAccounts } from '../../src/vscode/hub/hubAccounts';
import { HubServers } from '../../src/vscode/hub/serverStart';
import { ServerStates } from '../../src/vscode/hub/serverStates';
import { HUB_ENTRIES_MIME } from '../../src/vscode/shell/relays';
import { TreeDrops } from '../../src/vscode/trees/treeDrops';
import { ViewIds, type TreeNode } from '../../src/vscode/trees/treeNodes';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { DataTransfer, DataTransferItem } from '../support/fakeVscodeLanguages';
import { Uri } from '../support/fakeVscode';
import { makeProvider, seed, storedSession } from '../unit/support/authFixture';
import { adminClient, clientWithToken } from './clients';
import { recordIssuedToken, traceLogger } from './support/secrets';

const PREFIX = `hnb-up-${crypto.randomBytes(4).toString('hex')}`;
const HOME = '/home/alice';
const LOCAL = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-notebooks-uploads-'));
let hub: HubHandle;
let token = '';
let tokenId = '';
let world: ReturnType<typeof build> | undefined;

before(async () => {
  hub = await useHub();
  const minted = await adminClient(hub).createToken('alice', {
    note: `hub-notebooks upload test ${PREFIX}`,
    expiresInSeconds: 3600,
    scopes: extensionTokenScopes(),
  });
  recordIssuedToken(minted.token);
  token = minted.token;
  tokenId = minted.id;
  await clientWithToken(hub, token).startServer('alice');
});

beforeEach(async () => {
  world?.dispose();
  fake.reset();
  world = build();
  await seed(world.secrets, [storedSession({ hubUrl: hubUrl(), user: 'alice', token })]);
});

after(async () => {
  world?.dispose();
  for (const dir of [HOME, `${HOME}/.ipynb_checkpoints`]) {
    for (const name of fs.readdirSync(dir))
      if (name.includes(PREFIX)) fs.rmSync(`${dir}/${name}`, { recursive: true, force: true });
  }
  fs.rmSync(LOCAL, { recursive: true, force: true });
  await adminClient(hub).stopServer('alice');
  await adminClient(hub)
    .revokeToken('alice', tokenId)
    .catch(() => undefined);
});

function hubUrl(): HubUrl {
  const check = checkHubUrl(`${hub.url}/`);
  if (!check.ok) throw new Error(check.reason);
  return check.url;
}

/** The extension's pieces; `tamper` runs after every upload, before anything reads it back. */
function build(tamper: (hubPath: string) => void = () => undefined) {
  const logger = traceLogger('extension-uploads');
  fake.setSetting('hubNotebooks.hubs', [`${hub.url}/`]);
  const w = makeProvider({ deps: { createTransport: createHubTransport } });
  const clients = new HubAccounts({ auth: w.provider, settings: w.settings, logger });
  const servers = new HubServers(clients, logger, new ServerStates());
  const files = new HubnbFileSystemProvider({ clients, servers, logger });
  const tampering = {
    hubForAuthority: (a: string) => clients.hubForAuthority(a),
    run: <T>(hubUrl: HubUrl, op: (account: HubAccount) => Promise<T>) =>
      clients.run(hubUrl, (account) =>
        op({ ...account, authoring: tamperingAuthoring(account.authoring, tamper) }),
      ),
  };
  const refreshed: number[] = [];
  const uploads: UploadDeps = { clients: tampering, servers, refresh: () => refreshed.push(1), logger };
  const drops = new TreeDrops({ hubs: clients, files, uploads, logger });
  const dispose = () => {
    files.dispose();
    clients.dispose();
    w.dispose();
  };
  return { files, uploads, drops, refreshed, secrets: w.secrets, dispose };
}

function tamperingAuthoring(real: ContentsAuthoring, tamper: (hubPath: string) => void): ContentsAuthoring {
  return {
    ...real,
    upload: async (p, source, options) => {
      const entry = await real.upload(p, source, options);
      tamper(p);
      return entry;
    },
  };
}

function the() {
  if (!world) throw new Error('no world');
  return world;
}

const folderUri = (p = '/me') => hubnb(p, new URL(hub.url).host);
const sha = (bytes: Buffer | Uint8Array) => crypto.createHash('sha256').update(bytes).digest('hex');
function localFile(name: string, bytes: Buffer): vscode.Uri {
  fs.writeFileSync(path.join(LOCAL, name), bytes);
  return Uri.file(path.join(LOCAL, name)) as unknown as vscode.Uri;
}

test('files reach her home byte for byte, a 20 MB one in chunks, and My Notebooks lists again', async () => {
  const small = localFile(
    `${PREFIX}-notes.ipynb`,
    Buffer.from('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'),
  );
  const big = crypto.randomBytes(20 * 1024 * 1024);
  const large = localFile(`${PREFIX}-data.bin`, big);
  const outcomes = await uploadFiles(the().uploads, [small, large], folderUri(), false);
  assert.deepEqual(outcomes, ['uploaded', 'uploaded']);
  assert.equal(sha(fs.readFileSync(`${HOME}/${PREFIX}-data.bin`)), sha(big));
  assert.equal(
    fs.readFileSync(`${HOME}/${PREFIX}-notes.ipynb`, 'utf8'),
    fs.readFileSync(small.fsPath, 'utf8'),
    'not re-serialised',
  );
  assert.equal(fs.statSync(`${HOME}/${PREFIX}-data.bin`).uid, fs.statSync(`${HOME}/analysis.ipynb`).uid);
  assert.ok(
    fake.progress.some((p) => p.cancellable),
    'a cancellable notification',
  );
  assert.equal(the().refreshed.length, 1);
  assert.ok(
    !fs.readdirSync(HOME).some((n) => n.includes(PREFIX) && n.endsWith('~')),
    'no temporary file left',
  );
});

test('Move to Hub deletes the local copy only after the hub copy reads back identical, and when asked', async () => {
  const bytes = crypto.randomBytes(300_000);
  const kept = localFile(`${PREFIX}-kept.bin`, bytes);
  fake.answer.message = () => undefined;
  assert.deepEqual(await uploadFiles(the().uploads, [kept], folderUri(), true), ['kept-local']);
  assert.ok(fs.existsSync(kept.fsPath), 'the user said no: the local file stays');
  const moved = localFile(`${PREFIX}-moved.bin`, bytes);
  fake.answer.message = (m) => (m.items.includes('Delete Local Copy') ? 'Delete Local Copy' : undefined);
  assert.deepEqual(await uploadFiles(the().uploads, [moved], folderUri(), true), ['moved']);
  assert.ok(!fs.existsSync(moved.fsPath), 'verified, and the user agreed: the local file is gone');
  assert.equal(sha(fs.readFileSync(`${HOME}/${PREFIX}-moved.bin`)), sha(bytes));
  const asked = fake.messages.find((m) => m.items.includes('Delete Local Copy'));
  assert.match(asked?.message ?? '', /reads back byte for byte/);
});

test('a hub copy that does not read back identical keeps the local file, and says so', async () => {
  world?.dispose();
  world = build((p) => fs.appendFileSync(`${HOME}/${p}`, 'x'));
  await seed(world.secrets, [storedSession({ hubUrl: hubUrl(), user: 'alice', token })]);
  const local = localFile(`${PREFIX}-tampered.bin`, crypto.randomBytes(1000));
  fake.answer.message = (m) => (m.items.includes('Delete Local Copy') ? 'Delete Local Copy' : undefined);
  assert.deepEqual(await uploadFiles(the().uploads, [local], folderUri(), true), ['kept-local']);
  assert.ok(fs.existsSync(local.fsPath));
  assert.ok(fake.messages.some((m) => m.kind === 'error' && /does not read back/.test(m.message)));
  assert.ok(!fake.messages.some((m) => m.items.includes('Delete Local Copy')), 'deleting was never offered');
});

test('a cancelled upload leaves neither the file nor a temporary one in her home', async () => {
  const local = localFile(`${PREFIX}-cancelled.bin`, crypto.randomBytes(64 * 1024 * 1024));
  const running = uploadFiles(the().uploads, [local], folderUri(), false);
  await new Promise((r) => setTimeout(r, 300));
  fake.progress.at(-1)?.cancel();
  assert.deepEqual(await running, ['cancelled']);
  assert.ok(
    !fs.readdirSync(HOME).some((n) => n.includes(`${PREFIX}-cancelled`)),
    fs.readdirSync(HOME).join(' '),
  );
});

test('a drag in My Notebooks moves the entry into the folder; a drop onto Team is refused, bob unchanged', async () => {
  fs.mkdirSync(`${HOME}/${PREFIX}-dir`);
  const owner = fs.statSync(`${HOME}/analysis.ipynb`);
  fs.chownSync(`${HOME}/${PREFIX}-dir`, owner.uid, owner.gid);
  fs.writeFileSync(
    `${HOME}/${PREFIX}-drag.ipynb`,
    '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
  );
  fs.chownSync(`${HOME}/${PREFIX}-drag.ipynb`, owner.uid, owner.gid);
  const hubNode = { hubUrl: hubUrl(), user: 'alice' };
  const entry = (p: string, type: 'directory' | 'notebook') =>
    ({
      kind: 'myEntry',
      hub: hubNode,
      entry: {
        path: p,
        name: p,
        type,
        lastModified: '',
        created: undefined,
        size: 0,
        writable: true,
        hash: undefined,
      },
    }) as TreeNode;
  const data = new DataTransfer();
  const drops = the().drops;
  drops
    .forView(ViewIds.myNotebooks)
    .handleDrag?.([entry(`${PREFIX}-drag.ipynb`, 'notebook')], data as never, undefined as never);
  assert.ok(data.get(HUB_ENTRIES_MIME), 'the drag carries the entry');
  await drops
    .forView(ViewIds.myNotebooks)
    .handleDrop?.(entry(`${PREFIX}-dir`, 'directory'), data as never, undefined as never);
  assert.ok(fs.existsSync(`${HOME}/${PREFIX}-dir/${PREFIX}-drag.ipynb`), 'moved into the folder');
  assert.ok(!fs.existsSync(`${HOME}/${PREFIX}-drag.ipynb`));
  const bobs = fs.readdirSync('/home/bob').map((n) => `${n}:${fs.statSync(`/home/bob/${n}`).mtimeMs}`);
  const onTeam = new DataTransfer();
  onTeam.set(
    HUB_ENTRIES_MIME,
    new DataTransferItem(JSON.stringify([folderUri(`/me/${PREFIX}-dir`).toString()])),
  );
  await drops.forView(ViewIds.team).handleDrop?.(undefined, onTeam as never, undefined as never);
  assert.ok(
    fake.messages.some((m) => m.kind === 'error' && /Teammates' notebooks are read-only/.test(m.message)),
  );
  assert.deepEqual(
    fs.readdirSync('/home/bob').map((n) => `${n}:${fs.statSync(`/home/bob/${n}`).mtimeMs}`),
    bobs,
  );
  assert.ok(fs.existsSync(`${HOME}/${PREFIX}-dir`), 'nothing moved');
});
