import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import {
  SUPPORTED_NAME_PATTERN,
  VERSION_PATTERN,
  type AuditEvent,
  type NotebookHeader,
  type SupportedNotebook,
  type SupportedSummary,
  type SupportedVersion,
} from '../../core/catalog/schemas';
import { BlobStore, sha256Hex } from './blobs';
import { migrate } from './schema';

/** Why the store refused a change: the routes turn `conflict` into 409 and `not_found` into 404. */
export class SupportedStoreError extends Error {
  constructor(
    readonly code: 'conflict' | 'not_found',
    message: string,
  ) {
    super(message);
    this.name = 'SupportedStoreError';
  }
}

export interface PublishInput {
  name: string;
  version: string;
  /** The bytes to store, already stripped of outputs. */
  bytes: Uint8Array;
  header: NotebookHeader;
  actor: string;
}

export interface SupportedStoreOptions {
  /** The clock for `publishedAt` and audit times; tests inject one. */
  now?: () => Date;
  /** How long to wait for another process's write lock before giving up, in ms (default 10 s). */
  busyTimeoutMs?: number;
}

/** The database file in the data dir; blobs live beside it in `blobs/`. */
export const CATALOG_DB_FILE = 'catalog.sqlite';

/**
 * The store of supported notebooks: SQLite (`catalog.sqlite`, WAL) for names, versions, the current pointers
 * and the audit trail, plus content-addressed blobs for the bytes. Versions are immutable semver, each greater
 * than every one published before; publish and rollback each run in one IMMEDIATE transaction together with
 * their audit row, so two service processes on one database serialise on SQLite's write lock.
 */
export class SupportedStore {
  private readonly db: Database.Database;
  private readonly blobs: BlobStore;
  private readonly now: () => Date;

