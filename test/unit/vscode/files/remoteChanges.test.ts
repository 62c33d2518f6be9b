// Remote changes: open hubnb documents that changed on the hub since the provider last read them are reported
// (on focus and on an explicit check), each change once, and never written over.
import { bytes, fake, hubnb, makeFileSystem, text, until } from '../../support/hubnbFixture';

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import type { SeenVersion } from '../../../../src/vscode/files/hubnbFileSystem';
import { RemoteChangeWatcher, sameVersion } from '../../../../src/vscode/files/remoteChanges';
import { Uri } from '../../../support/fakeVscode';
import { recordingLogger } from '../../support/authFixture';

beforeEach(() => {
  fake.reset();
  fake.files.reset();
});

const open = (uri: vscode.Uri, kind: 'notebook' | 'text' = 'notebook') =>
  (kind === 'notebook' ? fake.files.notebookDocuments : fake.files.textDocuments).push({
    uri: uri as never,
  });

/** A scripted RemoteVersions: what was last seen and what the hub says now, per URI. */
function scripted() {
  const seen = new Map<string, SeenVersion>();
  const remote = new Map<string, SeenVersion>();
  const notified: string[][] = [];
  const asked: string[] = [];
  const files = {
    lastSeen: (uri: vscode.Uri) => seen.get(uri.toString()),
    remoteVersion: (uri: vscode.Uri) => {
      asked.push(uri.toString());
      return Promise.resolve(remote.get(uri.toString()));
    },
    notifyChanged: (uris: readonly vscode.Uri[]) => void notified.push(uris.map((u) => u.toString())),
  };
  return { seen, remote, notified, asked, files };
}

const v = (lastModified: string, hash?: string): SeenVersion => ({ lastModified, hash });

test('checkNow reports the open hubnb documents whose version on the hub differs, once per change', async () => {
  const s = scripted();
  const same = hubnb('/me/same.ipynb');
  const changed = hubnb('/me/changed.ipynb');
  const rehashed = hubnb('/team/bob/rehashed.ipynb');
  const neverRead = hubnb('/me/never-read.ipynb');
  open(same);
  open(changed);
  open(rehashed, 'text');
  open(neverRead);
  open(hubnb('/me/changed.ipynb').with({ query: 'version=hub' }));
  fake.files.textDocuments.push({ uri: Uri.parse('file:///tmp/x.py') });
  s.seen.set(same.toString(), v('2026-01-01T00:00:00Z', 'a'));
  s.remote.set(same.toString(), v('2026-01-01T00:00:00.000Z', 'a'));
  s.seen.set(changed.toString(), v('2026-01-01T00:00:00Z'));
  s.remote.set(changed.toString(), v('2026-01-02T00:00:00Z'));
  s.seen.set(rehashed.toString(), v('2026-01-01T00:00:00Z', 'a'));
  s.remote.set(rehashed.toString(), v('2026-01-01T00:00:00Z', 'b'));
  const watcher = new RemoteChangeWatcher(s.files, recordingLogger().logger);
  try {
    const found = await watcher.checkNow();
    assert.deepEqual(found.map(String).sort(), [changed.toString(), rehashed.toString()].sort());
    assert.deepEqual(
      s.notified.map((batch) => batch.sort()),
      [[changed.toString(), rehashed.toString()].sort()],
    );
    assert.ok(!s.asked.includes(neverRead.toString()), 'a document never read here is not checked');
    assert.ok(
      s.asked.every((u) => u.startsWith('hubnb:') && !u.includes('?')),
      'only plain hubnb documents',
    );

    // The same remote versions again (documents still dirty): nothing new to report.
    assert.deepEqual(await watcher.checkNow(), []);
    assert.equal(s.notified.length, 1);

    // Another change to one of them is reported again.
    s.remote.set(changed.toString(), v('2026-01-03T00:00:00Z'));
    assert.deepEqual((await watcher.checkNow()).map(String), [changed.toString()]);
  } finally {
    watcher.dispose();
  }
});

