// Who may read what in a teammate's home: the kernel's owner/group/other rule for files (r) and folders (r and
// x), the home path rule (path check, realpath, the `realHome + sep` prefix, symlinks in and out), and who
// counts as a teammate (hub groups, read page by page in both of the hub's list formats, cached briefly).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fakeTransport } from '../../support/fakeTransport';
import { homeOf, isSafeUsername, resolveInHome } from '../../../../src/service/team/homes';
import { canRead, type UnixIdentity } from '../../../../src/service/team/permissions';
import { TeamDirectory, listHubGroups } from '../../../../src/service/team/teammates';
import { RequestError } from '../../../../src/service/http';

const FILE = 0o100000;
const DIR = 0o040000;
const alice: UnixIdentity = { name: 'alice', uid: 1001, gid: 1002, groups: [1001, 1002] };
const file = (perm: number, uid = 2000, gid = 3000) => ({ mode: FILE | perm, uid, gid });
const dir = (perm: number, uid = 2000, gid = 3000) => ({ mode: DIR | perm, uid, gid });

describe('canRead', () => {
  test('files need the r bit of the one class that applies', () => {
    assert.equal(canRead(file(0o400, 1001), alice), true, 'owner r');
    assert.equal(canRead(file(0o040, 2000, 1001), alice), true, 'supplementary group r');
    assert.equal(canRead(file(0o040, 2000, 1002), alice), true, 'primary group r');
    assert.equal(canRead(file(0o004), alice), true, 'other r');
    assert.equal(canRead(file(0o640, 2000, 1001), alice), true, 'the seed notebooks: 640 bob:team');
    assert.equal(canRead(file(0o600, 2000, 1001), alice), false, '600 of someone else');
    assert.equal(canRead(file(0o000, 1001), alice), false, 'mode 000');
  });

  test('owner bits apply when the uid matches, even if group or other bits would allow more', () => {
    assert.equal(canRead(file(0o044, 1001, 1001), alice), false);
    assert.equal(canRead(dir(0o055, 1001, 1001), alice), false);
  });

  test('group bits apply when a group matches, even if other bits would allow more', () => {
    assert.equal(canRead(file(0o604, 2000, 1001), alice), false);
    assert.equal(canRead(dir(0o705, 2000, 1002), alice), false);
  });

  test('folders need both r and x', () => {
    assert.equal(canRead(dir(0o755), alice), true);
    assert.equal(canRead(dir(0o2750, 2000, 1001), alice), true, 'the seed homes: 2750 bob:team');
    assert.equal(canRead(dir(0o704), alice), false, 'r without x');
    assert.equal(canRead(dir(0o701), alice), false, 'x without r');
    assert.equal(canRead(dir(0o700, 2000, 1001), alice), false, '700 of a teammate');
  });

  test('root is not special: a viewer with uid 0 gets the owner bits of uid 0 only', () => {
    const root: UnixIdentity = { name: 'root', uid: 0, gid: 0, groups: [0] };
    assert.equal(canRead(file(0o600), root), false);
    assert.equal(canRead(file(0o400, 0), root), true);
  });

  test('anything but a regular file or a folder is unreadable', () => {
    assert.equal(canRead({ mode: 0o120777, uid: 1001, gid: 1001 }, alice), false, 'symlink');
    assert.equal(canRead({ mode: 0o140777, uid: 1001, gid: 1001 }, alice), false, 'socket');
    assert.equal(canRead({ mode: 0o010777, uid: 1001, gid: 1001 }, alice), false, 'fifo');
  });

  test('agrees with real stats after chmod and chown', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'team-perm-'));
    try {
      const f = path.join(tmp, 'x.ipynb');
      fs.writeFileSync(f, '{}');
      fs.chownSync(f, 2000, 1001);
      fs.chmodSync(f, 0o640);
      assert.equal(canRead(fs.statSync(f), alice), true);
      fs.chmodSync(f, 0o600);
      assert.equal(canRead(fs.statSync(f), alice), false);
      fs.chmodSync(tmp, 0o711);
      assert.equal(canRead(fs.statSync(tmp), alice), false);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('homes', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'team-homes-'));
  const bob = path.join(root, 'bob');
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(bob, 'sub'), { recursive: true });
  fs.mkdirSync(path.join(bob, '.hidden'));
  fs.mkdirSync(path.join(root, 'bobby'));
  fs.writeFileSync(path.join(bob, 'sub', 'a.ipynb'), '{}');
  fs.writeFileSync(path.join(root, 'bobby', 'secret.ipynb'), 'SECRET');
  fs.symlinkSync(path.join(root, 'bobby'), path.join(bob, 'to-bobby'));
  fs.symlinkSync('/etc', path.join(bob, 'to-etc'));
  fs.symlinkSync('sub', path.join(bob, 'inside'));
  fs.symlinkSync('.hidden', path.join(bob, 'to-hidden'));
  fs.symlinkSync('loop', path.join(bob, 'loop'));

  const refused = async (input: string, status: number, code: string): Promise<void> => {
    await assert.rejects(resolveInHome(bob, input, 'bob'), (err: unknown) => {
      assert.ok(err instanceof RequestError, String(err));
      assert.equal(err.status, status, `${input}: ${err.message}`);
      assert.equal(err.code, code);
      assert.match(err.message, /^[A-Z`].*\.$/, 'a sentence');
      return true;
    });
  };

  test('a home comes from the template; unsafe names have none', () => {
    assert.equal(homeOf('/home/{username}', 'bob'), '/home/bob');
    assert.equal(homeOf('/srv/{username}/work', 'a.b@c'), '/srv/a.b@c/work');
    for (const bad of ['', '.', '..', '../bob', 'bob/x', '.bob', '-x', 'a\u0000b', 'a b', 'x'.repeat(65)]) {
      assert.equal(homeOf('/home/{username}', bad), undefined, JSON.stringify(bad));
      assert.equal(isSafeUsername(bad), false);
    }
  });

  test('paths inside resolve, symlinks inside included', async () => {
    assert.deepEqual(await resolveInHome(bob, '', 'bob'), {
      realHome: fs.realpathSync(bob),
      real: fs.realpathSync(bob),
      relPath: '',
      segments: [],
    });
    assert.equal((await resolveInHome(bob, 'inside/a.ipynb', 'bob')).relPath, 'sub/a.ipynb');
  });

  test('the path rule comes first', async () => {
    await refused('../bobby/secret.ipynb', 400, 'invalid_path');
    await refused('/etc/passwd', 400, 'invalid_path');
    await refused('.hidden', 400, 'invalid_path');
  });

  test('symlinks out of the home, to the prefix sibling, into hidden names or in loops are refused', async () => {
    await refused('to-bobby/secret.ipynb', 400, 'invalid_path');
    await refused('to-etc/passwd', 400, 'invalid_path');
    await refused('to-hidden', 400, 'invalid_path');
    await refused('loop', 400, 'invalid_path');
  });

  test('missing things are 404', async () => {
    await refused('nope.ipynb', 404, 'not_found');
    await assert.rejects(resolveInHome(path.join(root, 'nobody'), '', 'nobody'), /no home folder/);
  });
});

describe('teammates', () => {
  /** A transport answering GET hub/api/groups from `pages` by offset, recording each request path. */
  function groupsHub(answer: (offset: number) => unknown) {
    const paths: string[] = [];
    const transport = fakeTransport({ baseUrl: 'http://hub.invalid/' }, (call) => {
      paths.push(call.path);
      const offset = Number(new URL(call.path, 'http://hub.invalid/').searchParams.get('offset'));
      return { status: 200, body: answer(offset) };
    });
    return { transport, paths };
  }
  const g = (name: string, ...users: string[]) => ({ name, users });

  test('plain lists are read page by page until an empty one, whatever limit the hub applied', async () => {
    const all = [g('a', 'x'), g('b', 'y'), g('c', 'z')];
    const hub = groupsHub((offset) => all.slice(offset, offset + 2)); // the hub caps pages at 2
    assert.deepEqual(await listHubGroups(hub.transport), all);
    assert.deepEqual(hub.paths, [
      'hub/api/groups?offset=0&limit=200',
      'hub/api/groups?offset=2&limit=200',
      'hub/api/groups?offset=3&limit=200',
    ]);
  });

  test('the paginated form (5.x) is accepted, and its `next: null` ends the walk', async () => {
    const hub = groupsHub((offset) =>
      offset === 0
        ? { items: [g('a', 'x')], _pagination: { offset: 0, limit: 1, total: 2, next: { offset: 1 } } }
        : { items: [g('b')], _pagination: { offset: 1, limit: 1, total: 2, next: null } },
    );
    assert.deepEqual(await listHubGroups(hub.transport), [g('a', 'x'), g('b')]);
    assert.equal(hub.paths.length, 2);
  });

  test('teammates: members of the groups the caller is in, only team groups when set, never the caller', async () => {
    const groups = [g('team', 'alice', 'bob', 'carol'), g('lab', 'alice', 'zed'), g('other', 'bob', 'dave')];
    const hub = groupsHub((offset) => (offset === 0 ? groups : []));
    assert.deepEqual(await new TeamDirectory(hub.transport, undefined, 0).teammatesOf('alice'), [
      'bob',
      'carol',
      'zed',
    ]);
    assert.deepEqual(await new TeamDirectory(hub.transport, ['team'], 0).teammatesOf('alice'), [
      'bob',
      'carol',
    ]);
    assert.deepEqual(await new TeamDirectory(hub.transport, undefined, 0).teammatesOf('dave'), ['bob']);
    assert.deepEqual(await new TeamDirectory(hub.transport, ['team'], 0).teammatesOf('dave'), []);
  });

  test('the group list is cached for a while; a failure is not cached', async () => {
    let now = 0;
    let fail = true;
    const hub = groupsHub((offset) => {
      if (fail) throw new Error('hub down');
      return offset === 0 ? [g('team', 'alice', 'bob')] : [];
    });
    const directory = new TeamDirectory(hub.transport, undefined, 10_000, () => now);
    await assert.rejects(directory.teammatesOf('alice'), /hub down/);
    fail = false;
    assert.deepEqual(await directory.teammatesOf('alice'), ['bob']);
    const asked = hub.paths.length;
    now += 5000;
    assert.deepEqual(await directory.teammatesOf('bob'), ['alice']);
    assert.equal(hub.paths.length, asked, 'served from the cache');
    now += 6000;
    await directory.teammatesOf('alice');
    assert.ok(hub.paths.length > asked, 'asked again after 10 s');
  });
});
