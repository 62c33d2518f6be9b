// The one safe way to read a teammate's file, on a real filesystem: links, FIFOs, devices and oversized files
// are refused on the descriptor without a byte read; permissions and the returned metadata come from what was
// opened, even when the name is swapped right after the open; folders are walked one inside the other.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { UnixIdentity } from '../../../../src/service/team/permissions';
import {
  TeamDir,
  closeTeamFile,
  openHandleInHome,
  openInHome,
  readOpened,
  type SafeReadFs,
  type TeamRefusal,
} from '../../../../src/service/team/safeRead';

const alice: UnixIdentity = { name: 'alice', uid: 5001, gid: 5100, groups: [5100] };
const BOB = { uid: 5002, gid: 5100 };
const DAVE = { uid: 5003, gid: 5103 };

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'safe-read-'));
const home = path.join(root, 'bob');
after(() => fs.rmSync(root, { recursive: true, force: true }));

function put(rel: string, content: string, owner = BOB, mode = 0o640): void {
  const abs = path.join(home, rel);
  fs.writeFileSync(abs, content);
  fs.chownSync(abs, owner.uid, owner.gid);
  fs.chmodSync(abs, mode);
}

function folder(rel: string, owner = BOB, mode = 0o2750): void {
  const abs = path.join(home, rel);
  fs.mkdirSync(abs);
  fs.chownSync(abs, owner.uid, owner.gid);
  fs.chmodSync(abs, mode);
}

before(() => {
  folder('');
  put('nb.ipynb', 'bob notebook');
  put('dave.ipynb', 'DAVE PRIVATE', DAVE, 0o640);
  put('big.ipynb', 'x'.repeat(100));
  fs.symlinkSync('nb.ipynb', path.join(home, 'link.ipynb'));
  fs.symlinkSync('/dev/null', path.join(home, 'null.ipynb'));
  execFileSync('mkfifo', [path.join(home, 'fifo.ipynb')]);
  folder('sub');
  put('sub/inner.ipynb', 'inner');
  folder('closed', DAVE, 0o700);
  put('closed/open.ipynb', 'open in a closed folder', DAVE, 0o644);
  fs.symlinkSync('sub', path.join(home, 'sublink'));
});

/** `node:fs` with its reads counted, and a hook that runs right after each open. */
function watchedFs(afterOpen: (p: string) => void = () => undefined) {
  const count = { reads: 0 };
  const api: SafeReadFs = {
    openSync: (p, flags) => {
      const fd = fs.openSync(p, flags);
      afterOpen(p);
      return fd;
    },
    fstatSync: (fd) => fs.fstatSync(fd),
    readSync: (fd, buffer, offset, length, position) => {
      count.reads++;
      return fs.readSync(fd, buffer, offset, length, position);
    },
    closeSync: (fd) => fs.closeSync(fd),
  };
  return { api, count };
}

function openHome(api: SafeReadFs = fs): TeamDir {
  const dir = TeamDir.open(home, undefined, api);
  if ('refused' in dir) assert.fail(`the home did not open: ${dir.refused}`);
  return dir;
}

function refusalOf(result: object): TeamRefusal['refused'] | undefined {
  return 'refused' in result ? (result as TeamRefusal).refused : undefined;
}

