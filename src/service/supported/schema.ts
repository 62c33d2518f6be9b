import type Database from 'better-sqlite3';

/**
 * The supported store's SQLite schema, as numbered migrations: `PRAGMA user_version` says how many have run.
 * A migration is only ever appended, never edited, since databases in the field already ran the old ones.
 *
 * Room to grow without upheaval:
 * - `versions.id` is a stable integer key, so later tables (usage events, scheduled or parameterized runs)
 *   reference one version by `version_id` rather than by two strings;
 * - `audit.action` is checked in code, not by a CHECK constraint, so a later action (say `schedule`) needs no
 *   table rebuild;
 * - the semver parts are stored as integers so "newest" is an index lookup, not a string sort.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE notebooks (
    name TEXT PRIMARY KEY,
    current_version TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
  ) STRICT;

  CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL REFERENCES notebooks(name),
    version TEXT NOT NULL,
    major INTEGER NOT NULL,
    minor INTEGER NOT NULL,
    patch INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL,
    header TEXT NOT NULL,
    UNIQUE (name, version),
    UNIQUE (name, major, minor, patch)
  ) STRICT;

  CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    from_version TEXT
  ) STRICT;
  CREATE INDEX audit_by_name ON audit (name, id);
  `,
];

/** Brings the database up to the newest schema; safe when several processes open it at once. */
export function migrate(db: Database.Database): void {
  // IMMEDIATE takes the write lock before reading user_version, so two processes never both run a migration.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(
        `The supported store's database is from a newer hub-notebooks (schema ${current}, this one knows ` +
          `${MIGRATIONS.length}). Upgrade the service rather than downgrading it.`,
      );
    }
    for (let i = current; i < MIGRATIONS.length; i++) db.exec(MIGRATIONS[i] ?? '');
    if (current < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
