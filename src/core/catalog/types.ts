import type {
  AuthoringResponse,
  DirectoryListing,
  MeResponse,
  SearchHit,
  SupportedNotebook,
  SupportedSummary,
  SupportedVersion,
  TeamEntry,
  Teammate,
  AuditEvent,
} from './schemas';

/** A file's bytes as the catalog served them. */
export interface CatalogFile {
  bytes: Uint8Array;
  /** ISO 8601; for supported versions, when the version was published. */
  lastModified: string;
}

/**
 * The hub service's catalog as the extension (and the publish CLI) uses it: team notebooks and supported
 * notebooks. Interface only; `catalogClient.ts` implements it over the hub transport with the user's token.
 */
export interface CatalogApi {
  /** `GET api/me`. */
  me(signal?: AbortSignal): Promise<MeResponse>;
  /** `GET api/authoring`: the team's header template and the environment variables to redact. */
  authoring(signal?: AbortSignal): Promise<AuthoringResponse>;
  /** `GET api/team`: the teammates whose notebooks the caller may see. */
  listTeammates(signal?: AbortSignal): Promise<Teammate[]>;
  /** `GET api/team/list?user&path`. */
  listTeamFolder(user: string, path: string, signal?: AbortSignal): Promise<DirectoryListing>;
  /** `GET api/team/stat?user&path`. */
  statTeamEntry(user: string, path: string, signal?: AbortSignal): Promise<TeamEntry>;
  /** `GET api/team/file?user&path`. */
  readTeamFile(user: string, path: string, signal?: AbortSignal): Promise<CatalogFile>;
  /** `GET api/search?q`. */
  search(query: string, signal?: AbortSignal): Promise<SearchHit[]>;
  /** `GET api/supported`. */
  listSupported(signal?: AbortSignal): Promise<SupportedSummary[]>;
  /** `GET api/supported/versions?name`. */
  getSupported(name: string, signal?: AbortSignal): Promise<SupportedNotebook>;
  /** `GET api/supported/file?name&version`; the current version when `version` is undefined. */
  readSupportedFile(name: string, version: string | undefined, signal?: AbortSignal): Promise<CatalogFile>;
  /** `PUT api/supported/publish?name&version` with the notebook's bytes. */
  publish(name: string, version: string, bytes: Uint8Array, signal?: AbortSignal): Promise<SupportedVersion>;
  /** `POST api/supported/rollback?name&version`. */
  rollback(name: string, version: string, signal?: AbortSignal): Promise<SupportedNotebook>;
  /** `GET api/supported/audit?name`. */
  audit(name: string, signal?: AbortSignal): Promise<AuditEvent[]>;
}
