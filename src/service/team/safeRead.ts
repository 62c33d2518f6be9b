import fs from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { MAX_NOTEBOOK_BYTES } from '../../core/catalog/schemas';
import { canRead, isFileMode, isFolderMode, type UnixIdentity } from './permissions';

/**
 * The one way the service opens anything in a teammate's home, for the index's header reads, the file route
 * and whatever reads teammates' files next. The service runs as root, and the teammate controls the names in
 * their home: between any check of a path and a later use of it they can swap in a symbolic link (to a file
 * nobody else may read), a FIFO (whose open or read would wait forever, stalling the event loop) or a device.
 * So nothing is decided from a path looked up earlier:
 *
 * - Every step is opened relative to the folder opened before it, through `/proc/self/fd/N/name` (Node has
 *   no `openat`): the kernel follows the descriptor's magic link to that very folder, whatever its path names
 *   by now, and looks up only `name` in it. `O_NOFOLLOW` refuses a link in that last step; folders are opened
 *   with `O_DIRECTORY`, files with `O_NONBLOCK` and `O_NOCTTY`, so a FIFO or a terminal swapped in cannot
 *   block the open or become the service's terminal.
 * - Each descriptor is `fstat`ed, and only its own answer counts: the type (regular files only; FIFOs,
 *   devices, sockets and folders are closed unread), the size cap (before any byte is read), and the
 *   viewer's permission (mode, owner and group of what was opened, not of what a path showed before).
 * - A file's bytes are read from that same descriptor, so the metadata and the content handed back always
 *   belong to one file.
 *
 * This needs Linux's procfs. Without it every open fails, and homes look empty rather than unsafe.
 */

/** The calls a safe read makes; the index's tests inject a counting wrapper around `node:fs`. */
export interface SafeReadFs {
  openSync(path: string, flags: number): number;
  fstatSync(fd: number): fs.Stats;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  closeSync(fd: number): void;
}

/** Why something in a home was not handed out; `unopened` carries the open's error code (ELOOP: a link). */
export type TeamRefusal =
  | { refused: 'unopened'; code: string }
  | { refused: 'not_regular' | 'not_readable' | 'too_large'; stat: fs.Stats }
  | { refused: 'unread'; stat: fs.Stats; code: string };

/** A regular file opened for reading, with the `fstat` of its descriptor; close it with `closeTeamFile`. */
export interface OpenedTeamFile {
  fd: number;
  stat: fs.Stats;
}

/** What a file must pass before it is handed out. */
export interface TeamFileOptions {
  /** When set, the descriptor's own mode, owner and group must let this account read the file. */
  who?: UnixIdentity;
  /** A larger file is refused on its `fstat`, before any read; MAX_NOTEBOOK_BYTES when not set. */
  maxBytes?: number;
}

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY, O_DIRECTORY } = fs.constants;
const FILE_FLAGS = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
const FOLDER_FLAGS = O_RDONLY | O_NOFOLLOW | O_DIRECTORY | O_NONBLOCK | O_NOCTTY;
// A magic link must be followed to be reopened, so no O_NOFOLLOW; it leads to the checked file only.
const REOPEN_FLAGS = O_RDONLY | O_NONBLOCK | O_NOCTTY;

/** A folder of a teammate's home held open, so what is looked up in it is looked up in this very folder. */
export class TeamDir {
  private constructor(
    private readonly fs: SafeReadFs,
    /** The descriptor; valid until `close()`. */
    readonly fd: number,
    /** The `fstat` of the descriptor. */
    readonly stat: fs.Stats,
  ) {}

  /**
   * Opens a folder by an absolute path whose links were resolved already (a home's realpath); a link or a
   * non-folder there is refused, and so is a folder `who` (when set) could not list and enter.
   */
  static open(absPath: string, who?: UnixIdentity, fsApi: SafeReadFs = fs): TeamDir | TeamRefusal {
    const fd = openFd(fsApi, absPath, FOLDER_FLAGS);
    if (typeof fd !== 'number') return fd;
    const stat = fstatOrClose(fsApi, fd);
    const refusal = !isFolderMode(stat.mode)
      ? ('not_regular' as const)
      : who && !canRead(stat, who)
        ? ('not_readable' as const)
        : undefined;
    if (refusal === undefined) return new TeamDir(fsApi, fd, stat);
    fsApi.closeSync(fd);
    return { refused: refusal, stat };
  }

  /** A path that names `name` (or the folder itself) in this very folder, for `lstat` and `readdir`. */
  pathOf(name?: string): string {
    const self = `/proc/self/fd/${this.fd}`;
    return name === undefined ? self : `${self}/${plainName(name)}`;
  }

  /** Opens the subfolder `name` of this folder, checked like `TeamDir.open`. */
  openDir(name: string, who?: UnixIdentity): TeamDir | TeamRefusal {
    return TeamDir.open(this.pathOf(name), who, this.fs);
  }

  /** Opens the regular file `name` of this folder, refusing what `options` rule out without reading it. */
  openFile(name: string, options: TeamFileOptions = {}): OpenedTeamFile | TeamRefusal {
    const fd = openFd(this.fs, this.pathOf(name), FILE_FLAGS);
    if (typeof fd !== 'number') return fd;
    const stat = fstatOrClose(this.fs, fd);
    const refusal = fileRefusal(stat, options);
    if (refusal === undefined) return { fd, stat };
    this.fs.closeSync(fd);
    return { refused: refusal, stat };
  }

