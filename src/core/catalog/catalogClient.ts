import type * as z from 'zod/mini';
import { DEFAULT_SERVICE_PATH, brokerErrorSchema } from '../auth/schemas';
import { HubAuthError, InvalidHubResponseError, errorForStatus, extractServerMessage } from '../hub/errors';
import { checkShape, expectStatus } from '../hub/response';
import type { HttpMethod, HubResponse, HubTransport } from '../hub/transport';
import { checkRelativePath } from '../uris/relativePath';
import { CatalogError } from './errors';
import {
  CATALOG_ROUTES,
  IPYNB_MEDIA_TYPE,
  LAST_MODIFIED_HEADER,
  SUPPORTED_NAME_PATTERN,
  SUPPORTED_NAME_RULE,
  VERSION_PATTERN,
  VERSION_RULE,
  auditResponseSchema,
  directoryListingSchema,
  meResponseSchema,
  authoringResponseSchema,
  type AuthoringResponse,
  searchResponseSchema,
  supportedListResponseSchema,
  supportedNotebookSchema,
  supportedVersionSchema,
  teamEntrySchema,
  teamResponseSchema,
  type AuditEvent,
  type DirectoryListing,
  type MeResponse,
  type SearchHit,
  type SupportedNotebook,
  type SupportedSummary,
  type SupportedVersion,
  type TeamEntry,
  type Teammate,
} from './schemas';
import type { CatalogApi, CatalogFile } from './types';

export interface CatalogClientOptions {
  transport: HubTransport;
  /** Where the service lives relative to the hub's base URL; DEFAULT_SERVICE_PATH when omitted. */
  servicePath?: string;
}

/**
 * The hub-notebooks service's catalog API (`{servicePath}api/…`, routes in schemas.ts) over the hub transport,
 * with the user's hub token. Inputs are checked before sending (CatalogError, nothing sent); answers are
 * validated against the protocol's schemas; `{error, message}` bodies become CatalogError.
 */
export function createCatalogClient(options: CatalogClientOptions): CatalogApi {
  return new CatalogClient(
    options.transport,
    normaliseServicePath(options.servicePath ?? DEFAULT_SERVICE_PATH),
  );
}

type Params = Record<string, string | undefined>;

class CatalogClient implements CatalogApi {
  constructor(
    private readonly transport: HubTransport,
    private readonly servicePath: string,
  ) {}

  async me(signal?: AbortSignal): Promise<MeResponse> {
    return this.getJson(CATALOG_ROUTES.me, {}, meResponseSchema, 'who you are', signal);
  }

  async authoring(signal?: AbortSignal): Promise<AuthoringResponse> {
    const what = "the team's template";
    return this.getJson(CATALOG_ROUTES.authoring, {}, authoringResponseSchema, what, signal);
  }

  async listTeammates(signal?: AbortSignal): Promise<Teammate[]> {
    const body = await this.getJson(CATALOG_ROUTES.team, {}, teamResponseSchema, 'your team', signal);
    return body.teammates;
  }

  async listTeamFolder(user: string, path: string, signal?: AbortSignal): Promise<DirectoryListing> {
    const params = { user: teammate(user), path: relative(path) };
    const what = `${user}'s folder ${path || '(home)'}`;
    return this.getJson(CATALOG_ROUTES.teamList, params, directoryListingSchema, what, signal);
  }

  async statTeamEntry(user: string, path: string, signal?: AbortSignal): Promise<TeamEntry> {
    const params = { user: teammate(user), path: relative(path) };
    return this.getJson(CATALOG_ROUTES.teamStat, params, teamEntrySchema, `${user}'s ${path}`, signal);
  }

  async readTeamFile(user: string, path: string, signal?: AbortSignal): Promise<CatalogFile> {
    const params = { user: teammate(user), path: relative(path) };
    return this.getFile(CATALOG_ROUTES.teamFile, params, `${user}'s ${path}`, signal);
  }

