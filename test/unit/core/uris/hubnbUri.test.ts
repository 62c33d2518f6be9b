import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  HubnbUriError,
  formatHubnbPath,
  hubAuthority,
  hubUrlForAuthority,
  parseHubnbPath,
  type HubnbUriRejection,
} from '../../../../src/core/uris/hubnbUri';
import type { HubnbLocation } from '../../../../src/core/uris/types';
import { TRAVERSAL_CORPUS } from '../../../support/traversalCorpus';

/** Asserts that parsing `path` throws HubnbUriError for `reason`, with a sentence that does not echo the input. */
function refuses(path: string, reason: HubnbUriRejection, label = path): void {
  assert.throws(
    () => parseHubnbPath(path),
    (err: unknown) => {
      assert.ok(err instanceof HubnbUriError, `${label}: ${String(err)}`);
      assert.equal(err.reason, reason, `${label}: ${err.message}`);
      assert.equal(err.kind, 'invalid-uri');
      assert.match(err.message, /^[A-Z`].{15,}\.$/, `${label}: a full sentence`);
      assert.ok(!err.message.includes(path), `${label}: the message does not repeat the input`);
      return true;
    },
    label,
  );
}

const ROUND_TRIPS: [string, HubnbLocation][] = [
  ['/', { area: 'root' }],
  ['/me', { area: 'me', path: '' }],
  ['/me/analysis.ipynb', { area: 'me', path: 'analysis.ipynb' }],
  ['/me/projects/2026 Q1/report é.ipynb', { area: 'me', path: 'projects/2026 Q1/report é.ipynb' }],
  ['/team', { area: 'team-root' }],
  ['/team/bob', { area: 'team', user: 'bob', path: '' }],
  ['/team/bob/analysis.ipynb', { area: 'team', user: 'bob', path: 'analysis.ipynb' }],
  ['/team/j.doe@example.org/sub/x.ipynb', { area: 'team', user: 'j.doe@example.org', path: 'sub/x.ipynb' }],
  ['/supported', { area: 'supported-root' }],
  ['/supported/churn-report', { area: 'supported-notebook', name: 'churn-report' }],
  ['/supported/churn-report/1.2.0', { area: 'supported-version', name: 'churn-report', version: '1.2.0' }],
  [
    '/supported/churn-report/1.2.0/churn-report.ipynb',
    { area: 'supported', name: 'churn-report', version: '1.2.0' },
  ],
  [
    '/supported/churn-report/current/churn-report.ipynb',
    { area: 'supported', name: 'churn-report', version: 'current' },
  ],
  [
    '/supported/a.b_c-d/10.0.999999/a.b_c-d.ipynb',
    { area: 'supported', name: 'a.b_c-d', version: '10.0.999999' },
  ],
];

// The shape supported versions had before their file was named after the notebook: still in recent-files
// lists and saved links, so it parses to the same location (and is formatted in the new shape).
const EARLIER_SHAPE: [string, HubnbLocation][] = [
  ['/supported/churn-report/1.2.0.ipynb', { area: 'supported', name: 'churn-report', version: '1.2.0' }],
  ['/supported/churn-report/current.ipynb', { area: 'supported', name: 'churn-report', version: 'current' }],
];

test('every area round-trips between path and location', () => {
  for (const [path, location] of ROUND_TRIPS) {
    assert.deepEqual(parseHubnbPath(path), location, path);
    assert.equal(formatHubnbPath(location), path, path);
  }
  assert.deepEqual(parseHubnbPath(''), { area: 'root' }, 'an empty path is the root');
});

test('a supported version in the earlier shape (`<version>.ipynb`) names the same version', () => {
  for (const [path, location] of EARLIER_SHAPE) {
    assert.deepEqual(parseHubnbPath(path), location, path);
    const file = `${location.area === 'supported' ? location.name : ''}.ipynb`;
    assert.ok(formatHubnbPath(location).endsWith(`/${file}`), 'formatted with the notebook name as its file');
  }
});

// Why each corpus entry is refused, by label. A new corpus entry fails the test below until it is listed here.
const EXPECTED: Record<string, HubnbUriRejection> = {
  parent: 'dot-segment',
  'parent twice': 'dot-segment',
  'parent inside': 'dot-segment',
  'parent at end': 'dot-segment',
  'dot segment': 'dot-segment',
  'encoded slash': 'encoded',
  'encoded slash, upper case': 'encoded',
  'encoded dots': 'encoded',
  'encoded dots, mixed': 'encoded',
  'encoded twice': 'encoded',
  'encoded backslash': 'encoded',
  absolute: 'absolute',
  'absolute home': 'absolute',
  'double slash': 'absolute',
  'home shortcut': 'home-shortcut',
  'other user shortcut': 'home-shortcut',
  'backslash parent': 'backslash',
  backslash: 'backslash',
  NUL: 'control-character',
  newline: 'control-character',
  'empty segment': 'empty-segment',
  'trailing slash': 'empty-segment',
  'hidden file': 'hidden',
  'hidden folder': 'hidden',
  'checkpoints folder': 'hidden',
  'sibling sharing the prefix': 'dot-segment',
  'name too long': 'too-long',
  'path too long': 'too-long',
  'right-to-left override': 'unicode',
  'zero-width space': 'unicode',
  'byte order mark': 'unicode',
  'lone surrogate': 'unicode',
  'decomposed Unicode (not NFC)': 'unicode',
  'C1 control': 'control-character',
};

const CLIENT_CASES = TRAVERSAL_CORPUS.filter((c) => c.symlink === undefined);

test('the traversal corpus is refused under /me and /team/bob, each for its own reason', () => {
  assert.ok(CLIENT_CASES.length >= 30, 'the corpus has at least 30 client-side inputs');
  for (const { label, path } of CLIENT_CASES) {
    const reason = EXPECTED[label];
    assert.ok(reason, `corpus entry "${label}" has an expected reason in this test`);
    refuses(`/me/${path}`, reason, `/me: ${label}`);
    refuses(`/team/bob/${path}`, reason, `/team/bob: ${label}`);
  }
});

test('the traversal corpus is refused as a teammate, a supported name and a version', () => {
  for (const { label, path } of CLIENT_CASES) {
    for (const uri of [
      `/team/${path}`,
      `/supported/${path}/current.ipynb`,
      `/supported/report/${path}.ipynb`,
    ]) {
      assert.throws(() => parseHubnbPath(uri), HubnbUriError, `${label} in ${JSON.stringify(uri)}`);
    }
  }
});

test('teammate names, supported names and versions follow their own rules', () => {
  refuses('/team/../alice/analysis.ipynb', 'invalid-user');
  refuses('/team/.bob/analysis.ipynb', 'invalid-user');
  refuses('/team/~root', 'invalid-user');
  refuses('/team/bob%2f..', 'invalid-user');
  refuses('/team/bo b/x.ipynb', 'invalid-user');
  refuses('/supported/../1.0.0.ipynb', 'invalid-name');
  refuses('/supported/%2e%2e/current.ipynb', 'invalid-name');
  refuses('/supported/Report/1.0.0.ipynb', 'invalid-name');
  refuses(`/supported/${'a'.repeat(65)}`, 'invalid-name');
  refuses('/supported/report/1.0.ipynb', 'invalid-version');
  refuses('/supported/report/01.0.0.ipynb', 'invalid-version');
  refuses('/supported/report/latest.ipynb', 'invalid-version');
  refuses('/supported/report/..%2f.ipynb', 'invalid-version');
  refuses('/supported/report/1.0.0.py', 'invalid-version');
  refuses('/supported/report/1.0.0/other.ipynb', 'not-a-notebook');
  refuses('/supported/report/1.0.0/report.py', 'not-a-notebook');
  refuses('/supported/report/sub/report.ipynb', 'invalid-version');
  refuses('/supported/report/1.0.0/report.ipynb/x', 'too-deep');
  refuses('/supported/report/1.0.0/report.ipynb/', 'empty-segment');
  refuses('/supported/report/1.0.0.ipynb/', 'empty-segment');
  refuses('/me/', 'empty-segment');
  refuses('/etc/passwd', 'unknown-area');
  refuses('/Me/x.ipynb', 'unknown-area');
  refuses('//me/x.ipynb', 'unknown-area');
  refuses('me/x.ipynb', 'not-absolute');
});

test('formatting refuses what parsing would refuse', () => {
  const bad: [HubnbLocation, HubnbUriRejection][] = [
    [{ area: 'me', path: '../bob/x.ipynb' }, 'dot-segment'],
    [{ area: 'me', path: '/etc/passwd' }, 'absolute'],
    [{ area: 'team', user: 'bob/../alice', path: '' }, 'invalid-user'],
    [{ area: 'team', user: 'bob', path: 'a//b' }, 'empty-segment'],
    [{ area: 'supported-notebook', name: 'A' }, 'invalid-name'],
    [{ area: 'supported', name: 'report', version: '1.0.0/../x' }, 'invalid-version'],
  ];
  for (const [location, reason] of bad) {
    assert.throws(
      () => formatHubnbPath(location),
      (err: unknown) => err instanceof HubnbUriError && err.reason === reason,
      JSON.stringify(location),
    );
  }
});

test('the authority is the hub host and port in lower case, and finds the configured hub', () => {
  assert.equal(hubAuthority('https://Hub.Example.ORG/'), 'hub.example.org');
  assert.equal(hubAuthority('https://hub.example.org:443/jhub/'), 'hub.example.org');
  assert.equal(hubAuthority('http://127.0.0.1:8000/jhub/'), '127.0.0.1:8000');
  assert.equal(hubAuthority('http://[::1]:8000/'), '[::1]:8000');
  const hubs = ['not a url', 'https://hub.example.org/', 'http://127.0.0.1:8000/jhub/'];
  assert.equal(hubUrlForAuthority('HUB.example.org', hubs), 'https://hub.example.org/');
  assert.equal(hubUrlForAuthority('127.0.0.1:8000', hubs), 'http://127.0.0.1:8000/jhub/');
  assert.equal(hubUrlForAuthority('127.0.0.1:8001', hubs), undefined);
  assert.throws(
    () => hubUrlForAuthority('hub.example.org', ['https://hub.example.org/a/', 'https://hub.example.org/b/']),
    (err: unknown) => err instanceof HubnbUriError && err.reason === 'ambiguous-hub',
  );
});
