import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Logger } from '../../core/logger';
import type { UnixIdentity } from './permissions';
import { isSafeUsername } from './homes';

/** How the account databases are read; tests inject their own files and clock. */
export interface UnixIdentityOptions {
  passwdPath?: string;
  groupPath?: string;
  readText?: (path: string) => Promise<string>;
  /**
   * Asked for names the files do not know, for accounts that come from LDAP or SSSD through NSS. The default
   * runs `getent passwd` and `id -G`; pass `null` to use the files alone.
   */
  fallback?: ((name: string) => Promise<UnixIdentity | undefined>) | null;
  /** How long the parsed files (and fallback answers) are trusted; accounts change rarely. */
  ttlMs?: number;
  now?: () => number;
}

interface Tables {
  users: Map<string, { uid: number; gid: number }>;
  /** user name → the gids of the groups that list them as a member (their supplementary groups). */
  members: Map<string, number[]>;
  loadedAt: number;
}

/**
 * The viewer's unix account by hub username: uid, primary gid and every supplementary gid, read from
 * `/etc/passwd` and `/etc/group` and cached for a short while. A hub user without a unix account gets
 * undefined, so they see no teammate's files; that is logged once per name.
 */
export class UnixIdentities {
  private tables: Promise<Tables> | undefined;
  private readonly fallbackCache = new Map<string, { identity: UnixIdentity | undefined; at: number }>();
  private readonly reported = new Set<string>();
  private readonly passwdPath: string;
  private readonly groupPath: string;
  private readonly readText: (path: string) => Promise<string>;
  private readonly fallback: ((name: string) => Promise<UnixIdentity | undefined>) | null;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly log: Logger,
    options: UnixIdentityOptions = {},
  ) {
    this.passwdPath = options.passwdPath ?? '/etc/passwd';
    this.groupPath = options.groupPath ?? '/etc/group';
    this.readText = options.readText ?? ((p) => readFile(p, 'utf8'));
    this.fallback = options.fallback === undefined ? getentLookup : options.fallback;
    this.ttlMs = options.ttlMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** The account of `name`, or undefined when there is none (or the name could not be a unix name). */
  async lookup(name: string): Promise<UnixIdentity | undefined> {
    if (!isSafeUsername(name)) return this.missing(name);
    const tables = await this.load();
    const user = tables.users.get(name);
    if (user) {
      const groups = new Set<number>([user.gid]);
      for (const g of tables.members.get(name) ?? []) groups.add(g);
      return { name, uid: user.uid, gid: user.gid, groups: [...groups].sort((a, b) => a - b) };
    }
    if (!this.fallback) return this.missing(name);
    const cached = this.fallbackCache.get(name);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.identity ?? this.missing(name);
    const identity = await this.fallback(name).catch(() => undefined);
    this.fallbackCache.set(name, { identity, at: this.now() });
    return identity ?? this.missing(name);
  }

  private missing(name: string): undefined {
    if (!this.reported.has(name)) {
      this.reported.add(name);
      this.log.warn(
        `hub user ${JSON.stringify(name)} has no unix account on this host, so they see no team notebooks`,
      );
    }
    return undefined;
  }

  private load(): Promise<Tables> {
    const current = this.tables;
    if (current) {
      // Keep serving the loaded tables while they are young; a failed load is retried at the next call.
      return current.then(
        (t) => (this.now() - t.loadedAt < this.ttlMs ? t : this.reload()),
        () => this.reload(),
      );
    }
    return this.reload();
  }

  private reload(): Promise<Tables> {
    const loading = Promise.all([this.readText(this.passwdPath), this.readText(this.groupPath)]).then(
      ([passwd, group]): Tables => ({
        users: parsePasswd(passwd),
        members: membersByUser(parseGroup(group)),
        loadedAt: this.now(),
      }),
    );
    this.tables = loading;
    return loading;
  }
}

/** `name:x:uid:gid:gecos:home:shell` lines → name → uid and primary gid; malformed lines are skipped. */
export function parsePasswd(text: string): Map<string, { uid: number; gid: number }> {
  const out = new Map<string, { uid: number; gid: number }>();
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length < 4 || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const [name = '', , uid = '', gid = ''] = fields;
    if (!name || !/^\d+$/.test(uid) || !/^\d+$/.test(gid) || out.has(name)) continue;
    out.set(name, { uid: Number(uid), gid: Number(gid) });
  }
  return out;
}

/** One `/etc/group` line: `name:x:gid:member,member`. */
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** `/etc/group` lines → entries; malformed lines are skipped. */
export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length < 4 || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const [name = '', , gid = '', members = ''] = fields;
    if (!name || !/^\d+$/.test(gid)) continue;
    out.push({ name, gid: Number(gid), members: members.trim().split(',').filter(Boolean) });
  }
  return out;
}

function membersByUser(groups: GroupEntry[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const group of groups) {
    for (const member of group.members) {
      const list = out.get(member) ?? [];
      list.push(group.gid);
      out.set(member, list);
    }
  }
  return out;
}

/** Asks NSS (`getent passwd NAME`, `id -G NAME`) for accounts that are not in the local files. */
async function getentLookup(name: string): Promise<UnixIdentity | undefined> {
  const passwd = await run('getent', ['passwd', name]);
  const user = passwd === undefined ? undefined : parsePasswd(passwd).get(name);
  if (!user) return undefined;
  const ids = await run('id', ['-G', name]);
  const groups = new Set<number>([user.gid]);
  for (const g of (ids ?? '').trim().split(/\s+/)) if (/^\d+$/.test(g)) groups.add(Number(g));
  return { name, uid: user.uid, gid: user.gid, groups: [...groups].sort((a, b) => a - b) };
}

function run(file: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    // No shell: the name is an argument, never part of a command line (and isSafeUsername checked it).
    execFile(file, args, { timeout: 5000, encoding: 'utf8' }, (err, stdout) =>
      resolve(err ? undefined : stdout),
    );
  });
}
