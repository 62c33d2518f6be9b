// Authoring in My Notebooks over the fake vscode module, with the real core, the real hub and the real
// hub-notebooks service underneath, signed in as alice: New Notebook (from the team's template, served by the
// service), New Folder, Rename, a move into a folder (what a drop in the tree does), Duplicate and Delete, each
// checked on disk; and every write into a teammate's or a supported notebook refused with the file unchanged.
import { fake, hubnb } from '../unit/support/hubnbFixture';

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';

import { checkHubUrl, type HubUrl } from '../../src/core/auth';
import { createCatalogClient } from '../../src/core/catalog';
import { createHubTransport } from '../../src/core/hub';
import { parseNotebookHeader } from '../../src/core/notebook';
import { parseNotebook, sourceText } from '../../src/core/notebook/nbformat';
import { extensionTokenScopes } from '../../src/service/config';
import { CommandIds } from '../../src/vscode/commands/commandIds';
import { authoringCommands } from '../../src/vscode/files/authoringCommands';
import { checkpointCommands } from '../../src/vscode/files/checkpointCommands';
import { HubnbFileSystemProvider } from '../../src/vscode/files/hubnbFileSystem';
import { HubAccounts, type ServerChoice } from '../../src/vscode/hub/hubAccounts';
import { HubServers } from '../../src/vscode/hub/serverStart';
import { ServerStates } from '../../src/vscode/hub/serverStates';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { makeProvider, seed, storedSession } from '../unit/support/authFixture';
import { adminClient, clientWithToken } from './clients';
import { recordIssuedToken, traceLogger } from './support/secrets';

const PREFIX = `hnb-auth-${crypto.randomBytes(4).toString('hex')}`;
const HOME = '/home/alice';
let hub: HubHandle;
let token = '';
let tokenId = '';
let world: ReturnType<typeof build> | undefined;

before(async () => {
  hub = await useHub();
  const admin = adminClient(hub);
  const minted = await admin.createToken('alice', {
    note: `hub-notebooks authoring test ${PREFIX}`,
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
  removeLeftovers();
  const admin = adminClient(hub);
  await admin.stopServer('alice');
  await admin.revokeToken('alice', tokenId).catch(() => undefined);
});

/** Everything this file made in alice's home, its checkpoints, and what her server moved to its trash. */
function removeLeftovers(): void {
  for (const dir of [
    HOME,
    `${HOME}/.ipynb_checkpoints`,
    `${HOME}/.local/share/Trash/files`,
    `${HOME}/.local/share/Trash/info`,
  ]) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith(PREFIX)) fs.rmSync(`${dir}/${name}`, { recursive: true, force: true });
    }
  }
}

function hubUrl(): HubUrl {
  const check = checkHubUrl(`${hub.url}/`);
  if (!check.ok) throw new Error(check.reason);
  return check.url;
}

function build(serverChoice?: ServerChoice) {
  const logger = traceLogger('extension-authoring');
  fake.setSetting('hubNotebooks.hubs', [`${hub.url}/`]);
  const w = makeProvider({ deps: { createTransport: createHubTransport } });
  const clients = new HubAccounts({
    auth: w.provider,
    settings: w.settings,
    logger,
    ...(serverChoice ? { serverChoice } : {}),
  });
  const servers = new HubServers(clients, logger, new ServerStates());
  const files = new HubnbFileSystemProvider({ clients, servers, logger });
  const commands = authoringCommands({
    hubs: clients,
    files,
    logger,
  });
  const dispose = () => {
    files.dispose();
    clients.dispose();
    w.dispose();
  };
  return { files, commands, clients, servers, secrets: w.secrets, dispose };
}

function the() {
  if (!world) throw new Error('no world');
  return world;
}

const uri = (path: string) => hubnb(path, new URL(hub.url).host);
const run = (id: string, arg?: unknown) =>
  (the().commands as Record<string, (a?: unknown) => Promise<unknown>>)[id]?.(arg);
const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Answers the next input boxes with these names, in order. */
function answerNames(...names: string[]): void {
  fake.answer.inputBox = () => names.shift();
}