  async search(query: string, signal?: AbortSignal): Promise<SearchHit[]> {
    // An empty search matches nothing; the service would refuse it, so it is not sent.
    if (query.trim() === '') return [];
    const body = await this.getJson(
      CATALOG_ROUTES.search,
      { q: query },
      searchResponseSchema,
      'search',
      signal,
    );
    return body.hits;
  }

  async listSupported(signal?: AbortSignal): Promise<SupportedSummary[]> {
    const what = 'the supported notebooks';
    const body = await this.getJson(CATALOG_ROUTES.supported, {}, supportedListResponseSchema, what, signal);
    return body.notebooks;
  }

  async getSupported(name: string, signal?: AbortSignal): Promise<SupportedNotebook> {
    const params = { name: notebookName(name) };
    const what = `the versions of ${name}`;
    return this.getJson(CATALOG_ROUTES.supportedVersions, params, supportedNotebookSchema, what, signal);
  }

  async readSupportedFile(
    name: string,
    version: string | undefined,
    signal?: AbortSignal,
  ): Promise<CatalogFile> {
    const params = { name: notebookName(name), version: version === undefined ? undefined : semver(version) };
    return this.getFile(CATALOG_ROUTES.supportedFile, params, `${name} ${version ?? '(current)'}`, signal);
  }

  async publish(
    name: string,
    version: string,
    bytes: Uint8Array,
    signal?: AbortSignal,
  ): Promise<SupportedVersion> {
    const params = { name: notebookName(name), version: semver(version) };
    const res = await this.send('PUT', CATALOG_ROUTES.publish, params, signal, bytes);
    return this.json(res, [201, 200], supportedVersionSchema, `publish ${name} ${version}`);
  }

  async rollback(name: string, version: string, signal?: AbortSignal): Promise<SupportedNotebook> {
    const params = { name: notebookName(name), version: semver(version) };
    const res = await this.send('POST', CATALOG_ROUTES.rollback, params, signal);
    return this.json(res, [200], supportedNotebookSchema, `roll ${name} back to ${version}`);
  }

  async audit(name: string, signal?: AbortSignal): Promise<AuditEvent[]> {
    const params = { name: notebookName(name) };
    const what = `the history of ${name}`;
    return (await this.getJson(CATALOG_ROUTES.audit, params, auditResponseSchema, what, signal)).events;
  }

  private async getJson<S extends z.ZodMiniType>(
    route: string,
    params: Params,
    schema: S,
    what: string,
    signal: AbortSignal | undefined,
  ): Promise<z.infer<S>> {
    return this.json(await this.send('GET', route, params, signal), [200], schema, what);
  }

  /** A file's bytes as received (the transport's byte mode when it has one), and when it last changed. */
  private async getFile(
    route: string,
    params: Params,
    what: string,
    signal: AbortSignal | undefined,
  ): Promise<CatalogFile> {
    const res = await this.send('GET', route, params, signal);
    this.check(res, [200], what);
    const lastModified = lastModifiedOf(res);
    if (lastModified === undefined) {
      throw new InvalidHubResponseError(
        `The hub-notebooks service sent ${what} without its modification time; the service may be too old.`,
        { status: res.status, url: res.url },
      );
    }
    return { bytes: res.data, lastModified };
  }

