// The guard run-tests.ts puts around the integration and e2e tiers: what it lists in a home, what it ignores,
// and that a leftover fails the tier with its path printed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { guardHomes, leftovers, listHomes } from '../../scripts/homeGuard';

let root: string;
const make = (rel: string, content?: string): void => {
  const abs = path.join(root, rel);
  if (content === undefined) fs.mkdirSync(abs, { recursive: true });
  else {
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
};

before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-home-guard-'));
  make('alice/notes.ipynb', '{}');
  make('bob/welcome.ipynb', '{}');
});

after(() => fs.rmSync(root, { recursive: true, force: true }));

test('a test notebook and its checkpoint are leftovers; what servers and kernels make is not', async () => {
  const { status, clean } = await guardHomes('a tier', root, ['alice', 'bob'], () => {
    make('alice/e2e-run-abc.ipynb', '{}');
    make('alice/.ipynb_checkpoints/e2e-run-abc-checkpoint.ipynb', '{}');
    make('bob/.ipynb_checkpoints', undefined);
    make('alice/.local/share/Trash/files/h3-contents-x.ipynb', '{}');
    make('alice/.local/share/jupyter/runtime/jpserver-1.json', '{}');
    make('alice/.ipython/profile_default/history.sqlite', '');
    make('alice/.jupyter/migrated', '');
    make('alice/.cache/matplotlib/fontlist.json', '{}');
    make('alice/.config/matplotlib', undefined);
    return Promise.resolve(0);
  });
  assert.equal(status, 0, "the tier's own status is kept");
  assert.equal(clean, false);
  const now = listHomes(root, ['alice', 'bob']);
  assert.deepEqual(now, [
    'alice/.ipynb_checkpoints/e2e-run-abc-checkpoint.ipynb',
    'alice/.local/share/Trash/files/h3-contents-x.ipynb',
    'alice/e2e-run-abc.ipynb',
    'alice/notes.ipynb',
    'bob/welcome.ipynb',
  ]);
  assert.deepEqual(leftovers(['alice/notes.ipynb', 'bob/welcome.ipynb'], now), now.slice(0, 3));
});

test('a tier that removes what it made is clean, and a missing home is no error', async () => {
  const { clean } = await guardHomes('a tidy tier', root, ['alice', 'bob', 'nobody'], () => {
    make('bob/h5-kernels-1-x.ipynb', '{}');
    fs.rmSync(path.join(root, 'bob/h5-kernels-1-x.ipynb'));
    return Promise.resolve(1);
  });
  assert.equal(clean, true);
});