/** True when some process has the FIFO open for reading: opening it for writing without blocking works. */
function fifoHasReader(p: string): boolean {
  try {
    fs.closeSync(fs.openSync(p, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
    return true;
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, 'ENXIO');
    return false;
  }
}

describe('TeamDir', () => {
  test('reads a regular file whole, with the fstat of the descriptor it read', () => {
    const dir = openHome();
    try {
      const read = dir.readFile('nb.ipynb');
      if ('refused' in read) assert.fail(read.refused);
      assert.equal(read.bytes.toString(), 'bob notebook');
      assert.equal(read.stat.ino, fs.statSync(path.join(home, 'nb.ipynb')).ino);
      assert.equal(read.stat.uid, BOB.uid);
    } finally {
      dir.close();
    }
  });

  test('a symbolic link is refused at the open, to a file or to /dev/null alike', () => {
    const w = watchedFs();
    const dir = openHome(w.api);
    try {
      assert.deepEqual(dir.readFile('link.ipynb'), { refused: 'unopened', code: 'ELOOP' });
      assert.deepEqual(dir.readFile('null.ipynb'), { refused: 'unopened', code: 'ELOOP' });
      assert.equal(refusalOf(dir.openDir('sublink')), 'unopened', 'a link to a folder is not entered');
      assert.equal(w.count.reads, 0);
    } finally {
      dir.close();
    }
  });

  test('a FIFO is opened without blocking, refused unread, and not left open', () => {
    const w = watchedFs();
    const dir = openHome(w.api);
    try {
      const read = dir.readFile('fifo.ipynb');
      assert.equal(refusalOf(read), 'not_regular');
      assert.equal(w.count.reads, 0);
      assert.equal(fifoHasReader(path.join(home, 'fifo.ipynb')), false, 'the refused descriptor was closed');
    } finally {
      dir.close();
    }
  });

  test('a device is refused unread', () => {
    const w = watchedFs();
    const dev = TeamDir.open('/dev', undefined, w.api);
    if ('refused' in dev) assert.fail(dev.refused);
    try {
      const read = dev.readFile('null');
      assert.equal(refusalOf(read), 'not_regular');
      assert.ok('stat' in read && read.stat.isCharacterDevice());
      assert.equal(w.count.reads, 0);
    } finally {
      dev.close();
    }
  });

  test('a file over the cap is refused on its fstat, before any read', () => {
    const w = watchedFs();
    const dir = openHome(w.api);
    try {
      const read = dir.readFile('big.ipynb', { maxBytes: 10 });
      assert.equal(refusalOf(read), 'too_large');
      assert.equal('stat' in read && read.stat.size, 100);
      assert.equal(w.count.reads, 0);
      assert.equal(
        refusalOf(dir.readFile('big.ipynb', { maxBytes: 100 })),
        undefined,
        'the cap is inclusive',
      );
    } finally {
      dir.close();
    }
  });
});

describe('TeamDir: permissions and names', () => {
  test("the viewer's permission is judged on the descriptor, not on what the name shows later", () => {
    const dir = openHome();
    try {
      assert.equal(refusalOf(dir.readFile('dave.ipynb', { who: alice })), 'not_readable');
      assert.equal(refusalOf(dir.readFile('nb.ipynb', { who: alice })), undefined);
    } finally {
      dir.close();
    }
    // Right after each open of nb.ipynb, the name is exchanged with dave's file (as a racing teammate would),
    // and exchanged back afterwards. What comes back must still be bob's file, with bob's metadata.
    const swap = (): void => {
      fs.renameSync(path.join(home, 'nb.ipynb'), path.join(home, 'tmp'));
      fs.renameSync(path.join(home, 'dave.ipynb'), path.join(home, 'nb.ipynb'));
      fs.renameSync(path.join(home, 'tmp'), path.join(home, 'dave.ipynb'));
    };
    let swaps = 0;
    const racing = openHome(watchedFs((p) => p.endsWith('/nb.ipynb') && (swap(), swaps++)).api);
    try {
      const read = racing.readFile('nb.ipynb', { who: alice });
      if ('refused' in read) assert.fail(read.refused);
      assert.equal(swaps, 1, 'the name was swapped after the open');
      assert.equal(read.bytes.toString(), 'bob notebook');
      assert.deepEqual([read.stat.uid, read.stat.gid], [BOB.uid, BOB.gid]);
      assert.equal(
        fs.readFileSync(path.join(home, 'nb.ipynb'), 'utf8'),
        'DAVE PRIVATE',
        'the name now is dave’s',
      );
    } finally {
      racing.close();
      swap();
    }
  });

  test('only plain names are looked up in a folder', () => {
    const dir = openHome();
    try {
      for (const name of ['..', '.', '', 'sub/inner.ipynb']) {
        assert.throws(() => dir.readFile(name), /not a plain file name/, name);
      }
    } finally {
      dir.close();
    }
  });
});

describe('openInHome', () => {
  test('walks the folders one inside the other, each checked for the viewer', () => {
    const opened = openInHome(home, ['sub', 'inner.ipynb'], { who: alice });
    if ('refused' in opened) assert.fail(opened.refused);
    try {
      assert.equal(readOpened(opened).toString(), 'inner');
    } finally {
      closeTeamFile(opened);
    }
    assert.equal(refusalOf(openInHome(home, ['closed', 'open.ipynb'], { who: alice })), 'not_readable');
    assert.equal(refusalOf(openInHome(home, ['sublink', 'inner.ipynb'], { who: alice })), 'unopened');
    assert.equal(refusalOf(openInHome(home, [], { who: alice })), 'not_regular', 'the home is no file');
    const closedHome = { ...alice, groups: [] as number[], gid: 9999 };
    assert.equal(refusalOf(openInHome(home, ['nb.ipynb'], { who: closedHome })), 'not_readable');
  });

  test('openHandleInHome hands out the checked file as a FileHandle', async () => {
    const opened = await openHandleInHome(home, ['nb.ipynb'], { who: alice });
    if ('refused' in opened) assert.fail(opened.refused);
    try {
      assert.equal((await opened.handle.readFile()).toString(), 'bob notebook');
      assert.equal((await opened.handle.stat()).ino, opened.stat.ino);
    } finally {
      await opened.handle.close();
    }
    assert.equal(refusalOf(await openHandleInHome(home, ['fifo.ipynb'], { who: alice })), 'not_regular');
  });
});