  constructor(dataDir: string, options: SupportedStoreOptions = {}) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    this.now = options.now ?? (() => new Date());
    this.blobs = new BlobStore(path.join(dataDir, 'blobs'));
    const file = path.join(dataDir, CATALOG_DB_FILE);
    this.db = new Database(file, { timeout: options.busyTimeoutMs ?? 10_000 });
    try {
      this.db.pragma('journal_mode = WAL');
      // NORMAL is durable across process crashes in WAL mode; only a power cut may lose the last commit.
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      migrate(this.db);
      fs.chmodSync(file, 0o600);
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  /** Stores a new version and makes it current; SupportedStoreError `conflict` if it is not the newest. */
  publish(input: PublishInput): SupportedVersion {
    checkName(input.name);
    const parts = semverParts(input.version);
    const sha256 = sha256Hex(input.bytes);
    const at = this.now().toISOString();
    const run = this.db.transaction((): SupportedVersion => {
      const existing = this.db
        .prepare('SELECT 1 FROM versions WHERE name = ? AND version = ?')
        .get(input.name, input.version);
      if (existing) {
        throw new SupportedStoreError(
          'conflict',
          `${input.name} ${input.version} is already published, and published versions never change. ` +
            'Publish a greater version instead.',
        );
      }
      const newest = this.newestVersion(input.name);
      if (newest && compareSemver(parts, semverParts(newest)) <= 0) {
        throw new SupportedStoreError(
          'conflict',
          `${input.name} ${input.version} is not greater than ${newest}, the newest published version. ` +
            'Each new version must be greater than every version published before.',
        );
      }
      // The blob is written under the write lock and after the checks, so a refused publish leaves no file.
      this.blobs.put(input.bytes, sha256);
      this.db
        .prepare(
          `INSERT INTO notebooks (name, current_version, created_at, created_by) VALUES (?, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET current_version = excluded.current_version`,
        )
        .run(input.name, input.version, at, input.actor);
      this.db
        .prepare(
          `INSERT INTO versions (name, version, major, minor, patch, sha256, size, published_by, published_at, header)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.name,
          input.version,
          ...parts,
          sha256,
          input.bytes.byteLength,
          input.actor,
          at,
          JSON.stringify(input.header),
        );
      this.recordAudit(at, input.actor, 'publish', input.name, input.version, null);
      return {
        name: input.name,
        version: input.version,
        sha256,
        size: input.bytes.byteLength,
        publishedBy: input.actor,
        publishedAt: at,
        header: input.header,
      };
    });
    try {
      return run.immediate();
    } catch (err) {
      // The checks above run under the write lock, so this is a backstop should they ever be bypassed.
      if (isUniqueViolation(err)) {
        throw new SupportedStoreError('conflict', `${input.name} ${input.version} is already published.`);
      }
      throw err;
    }
  }

  /** Moves `current` back to an older published version; `not_found` or `conflict` otherwise. */
  rollback(name: string, version: string, actor: string): SupportedNotebook {
    checkName(name);
    const parts = semverParts(version);
    const at = this.now().toISOString();
    return this.db
      .transaction((): SupportedNotebook => {
        const current = this.currentVersionOf(name);
        if (current === undefined) throw notFound(name);
        if (!this.versionRow(name, version)) {
          throw new SupportedStoreError('not_found', `${name} has no version ${version}.`);
        }
        if (compareSemver(parts, semverParts(current)) >= 0) {
          throw new SupportedStoreError(
            'conflict',
            `${version} is not older than ${current}, the current version of ${name}: rollback only moves ` +
              'back. To make a newer version current, publish it as a new version.',
          );
        }
        this.db.prepare('UPDATE notebooks SET current_version = ? WHERE name = ?').run(version, name);
        this.recordAudit(at, actor, 'rollback', name, version, current);
        const notebook = this.notebook(name);
        if (!notebook) throw notFound(name);
        return notebook;
      })
      .immediate();
  }

  /** Every notebook with its current version, by name. */
  list(): SupportedSummary[] {
    const rows = this.db
      .prepare(
        `SELECT v.*, (SELECT COUNT(*) FROM versions c WHERE c.name = n.name) AS version_count
         FROM notebooks n JOIN versions v ON v.name = n.name AND v.version = n.current_version
         ORDER BY n.name`,
      )
      .all() as (VersionRow & { version_count: number })[];
    return rows.map((row) => ({ name: row.name, current: toVersion(row), versionCount: row.version_count }));
  }

  /** One notebook with all of its versions, newest first; undefined if it was never published. */
  notebook(name: string): SupportedNotebook | undefined {
    const current = this.currentVersionOf(name);
    if (current === undefined) return undefined;
    const rows = this.db
      .prepare('SELECT * FROM versions WHERE name = ? ORDER BY major DESC, minor DESC, patch DESC')
      .all(name) as VersionRow[];
    return { name, currentVersion: current, versions: rows.map(toVersion) };
  }

  /** One version (the current one when `version` is undefined), or undefined. */
  version(name: string, version?: string): SupportedVersion | undefined {
    const wanted = version ?? this.currentVersionOf(name);
    if (wanted === undefined) return undefined;
    const row = this.versionRow(name, wanted);
    return row ? toVersion(row) : undefined;
  }

  /** The stored (output-stripped) bytes of a version. */
  read(version: SupportedVersion): Buffer {
    return this.blobs.get(version.sha256);
  }

  /** Publishes and rollbacks, newest first; of one notebook, or of all when `name` is undefined. */
  audit(name?: string): AuditEvent[] {
    const rows = (
      name === undefined
        ? this.db.prepare('SELECT * FROM audit ORDER BY id DESC').all()
        : this.db.prepare('SELECT * FROM audit WHERE name = ? ORDER BY id DESC').all(name)
    ) as AuditRow[];
    return rows.map((r) => ({
      at: r.at,
      actor: r.actor,
      action: r.action,
      name: r.name,
      version: r.version,
      fromVersion: r.from_version,
    }));
  }

  /** Where a blob lives, for operators and tests. */
  blobPath(sha256: string): string {
    return this.blobs.pathOf(sha256);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private newestVersion(name: string): string | undefined {
    const row = this.db
      .prepare(
        'SELECT version FROM versions WHERE name = ? ORDER BY major DESC, minor DESC, patch DESC LIMIT 1',
      )
      .get(name) as { version: string } | undefined;
    return row?.version;
  }

  private currentVersionOf(name: string): string | undefined {
    const row = this.db.prepare('SELECT current_version FROM notebooks WHERE name = ?').get(name) as
      { current_version: string } | undefined;
    return row?.current_version;
  }

  private versionRow(name: string, version: string): VersionRow | undefined {
    return this.db.prepare('SELECT * FROM versions WHERE name = ? AND version = ?').get(name, version) as
      VersionRow | undefined;
  }

  private recordAudit(
    at: string,
    actor: string,
    action: AuditEvent['action'],
    name: string,
    version: string,
    fromVersion: string | null,
  ): void {
    this.db
      .prepare('INSERT INTO audit (at, actor, action, name, version, from_version) VALUES (?, ?, ?, ?, ?, ?)')
      .run(at, actor, action, name, version, fromVersion);
  }
}

interface VersionRow {
  name: string;
  version: string;
  sha256: string;
  size: number;
  published_by: string;
  published_at: string;
  header: string;
}

interface AuditRow {
  at: string;
  actor: string;
  action: AuditEvent['action'];
  name: string;
  version: string;
  from_version: string | null;
}

function toVersion(row: VersionRow): SupportedVersion {
  return {
    name: row.name,
    version: row.version,
    sha256: row.sha256,
    size: row.size,
    publishedBy: row.published_by,
    publishedAt: row.published_at,
    header: JSON.parse(row.header) as NotebookHeader,
  };
}

type Semver = [number, number, number];

function semverParts(version: string): Semver {
  const match = VERSION_PATTERN.exec(version);
  if (!match) throw new TypeError(`Not a MAJOR.MINOR.PATCH version: ${version.slice(0, 40)}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function compareSemver(a: Semver, b: Semver): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function checkName(name: string): void {
  if (!SUPPORTED_NAME_PATTERN.test(name))
    throw new TypeError(`Not a supported notebook name: ${name.slice(0, 80)}`);
}

function notFound(name: string): SupportedStoreError {
  return new SupportedStoreError('not_found', `No supported notebook is named ${name}.`);
}

function isUniqueViolation(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE' ||
      (err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}