  /** Reads the regular file `name` of this folder whole, through one descriptor: its `fstat` and its bytes. */
  readFile(name: string, options: TeamFileOptions = {}): { stat: fs.Stats; bytes: Buffer } | TeamRefusal {
    const opened = this.openFile(name, options);
    if ('refused' in opened) return opened;
    try {
      return { stat: opened.stat, bytes: readOpened(opened, this.fs) };
    } catch (err) {
      return { refused: 'unread', stat: opened.stat, code: codeOf(err) };
    } finally {
      this.fs.closeSync(opened.fd);
    }
  }

  close(): void {
    this.fs.closeSync(this.fd);
  }
}

/**
 * Opens the file at `segments` below `realHome` (the home's realpath), folder by folder, each relative to the
 * one before: the home and every folder must be a folder `who` may list and enter, and the file a regular
 * file they may read, each judged on its own descriptor.
 */
export function openInHome(
  realHome: string,
  segments: readonly string[],
  options: TeamFileOptions & { who: UnixIdentity },
  fsApi: SafeReadFs = fs,
): OpenedTeamFile | TeamRefusal {
  const fileName = segments.at(-1);
  let dir = TeamDir.open(realHome, options.who, fsApi);
  for (const name of segments.slice(0, -1)) {
    if ('refused' in dir) return dir;
    const next: TeamDir | TeamRefusal = dir.openDir(name, options.who);
    dir.close();
    dir = next;
  }
  if ('refused' in dir) return dir;
  try {
    return fileName === undefined
      ? { refused: 'not_regular', stat: dir.stat }
      : dir.openFile(fileName, options);
  } finally {
    dir.close();
  }
}

/** Reads an opened file synchronously, up to the size its `fstat` gave (a file that grew since is cut there). */
export function readOpened(file: OpenedTeamFile, fsApi: SafeReadFs = fs): Buffer {
  const bytes = Buffer.alloc(file.stat.size);
  let filled = 0;
  while (filled < bytes.length) {
    const n = fsApi.readSync(file.fd, bytes, filled, bytes.length - filled, filled);
    if (n === 0) break;
    filled += n;
  }
  return bytes.subarray(0, filled);
}

/** A file from `openHandleInHome`: a promise-API handle for async reads and streams, with the checked `fstat`. */
export interface TeamFileHandle {
  handle: FileHandle;
  stat: fs.Stats;
}

/**
 * `openInHome` for async readers: the descriptor that was checked is reopened through its `/proc/self/fd`
 * magic link, which names that open file itself and not a path, and handed out as a `FileHandle`. Unlike a
 * bare descriptor, a handle waits for pending reads before it closes and may be closed twice, so a stream over
 * it that is destroyed midway cannot make a later close hit a reused descriptor.
 */
export async function openHandleInHome(
  realHome: string,
  segments: readonly string[],
  options: TeamFileOptions & { who: UnixIdentity },
): Promise<TeamFileHandle | TeamRefusal> {
  const opened = openInHome(realHome, segments, options);
  if ('refused' in opened) return opened;
  let handle: FileHandle;
  try {
    handle = await open(`/proc/self/fd/${opened.fd}`, REOPEN_FLAGS);
  } catch (err) {
    return { refused: 'unopened', code: codeOf(err) };
  } finally {
    closeTeamFile(opened);
  }
  const again = await handle.stat().catch(() => undefined);
  if (again?.ino === opened.stat.ino && again.dev === opened.stat.dev) return { handle, stat: opened.stat };
  await handle.close();
  return { refused: 'unopened', code: 'ESTALE' };
}

/** Closes a file from `openInHome` or `TeamDir.openFile`. */
export function closeTeamFile(file: OpenedTeamFile, fsApi: SafeReadFs = fs): void {
  fsApi.closeSync(file.fd);
}

type StatRefusal = 'not_regular' | 'not_readable' | 'too_large';

function fileRefusal(stat: fs.Stats, options: TeamFileOptions): StatRefusal | undefined {
  if (!isFileMode(stat.mode)) return 'not_regular';
  if (options.who && !canRead(stat, options.who)) return 'not_readable';
  if (stat.size > (options.maxBytes ?? MAX_NOTEBOOK_BYTES)) return 'too_large';
  return undefined;
}

function openFd(fsApi: SafeReadFs, at: string, flags: number): number | TeamRefusal {
  try {
    return fsApi.openSync(at, flags);
  } catch (err) {
    return { refused: 'unopened', code: codeOf(err) };
  }
}

function fstatOrClose(fsApi: SafeReadFs, fd: number): fs.Stats {
  try {
    return fsApi.fstatSync(fd);
  } catch (err) {
    fsApi.closeSync(fd);
    throw err;
  }
}

/** A name looked up in one folder must be one name: no separator, and not `.` or `..`. */
function plainName(name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new Error(`not a plain file name: ${JSON.stringify(name)}`);
  }
  return name;
}

function codeOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? 'error';
}