test("New Notebook from Template makes the team's header and a parameters cell, from the service's template", async () => {
  answerNames(`${PREFIX}-report`);
  const made = (await run(CommandIds.newNotebookFromTemplate, uri('/me'))) as vscode.Uri;
  assert.equal(made.path, `/me/${PREFIX}-report.ipynb`);
  const parsed = parseNotebook(fs.readFileSync(`${HOME}/${PREFIX}-report.ipynb`));
  assert.ok(parsed.ok, 'the file is a notebook');
  const [header, parameters] = parsed.notebook.cells;
  assert.equal(header?.cell_type, 'markdown');
  assert.match(sourceText(header), new RegExp(`^# ${PREFIX}-report\\n`));
  assert.match(sourceText(header), /## Purpose\n/);
  assert.deepEqual(parameters?.metadata?.['tags'], ['parameters']);
  assert.equal(parseNotebookHeader(parsed.notebook).title, `${PREFIX}-report`);
  assert.equal(fs.statSync(`${HOME}/${PREFIX}-report.ipynb`).uid, fs.statSync(`${HOME}/analysis.ipynb`).uid);
  assert.ok(
    fake.executedCommands.some((c) => c.id === 'vscode.openWith'),
    'the new notebook is opened',
  );
});

test('the service serves the built-in template and the names to redact', async () => {
  const transport = createHubTransport({ baseUrl: hub.url, getToken: () => token, timeoutMs: 15_000 });
  const answer = await createCatalogClient({ transport }).authoring();
  assert.equal(answer.template.source, 'default');
  assert.deepEqual(answer.redactEnvironment, ['TEAM_API_KEY']);
  assert.equal(parseNotebookHeader(answer.template.notebook as never).title, 'Notebook Name');
});

test('New Folder, New Notebook in it, Rename, a move into the folder, Duplicate, then Delete of the folder', async () => {
  answerNames(`${PREFIX}-dir`, `${PREFIX}-a`, `${PREFIX}-b.ipynb`);
  const folder = (await run(CommandIds.newFolder, uri('/me'))) as vscode.Uri;
  assert.ok(fs.statSync(`${HOME}/${PREFIX}-dir`).isDirectory());
  const made = (await run(CommandIds.newNotebook, uri('/me'))) as vscode.Uri;
  assert.ok(fs.existsSync(`${HOME}/${PREFIX}-a.ipynb`));
  const renamed = (await run(CommandIds.rename, made)) as vscode.Uri;
  assert.ok(!fs.existsSync(`${HOME}/${PREFIX}-a.ipynb`) && fs.existsSync(`${HOME}/${PREFIX}-b.ipynb`));
  const moved = uri(`${folder.path}/${PREFIX}-b.ipynb`);
  await the().files.rename(renamed, moved, { overwrite: false });
  assert.ok(fs.existsSync(`${HOME}/${PREFIX}-dir/${PREFIX}-b.ipynb`), 'moved into the folder');
  const copy = (await run(CommandIds.duplicate, moved)) as vscode.Uri;
  assert.equal(copy.path, `${folder.path}/${PREFIX}-b-Copy1.ipynb`);
  assert.deepEqual(
    parseNotebook(fs.readFileSync(`${HOME}/${PREFIX}-dir/${PREFIX}-b-Copy1.ipynb`)),
    parseNotebook(fs.readFileSync(`${HOME}/${PREFIX}-dir/${PREFIX}-b.ipynb`)),
  );
  fake.answer.message = () => undefined;
  assert.equal(await run(CommandIds.deleteEntry, folder), false, 'dismissed: nothing deleted');
  assert.ok(fs.existsSync(`${HOME}/${PREFIX}-dir`));
  fake.answer.message = (m) => (m.items.includes('Delete') ? 'Delete' : undefined);
  assert.equal(await run(CommandIds.deleteEntry, folder), true);
  assert.ok(!fs.existsSync(`${HOME}/${PREFIX}-dir`), 'the folder and its notebooks are gone');
  const asked = fake.messages.find((m) => m.items.includes('Delete'));
  assert.match(asked?.message ?? '', /Delete the folder .* and everything in it\?/);
});

test("every write into a teammate's or a supported notebook is refused, and bob's file is unchanged", async () => {
  const bobs = '/home/bob/analysis.ipynb';
  const before = sha256(bobs);
  const team = uri('/team/bob/analysis.ipynb');
  answerNames(`${PREFIX}-x`, `${PREFIX}-y`);
  fake.answer.message = () => 'Delete';
  for (const [id, arg] of [
    [CommandIds.rename, team],
    [CommandIds.deleteEntry, team],
    [CommandIds.duplicate, team],
    [CommandIds.newNotebook, team],
    [CommandIds.newFolder, uri('/team/bob')],
    [CommandIds.rename, uri('/supported/welcome/current/welcome.ipynb')],
  ] as const) {
    await assert.rejects(Promise.resolve(run(id, arg)), /read-only/, `${id} is refused`);
  }
  await assert.rejects(
    the().files.rename(uri(`/me/analysis.ipynb`), uri('/team/bob/moved.ipynb'), { overwrite: false }),
    /read-only/,
  );
  await assert.rejects(the().files.copy(uri('/me/analysis.ipynb'), team, { overwrite: true }), /read-only/);
  assert.equal(sha256(bobs), before, "bob's notebook is byte for byte what it was");
  assert.ok(!fs.readdirSync('/home/bob').some((n) => n.startsWith(PREFIX) || n === 'moved.ipynb'));
});

test('Compare with Checkpoint reads the checkpoint through its own read-only URI, and the file stays as it is', async () => {
  answerNames(`${PREFIX}-cp`);
  const made = (await run(CommandIds.newNotebook, uri('/me'))) as vscode.Uri;
  const file = `${HOME}/${PREFIX}-cp.ipynb`;
  const first = fs.readFileSync(file);
  const checkpoints = checkpointCommands({
    clients: the().clients,
    servers: the().servers,
    files: the().files,
    logger: traceLogger('checkpoints'),
  });
  await checkpoints[CommandIds.createCheckpoint](made);
  const edited = Buffer.from(
    first
      .toString('utf8')
      .replace(
        '"cells": [',
        '"cells": [{"cell_type": "markdown", "id": "n1", "metadata": {}, "source": ["edited"]},',
      ),
  );
  await the().files.writeFile(made, edited, { create: false, overwrite: true });
  const now = fs.readFileSync(file);
  assert.match(now.toString('utf8'), /edited/);
  await checkpoints[CommandIds.compareWithCheckpoint](made);
  const diff = fake.executedCommands.find((c) => c.id === 'vscode.diff');
  const left = diff?.args[0] as vscode.Uri;
  assert.match(left.query, /^checkpoint=/);
  assert.equal(diff?.args[1], made);
  const stat = await the().files.stat(left);
  assert.equal(stat.permissions, 1, 'the checkpoint is read-only');
  assert.ok(
    !Buffer.from(await the().files.readFile(left))
      .toString('utf8')
      .includes('edited'),
    'the checkpoint is the first version',
  );
  assert.ok(fs.readFileSync(file).equals(now), 'reading the checkpoint left the file byte for byte');
  await assert.rejects(the().files.writeFile(left, edited, { create: false, overwrite: true }), /read-only/);
  fake.answer.message = (m) => (m.items.includes('Restore') ? 'Restore' : undefined);
  assert.equal(await checkpoints[CommandIds.restoreCheckpoint](made), true);
  assert.ok(!fs.readFileSync(file, 'utf8').includes('edited'), 'restored');
});

test('on a named server: chosen, started only with consent, and the new notebook made through it', async () => {
  const name = `authoring${PREFIX.slice(-4)}`;
  const chosen = new Map<string, string>();
  world?.dispose();
  world = build({ get: (h) => chosen.get(h) ?? '', set: (h, n) => Promise.resolve(void chosen.set(h, n)) });
  await seed(world.secrets, [storedSession({ hubUrl: hubUrl(), user: 'alice', token })]);
  const admin = adminClient(hub);
  try {
    await the().clients.useServer(hubUrl(), name);
    assert.equal((await the().clients.account(hubUrl())).serverName, name);
    answerNames(`${PREFIX}-named`);
    fake.answer.message = () => undefined;
    await assert.rejects(
      Promise.resolve(run(CommandIds.newNotebook, uri('/me'))),
      /not running|Unavailable/i,
    );
    const asked = fake.messages.find((m) => m.items.includes('Start Server'));
    assert.match(asked?.message ?? '', new RegExp(`Your server "${name}" on .* is not running`));
    assert.ok(!(await admin.listServers('alice'))[name]?.ready, 'declined: nothing started');
    answerNames(`${PREFIX}-named`);
    fake.answer.message = (m) => (m.items.includes('Start Server') ? 'Start Server' : undefined);
    const made = (await run(CommandIds.newNotebook, uri('/me'))) as vscode.Uri;
    assert.equal(made.path, `/me/${PREFIX}-named.ipynb`);
    assert.ok(fs.existsSync(`${HOME}/${PREFIX}-named.ipynb`), 'made through the named server, in her home');
    assert.equal((await admin.listServers('alice'))[name]?.ready, true, 'the named server runs');
  } finally {
    await admin.stopServer('alice', { serverName: name }).catch(() => undefined);
  }
});
