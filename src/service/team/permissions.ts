/**
 * Whether a user's own unix account could read a file or folder, decided from its mode bits the way the Linux
 * kernel decides for a non-root process. The service itself runs as root and can read everything, so this
 * check is what keeps a teammate's private files private: the catalog shows a viewer only what their own
 * account could open on the shared filesystem.
 *
 * POSIX ACLs and capabilities are not consulted: a file an ACL opens to the viewer stays hidden, one an ACL
 * closes to them may show. Homes on the shared filesystem are expected to use plain modes (see operators.md).
 */

/** A viewer's unix account: the numbers the kernel compares against a file's owner and group. */
export interface UnixIdentity {
  name: string;
  uid: number;
  /** The primary group. */
  gid: number;
  /** Every group the account is in, the primary one included. */
  groups: readonly number[];
}

/** The parts of `fs.Stats` the check needs. */
export interface ModeOwner {
  mode: number;
  uid: number;
  gid: number;
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const READ = 4;
const EXECUTE = 1;

/**
 * True when the viewer may read a file (its `r` bit) or list and enter a folder (`r` and `x`). Exactly one
 * class of bits applies: the owner's when the uids match, even if the group or other bits would allow more;
 * else the group's when the file's group is one of the viewer's; else the others'. Root is not special: the
 * viewer is a person, never root. Anything but a regular file or a folder is unreadable here.
 */
export function canRead(stat: ModeOwner, who: UnixIdentity): boolean {
  const type = stat.mode & S_IFMT;
  if (type === S_IFDIR) return allows(stat, who, READ | EXECUTE);
  if (type === S_IFREG) return allows(stat, who, READ);
  return false;
}

/** True for a folder's mode. */
export function isFolderMode(mode: number): boolean {
  return (mode & S_IFMT) === S_IFDIR;
}

/** True for a regular file's mode. */
export function isFileMode(mode: number): boolean {
  return (mode & S_IFMT) === S_IFREG;
}

function allows(stat: ModeOwner, who: UnixIdentity, wanted: number): boolean {
  let bits: number;
  if (stat.uid === who.uid) bits = (stat.mode >> 6) & 7;
  else if (stat.gid === who.gid || who.groups.includes(stat.gid)) bits = (stat.mode >> 3) & 7;
  else bits = stat.mode & 7;
  return (bits & wanted) === wanted;
}
