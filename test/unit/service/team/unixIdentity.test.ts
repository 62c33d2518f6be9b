// The viewer's unix account from /etc/passwd and /etc/group (injected here): uid, primary and supplementary
// gids, the short cache, the NSS fallback, and a hub user without an account seeing nothing (logged once).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger, type Logger } from '../../../../src/core/logger';
import { UnixIdentities, parseGroup, parsePasswd } from '../../../../src/service/team/unixIdentity';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  '# a comment',
  'alice:x:1001:1002::/home/alice:/bin/bash',
  'bob:x:1002:1003::/home/bob:/bin/bash',
  'broken:x:notanumber:1:::',
  '+nisuser::::::',
  '',
].join('\n');
const GROUP = [
  'root:x:0:',
  'team:x:1001:alice,bob',
  'alice:x:1002:',
  'bob:x:1003:',
  'audio:x:29:alice',
  'weird:x:',
].join('\n');

function files(passwd = PASSWD, group = GROUP) {
  const reads: string[] = [];
  const content = { '/p': passwd, '/g': group } as Record<string, string>;
  return {
    reads,
    content,
    readText: (p: string) => {
      reads.push(p);
      return Promise.resolve(content[p] ?? '');
    },
  };
}

function recordingLog(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentLogger, warn: (m) => warnings.push(m), warnings };
}

test('parsers skip comments, NIS lines and malformed lines', () => {
  const users = parsePasswd(PASSWD);
  assert.deepEqual([...users.keys()], ['root', 'alice', 'bob']);
  assert.deepEqual(users.get('alice'), { uid: 1001, gid: 1002 });
  const groups = parseGroup(GROUP);
  assert.deepEqual(
    groups.find((g) => g.name === 'team'),
    { name: 'team', gid: 1001, members: ['alice', 'bob'] },
  );
  assert.equal(
    groups.find((g) => g.name === 'weird'),
    undefined,
  );
});

test('uid, primary gid and every supplementary gid', async () => {
  const f = files();
  const ids = new UnixIdentities(silentLogger, {
    passwdPath: '/p',
    groupPath: '/g',
    readText: f.readText,
    fallback: null,
  });
  assert.deepEqual(await ids.lookup('alice'), {
    name: 'alice',
    uid: 1001,
    gid: 1002,
    groups: [29, 1001, 1002],
  });
  assert.deepEqual(await ids.lookup('bob'), { name: 'bob', uid: 1002, gid: 1003, groups: [1001, 1003] });
  assert.deepEqual(await ids.lookup('root'), { name: 'root', uid: 0, gid: 0, groups: [0] });
});

test('a hub user without a unix account gets nothing, and it is logged once', async () => {
  const log = recordingLog();
  const ids = new UnixIdentities(log, {
    passwdPath: '/p',
    groupPath: '/g',
    readText: files().readText,
    fallback: null,
  });
  assert.equal(await ids.lookup('zoe'), undefined);
  assert.equal(await ids.lookup('zoe'), undefined);
  assert.equal(await ids.lookup('../alice'), undefined, 'an unsafe name is never looked up');
  assert.equal(log.warnings.filter((w) => w.includes('"zoe"')).length, 1);
  assert.match(log.warnings[0] ?? '', /no unix account/);
});

test('the files are read once per TTL, then again', async () => {
  let now = 1000;
  const f = files();
  const ids = new UnixIdentities(silentLogger, {
    passwdPath: '/p',
    groupPath: '/g',
    readText: f.readText,
    fallback: null,
    ttlMs: 30_000,
    now: () => now,
  });
  await Promise.all([ids.lookup('alice'), ids.lookup('bob')]);
  await ids.lookup('alice');
  assert.equal(f.reads.length, 2, 'passwd and group, once');
  f.content['/g'] = GROUP.replace('team:x:1001:alice,bob', 'team:x:1001:bob');
  now += 10_000;
  assert.deepEqual((await ids.lookup('alice'))?.groups, [29, 1001, 1002], 'still cached');
  now += 30_000;
  assert.deepEqual((await ids.lookup('alice'))?.groups, [29, 1002], 're-read after the TTL');
  assert.equal(f.reads.length, 4);
});

test('names the files do not know go to the NSS fallback, whose answers are cached too', async () => {
  const asked: string[] = [];
  const ids = new UnixIdentities(silentLogger, {
    passwdPath: '/p',
    groupPath: '/g',
    readText: files().readText,
    fallback: (name) => {
      asked.push(name);
      return Promise.resolve(
        name === 'ldapuser' ? { name, uid: 5000, gid: 5000, groups: [5000, 1001] } : undefined,
      );
    },
  });
  assert.equal((await ids.lookup('ldapuser'))?.uid, 5000);
  assert.equal((await ids.lookup('ldapuser'))?.uid, 5000);
  assert.equal(await ids.lookup('ghost'), undefined);
  assert.equal((await ids.lookup('alice'))?.uid, 1001);
  assert.deepEqual(asked, ['ldapuser', 'ghost']);
});

test('the real account files of this machine: root is uid 0', async () => {
  const ids = new UnixIdentities(silentLogger, { fallback: null });
  const root = await ids.lookup('root');
  assert.equal(root?.uid, 0);
  assert.ok(root?.groups.includes(0));
});
