import * as z from 'zod/mini';
import { lazySchema } from '../lazySchema';

/**
 * The wire contract between the extension (and the publish CLI) and the hub service's catalog: team notebooks
 * read from teammates' homes, and the store of supported notebooks. Both sides import it.
 *
 * Every path or name travels in the query string, never in the URL path, so that no HTTP client or proxy can
 * normalise `..` away before the service sees (and refuses) it. Every request carries the user's hub token in
 * `Authorization: token X`. Errors are `{error, message}` with a 4xx or 5xx status.
 */
export const CATALOG_ROUTES = {
  /** `GET {prefix}api/me` → MeResponse: who the token belongs to, and whether they maintain the catalog. */
  me: 'api/me',
  /** `GET {prefix}api/team` → TeamResponse: the teammates whose notebooks the caller may see. */
  team: 'api/team',
  /** `GET {prefix}api/team/list?user=&path=` → DirectoryListing: one folder of a teammate's home. */
  teamList: 'api/team/list',
  /** `GET {prefix}api/team/stat?user=&path=` → TeamEntry: one file or folder. */
  teamStat: 'api/team/stat',
  /** `GET {prefix}api/team/file?user=&path=` → the file's bytes (`application/x-ipynb+json`). */
  teamFile: 'api/team/file',
  /** `GET {prefix}api/search?q=` → SearchResponse: team and supported notebooks matching title or header. */
  search: 'api/search',
  /** `GET {prefix}api/supported` → SupportedListResponse: every supported notebook and its current version. */
  supported: 'api/supported',
  /** `GET {prefix}api/supported/versions?name=` → SupportedNotebook with all of its versions. */
  supportedVersions: 'api/supported/versions',
  /** `GET {prefix}api/supported/file?name=&version=` → the version's bytes; `version` omitted = current. */
  supportedFile: 'api/supported/file',
  /** `PUT {prefix}api/supported/publish?name=&version=` with the .ipynb as body → 201 SupportedVersion. */
  publish: 'api/supported/publish',
  /** `POST {prefix}api/supported/rollback?name=&version=` → 200 SupportedNotebook (current moved back). */
  rollback: 'api/supported/rollback',
  /** `GET {prefix}api/supported/audit?name=` → AuditResponse: publishes and rollbacks, newest first. */
  audit: 'api/supported/audit',
  /** `GET {prefix}api/authoring` → AuthoringResponse: the team's header template and the secrets to redact. */
  authoring: 'api/authoring',
} as const;

/** The longest query string the catalog accepts (paths are at most 1024 bytes, encoded up to three times that). */
export const MAX_QUERY_LENGTH_CATALOG = 8192;

/** The content type of notebook bytes served by the catalog. */
export const IPYNB_MEDIA_TYPE = 'application/x-ipynb+json';

/** Response header with the file's modification time (ISO 8601) on `teamFile`. */
export const LAST_MODIFIED_HEADER = 'x-hub-notebooks-last-modified';

/** The largest notebook the catalog serves or accepts; bigger ones are refused with a clear message. */
export const MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024;

/**
 * Versions of supported notebooks are semantic versions `MAJOR.MINOR.PATCH` (digits only, no pre-release).
 * They are immutable, and each new one must be greater than every version already published. Digits are
 * `[0-9]`, not `\d`: the OpenAPI document hands this pattern to tools in Python, where `\d` matches other
 * scripts' digits too.
 */
export const VERSION_PATTERN = /^(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})$/;

/** Names of supported notebooks: lower-case letters, digits, `-`, `_` and `.`, starting with a letter or digit. */
export const SUPPORTED_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** SUPPORTED_NAME_PATTERN as a sentence, for every message that refuses a name. */
export const SUPPORTED_NAME_RULE =
  'A supported notebook’s name is 1 to 64 lower-case letters, digits, `.`, `_` or `-`, starting with a letter or digit.';

/** VERSION_PATTERN as a sentence, for every message that refuses a version. */
export const VERSION_RULE =
  'A version is MAJOR.MINOR.PATCH, three whole numbers without leading zeros, such as 1.4.0.';

/** What the header cell of a notebook says, as far as it says anything; see core/notebook/header.ts. */
export const notebookHeaderSchema = lazySchema(() =>
  z.object({
    title: z.optional(z.string()),
    purpose: z.optional(z.string()),
    audience: z.optional(z.string()),
    dataSources: z.optional(z.string()),
    description: z.optional(z.string()),
    parameters: z.optional(z.array(z.string())),
    references: z.optional(z.string()),
  }),
);
export type NotebookHeader = z.infer<typeof notebookHeaderSchema>;

