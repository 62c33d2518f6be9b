// The hubnb file system provider through the real vscode.workspace.fs (run by hub.host.js once signed in as
// alice): a teammate's notebook and a supported notebook are read-only in stat and refuse writes, and the
// refused write leaves the hub's file as it was; alice's own new notebook is written to her home and deleted.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

/**
 * Where the hub's homes are on this machine (e.g. /home), when the extension host runs next to the hub as a
 * user who may read them; the on-disk checks are skipped without it (desktop VS Code on another machine).
 */
const HOMES_ENV = 'HUB_NOTEBOOKS_E2E_HOMES';

exports.run = async function run({ authority }) {
  const uri = (p) => vscode.Uri.from({ scheme: 'hubnb', authority, path: p });
  const homes = process.env[HOMES_ENV];
  await refusesWrites(uri('/team/bob/analysis.ipynb'), homes && path.join(homes, 'bob', 'analysis.ipynb'));
  await refusesWrites(uri('/supported/churn-check/current.ipynb'), undefined);
  await writesOwn(uri, homes);
  console.log("hubFiles.host: teammate's and supported notebooks are read-only, alice's own is writable");
};

async function refusesWrites(target, onDisk) {
  const stat = await vscode.workspace.fs.stat(target);
  assert.equal(stat.type, vscode.FileType.File, `${target.path} is a file`);
  assert.equal(
    (stat.permissions ?? 0) & vscode.FilePermission.Readonly,
    vscode.FilePermission.Readonly,
    `${target.path} is reported read-only`,
  );
  const before = await vscode.workspace.fs.readFile(target);
  const diskBefore = onDisk ? fs.readFileSync(onDisk) : undefined;
  const changed = Buffer.concat([Buffer.from(before), Buffer.from('\n')]);
  await assert.rejects(
    Promise.resolve(vscode.workspace.fs.writeFile(target, changed)),
    (err) => {
      assert.ok(err instanceof vscode.FileSystemError, `a FileSystemError, not ${String(err)}`);
      assert.equal(err.code, 'NoPermissions', `${target.path}: ${err.message}`);
      return true;
    },
    `writing ${target.path} is refused`,
  );
  const after = await vscode.workspace.fs.readFile(target);
  assert.ok(
    Buffer.from(after).equals(Buffer.from(before)),
    `${target.path} reads the same after the refusal`,
  );
  if (onDisk) assert.ok(fs.readFileSync(onDisk).equals(diskBefore), `${onDisk} is unchanged on disk`);
  console.log(`hubFiles.host: ${target.path} is read-only (stat and write refused, unchanged)`);
}

async function writesOwn(uri, homes) {
  const name = `hubnb-e2e-host-own-${crypto.randomUUID()}.ipynb`;
  const own = uri(`/me/${name}`);
  const bytes = Buffer.from(JSON.stringify(emptyNotebook(name), null, 1));
  await vscode.workspace.fs.writeFile(own, bytes);
  try {
    const stat = await vscode.workspace.fs.stat(own);
    assert.equal((stat.permissions ?? 0) & vscode.FilePermission.Readonly, 0, 'an own notebook is writable');
    const read = await vscode.workspace.fs.readFile(own);
    assert.equal(JSON.parse(Buffer.from(read).toString('utf8')).metadata.e2e, name, 'it reads back');
    if (homes) {
      const onDisk = path.join(homes, 'alice', name);
      assert.ok(fs.existsSync(onDisk), `${onDisk} exists`);
      assert.equal(JSON.parse(fs.readFileSync(onDisk, 'utf8')).metadata.e2e, name, `${onDisk} holds it`);
    }
  } finally {
    await vscode.workspace.fs.delete(own);
  }
  await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(own)), 'the deleted notebook is gone');
  console.log(`hubFiles.host: wrote, read and deleted /me/${name}${homes ? ' (checked on disk)' : ''}`);
}

function emptyNotebook(tag) {
  return {
    cells: [],
    metadata: { e2e: tag },
    nbformat: 4,
    nbformat_minor: 5,
  };
}