  private async send(
    method: HttpMethod,
    route: string,
    params: Params,
    signal: AbortSignal | undefined,
    bytes?: Uint8Array,
  ): Promise<HubResponse<Uint8Array>> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, value);
    const encoded = query.toString();
    const qs = encoded === '' ? '' : `?${encoded}`;
    const req = {
      method,
      path: `${this.servicePath}${route}${qs}`,
      signal,
      ...(bytes ? { body: bytes, contentType: IPYNB_MEDIA_TYPE } : {}),
    };
    if (this.transport.requestBytes) return this.transport.requestBytes(req);
    // A transport without a byte mode hands over text; notebooks are UTF-8 JSON, so encoding it back is exact.
    const res = await this.transport.request(req);
    return { ...res, data: Buffer.from(res.data, 'utf8') };
  }

  private json<S extends z.ZodMiniType>(
    res: HubResponse<Uint8Array>,
    ok: readonly number[],
    schema: S,
    what: string,
  ): z.infer<S> {
    this.check(res, ok, what);
    let raw: unknown;
    try {
      raw = JSON.parse(text(res.data));
    } catch {
      throw new InvalidHubResponseError(
        `The hub-notebooks service answered ${what} with ${res.headers['content-type'] ?? 'no content type'} instead of JSON.`,
        { status: res.status, url: res.url },
      );
    }
    return checkShape(raw, schema, what, res);
  }

  /** Throws the typed error for a response whose status is not one of `ok`. */
  private check(res: HubResponse<Uint8Array>, ok: readonly number[], what: string): void {
    if (ok.includes(res.status)) {
      expectStatus(res, ok, what); // a 200 reached through redirects can still be the hub's login page
      return;
    }
    const body = text(res.data);
    const failure = serviceError(body);
    if (res.status === 401) {
      throw new HubAuthError(
        `The hub-notebooks service refused your token (401: ${failure?.message ?? extractServerMessage(body) ?? 'no reason given'}). Sign in again.`,
        { status: 401, url: res.url, serverMessage: failure?.message },
      );
    }
    if (failure) throw new CatalogError(failure.error, failure.message, res.status, res.url);
    if (res.status === 404) {
      throw new CatalogError(
        'service_missing',
        `This hub has no hub-notebooks service at /${this.servicePath}`,
        404,
        res.url,
      );
    }
    throw errorForStatus(res.status, res.url, body, what);
  }
}

function serviceError(body: string): z.infer<typeof brokerErrorSchema> | undefined {
  try {
    const parsed = brokerErrorSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The service's header (ISO 8601), else the standard Last-Modified (an HTTP date) turned into ISO 8601. */
function lastModifiedOf(res: HubResponse<unknown>): string | undefined {
  const own = res.headers[LAST_MODIFIED_HEADER];
  if (own) return own;
  const http = res.headers['last-modified'];
  const time = http ? Date.parse(http) : NaN;
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function relative(path: string): string {
  const check = checkRelativePath(path);
  if (!check.ok) throw refused('invalid_path', check.message);
  return check.path;
}

function teammate(user: string): string {
  // The service decides who exists; the client keeps out what could not be one folder name (`..`, `/`, …).
  const check = checkRelativePath(user);
  if (!check.ok || check.segments.length !== 1) throw refused('invalid_path', 'That is not a hub user name.');
  return user;
}

function notebookName(name: string): string {
  if (!SUPPORTED_NAME_PATTERN.test(name)) {
    throw refused('invalid_name', `That is not a supported notebook name. ${SUPPORTED_NAME_RULE}`);
  }
  return name;
}

function semver(version: string): string {
  if (!VERSION_PATTERN.test(version)) {
    throw refused('invalid_version', `That is not a version. ${VERSION_RULE}`);
  }
  return version;
}

function refused(code: 'invalid_path' | 'invalid_name' | 'invalid_version', message: string): CatalogError {
  return new CatalogError(code, message, undefined, undefined);
}

/**
 * `services/hub-notebooks/` as the transport needs it: relative to the hub's base URL (a leading `/` would
 * drop a hub's path prefix), ending in `/`, and without steps that could lead elsewhere on the hub.
 */
function normaliseServicePath(raw: string): string {
  const trimmed = raw.replace(/^\/+/, '').replace(/\/+$/, '');
  const check = checkRelativePath(trimmed);
  if (!check.ok || trimmed === '' || /[?#]/.test(trimmed)) {
    throw new TypeError(
      `The hub-notebooks service path "${raw}" is not a path on the hub such as ${DEFAULT_SERVICE_PATH}.`,
    );
  }
  return `${check.segments.map(encodeURIComponent).join('/')}/`;
}