export const authoringResponseSchema = lazySchema(() =>
  z.object({
    /** The team's template notebook: its first cell is the header; `operator` when the hub sets one. */
    template: z.object({
      source: z.enum(['operator', 'default']),
      notebook: z.looseObject({ cells: z.array(z.looseObject({})) }),
    }),
    /** Environment variables the hub gives kernels whose values are replaced by `[REDACTED]` in outputs. */
    redactEnvironment: z.array(z.string()),
  }),
);
export type AuthoringResponse = z.infer<typeof authoringResponseSchema>;

export const meResponseSchema = lazySchema(() =>
  z.object({
    name: z.string(),
    groups: z.array(z.string()),
    /** Member of a maintainer group: may publish and roll back. */
    maintainer: z.boolean(),
  }),
);
export type MeResponse = z.infer<typeof meResponseSchema>;

export const teammateSchema = lazySchema(() =>
  z.object({
    name: z.string(),
    /** How many notebooks of theirs the caller may read. */
    notebooks: z.number(),
    /** ISO 8601 time of their newest visible notebook, or null when they have none. */
    lastModified: z.nullable(z.string()),
  }),
);
export type Teammate = z.infer<typeof teammateSchema>;

export const teamResponseSchema = lazySchema(() => z.object({ teammates: z.array(teammateSchema) }));
export type TeamResponse = z.infer<typeof teamResponseSchema>;

export const teamEntrySchema = lazySchema(() =>
  z.object({
    /** The path relative to the teammate's home, `/`-separated, no leading slash. */
    path: z.string(),
    name: z.string(),
    type: z.enum(['directory', 'notebook']),
    size: z.number(),
    /** ISO 8601. */
    lastModified: z.string(),
    /** Set when a notebook could not be read as nbformat JSON: it is listed, and opening it fails clearly. */
    warning: z.optional(z.string()),
    header: z.optional(notebookHeaderSchema),
  }),
);
export type TeamEntry = z.infer<typeof teamEntrySchema>;

export const directoryListingSchema = lazySchema(() =>
  z.object({
    user: z.string(),
    path: z.string(),
    entries: z.array(teamEntrySchema),
  }),
);
export type DirectoryListing = z.infer<typeof directoryListingSchema>;

export const auditEventSchema = lazySchema(() =>
  z.object({
    at: z.string(),
    actor: z.string(),
    action: z.enum(['publish', 'rollback']),
    name: z.string(),
    version: z.string(),
    /** For a rollback: the version that was current before. */
    fromVersion: z.nullable(z.string()),
  }),
);
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const supportedVersionSchema = lazySchema(() =>
  z.object({
    name: z.string(),
    version: z.string(),
    /** sha256 of the stored (output-stripped) bytes; also the blob's name. */
    sha256: z.string(),
    size: z.number(),
    publishedBy: z.string(),
    publishedAt: z.string(),
    header: notebookHeaderSchema,
  }),
);
export type SupportedVersion = z.infer<typeof supportedVersionSchema>;

export const supportedSummarySchema = lazySchema(() =>
  z.object({
    name: z.string(),
    current: supportedVersionSchema,
    versionCount: z.number(),
  }),
);
export type SupportedSummary = z.infer<typeof supportedSummarySchema>;

export const supportedListResponseSchema = lazySchema(() =>
  z.object({ notebooks: z.array(supportedSummarySchema) }),
);
export type SupportedListResponse = z.infer<typeof supportedListResponseSchema>;

export const supportedNotebookSchema = lazySchema(() =>
  z.object({
    name: z.string(),
    currentVersion: z.string(),
    /** Newest first. */
    versions: z.array(supportedVersionSchema),
  }),
);
export type SupportedNotebook = z.infer<typeof supportedNotebookSchema>;

export const auditResponseSchema = lazySchema(() => z.object({ events: z.array(auditEventSchema) }));
export type AuditResponse = z.infer<typeof auditResponseSchema>;

export const searchHitSchema = lazySchema(() =>
  z.object({
    kind: z.enum(['team', 'supported']),
    /** Teammate name for `team`, notebook name for `supported`. */
    owner: z.string(),
    /** Path in the teammate's home, or the current version for `supported`. */
    path: z.string(),
    header: notebookHeaderSchema,
  }),
);
export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchResponseSchema = lazySchema(() => z.object({ hits: z.array(searchHitSchema) }));
export type SearchResponse = z.infer<typeof searchResponseSchema>;

/** Error codes the catalog answers with, besides the broker's. */
export type CatalogErrorCode =
  | 'invalid_path'
  | 'invalid_name'
  | 'invalid_version'
  | 'invalid_notebook'
  | 'not_found'
  | 'forbidden'
  | 'unauthorized'
  | 'conflict'
  | 'too_large'
  | 'hub_unavailable';