test('regaining window focus triggers a check; losing it does not', async () => {
  const s = scripted();
  const uri = hubnb('/me/a.ipynb');
  open(uri);
  s.seen.set(uri.toString(), v('2026-01-01T00:00:00Z'));
  s.remote.set(uri.toString(), v('2026-01-02T00:00:00Z'));
  const watcher = new RemoteChangeWatcher(s.files, recordingLogger().logger);
  try {
    fake.files.setFocused(false);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(s.asked, []);
    fake.files.setFocused(true);
    await until(() => s.notified.length > 0);
    assert.deepEqual(s.notified, [[uri.toString()]]);
  } finally {
    watcher.dispose();
  }
  s.asked.length = 0;
  fake.files.setFocused(true);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(s.asked, [], 'a disposed watcher no longer listens');
});

test('sameVersion compares instants and, where both have one, hashes', () => {
  assert.ok(sameVersion(v('2026-01-01T00:00:00Z'), v('2026-01-01T00:00:00.000000Z')));
  assert.ok(sameVersion(v('2026-01-01T00:00:00Z', 'a'), v('2026-01-01T00:00:00Z')));
  assert.ok(!sameVersion(v('2026-01-01T00:00:00Z', 'a'), v('2026-01-01T00:00:00Z', 'b')));
  assert.ok(!sameVersion(v('2026-01-01T00:00:00Z'), v('2026-01-01T00:00:01Z')));
  assert.ok(!sameVersion(v('garbage'), v('other garbage')));
});

test('with the real provider: a file saved elsewhere is reported Changed and never overwritten by the check', async () => {
  const fs = makeFileSystem();
  const uri = hubnb('/me/analysis.ipynb');
  const team = hubnb('/team/bob/analysis.ipynb');
  await fs.provider.readFile(uri);
  await fs.provider.readFile(team);
  open(uri);
  open(team);
  const log = recordingLogger();
  const watcher = new RemoteChangeWatcher(fs.provider, log.logger);
  try {
    assert.deepEqual(await watcher.checkNow(), []);
    fs.contents.changeElsewhere('analysis.ipynb', '{"saved elsewhere":1}');
    assert.deepEqual((await watcher.checkNow()).map(String), [uri.toString()]);
    await until(() => fs.events.length > 0);
    assert.deepEqual(fs.events, [[{ type: 1, uri: uri.toString() }]]);
    assert.ok(
      log.lines.some((l) => l.includes('changed on the hub since last read') && l.includes(uri.toString())),
    );
    assert.equal(fs.contents.writes.length, 0, 'the check wrote nothing');
    // A clean document reloads: after the re-read, the file is no longer reported.
    assert.equal(text(await fs.provider.readFile(uri)), '{"saved elsewhere":1}');
    assert.deepEqual(await watcher.checkNow(), []);
  } finally {
    watcher.dispose();
  }
});

test('with the real provider: a stopped server or a signed-out hub is skipped quietly, without prompts', async () => {
  const fs = makeFileSystem();
  const uri = hubnb('/me/analysis.ipynb');
  await fs.provider.readFile(uri);
  fs.contents.stopped = true;
  open(uri);
  open(hubnb('/me/x.ipynb', 'signed-out.example'));
  const watcher = new RemoteChangeWatcher(fs.provider, recordingLogger().logger);
  try {
    assert.deepEqual(await watcher.checkNow(), []);
    assert.equal(fake.messages.length, 0);
    assert.deepEqual(fs.hub.calls, []);
    assert.equal(fs.signInPrompts.length, 0);
    // The unsaved edits of a dirty document are the editor's; the save path still checks the version.
    fs.contents.stopped = false;
    fs.contents.changeElsewhere('analysis.ipynb', '{"theirs":1}');
    await assert.rejects(fs.provider.writeFile(uri, bytes('{"mine":2}'), { create: true, overwrite: true }));
    assert.equal(text((await fs.contents.read('analysis.ipynb')).bytes), '{"theirs":1}');
  } finally {
    watcher.dispose();
  }
});
