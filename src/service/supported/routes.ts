import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CATALOG_ROUTES,
  IPYNB_MEDIA_TYPE,
  LAST_MODIFIED_HEADER,
  MAX_NOTEBOOK_BYTES,
  MAX_QUERY_LENGTH_CATALOG,
  SUPPORTED_NAME_PATTERN,
  SUPPORTED_NAME_RULE,
  VERSION_PATTERN,
  VERSION_RULE,
  type AuditResponse,
  type SearchHit,
  type SupportedListResponse,
  type SupportedNotebook,
  type SupportedVersion,
} from '../../core/catalog/protocol';
import type { Logger } from '../../core/logger';
import { parseNotebook, parseNotebookHeader, serializeNotebook, stripOutputs } from '../../core/notebook';
import type { ApiRoutes, Caller } from '../api/routes';
import { RequestError, queryOf, sendJson } from '../http';
import { discardBody, formatBytes, readLimitedBody } from './body';
import { SupportedStore, SupportedStoreError } from './store';

export interface SupportedRoutesOptions {
  /** The largest notebook accepted; MAX_NOTEBOOK_BYTES unless a test wants less. */
  maxNotebookBytes?: number;
}

/**
 * The supported catalog's part of the API (see CATALOG_ROUTES): anyone signed in lists, reads and searches;
 * maintainers publish and roll back. Names and versions travel in the query string and are checked against
 * SUPPORTED_NAME_PATTERN and VERSION_PATTERN before anything touches the store.
 */
export class SupportedRoutes implements ApiRoutes {
  private store: SupportedStore | undefined;
  private readonly maxBytes: number;

  constructor(
    private readonly openStore: () => SupportedStore,
    private readonly maintainerGroups: readonly string[],
    private readonly log: Logger,
    options: SupportedRoutesOptions = {},
  ) {
    this.maxBytes = options.maxNotebookBytes ?? MAX_NOTEBOOK_BYTES;
  }

  async handle(sub: string, req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<boolean> {
    switch (sub) {
      case CATALOG_ROUTES.supported:
        allow(req, 'GET');
        this.list(res);
        return true;
      case CATALOG_ROUTES.supportedVersions:
        allow(req, 'GET');
        this.versions(req, res);
        return true;
      case CATALOG_ROUTES.supportedFile:
        allow(req, 'GET');
        this.file(req, res);
        return true;
      case CATALOG_ROUTES.publish:
        allow(req, 'PUT');
        await this.publish(req, res, caller);
        return true;
      case CATALOG_ROUTES.rollback:
        allow(req, 'POST');
        this.rollback(req, res, caller);
        return true;
      case CATALOG_ROUTES.audit:
        allow(req, 'GET');
        this.audit(req, res);
        return true;
      default:
        return false;
    }
  }

  /** Every term of the query, case-insensitively, in the name or header of a notebook's current version. */
  search(query: string, _caller: Caller): Promise<SearchHit[]> {
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    let store: SupportedStore;
    try {
      store = this.opened();
    } catch {
      // The team half of a search still answers; opened() has logged why the store is unavailable.
      return Promise.resolve([]);
    }
    const hits: SearchHit[] = [];
    for (const { name, current } of store.list()) {
      const h = current.header;
      const text = [
        name,
        h.title,
        h.purpose,
        h.audience,
        h.dataSources,
        h.description,
        ...(h.parameters ?? []),
      ]
        .filter((part) => part !== undefined)
        .join('\n')
        .toLowerCase();
      if (terms.every((term) => text.includes(term))) {
        hits.push({ kind: 'supported', owner: name, path: current.version, header: h });
      }
    }
    return Promise.resolve(hits);
  }

  close(): void {
    this.store?.close();
    this.store = undefined;
  }

  private list(res: ServerResponse): void {
    const body: SupportedListResponse = { notebooks: this.opened().list() };
    sendJson(res, 200, body);
  }

  private versions(req: IncomingMessage, res: ServerResponse): void {
    const name = nameOf(queryOf(req, MAX_QUERY_LENGTH_CATALOG));
    const body: SupportedNotebook = this.opened().notebook(name) ?? notFound(name);
    sendJson(res, 200, body);
  }

  private file(req: IncomingMessage, res: ServerResponse): void {
    const query = queryOf(req, MAX_QUERY_LENGTH_CATALOG);
    const name = nameOf(query);
    const version = query.has('version') ? versionOf(query) : undefined;
    const store = this.opened();
    const found = store.version(name, version) ?? notFound(name, version);
    const bytes = store.read(found);
    res.writeHead(200, {
      'Content-Type': IPYNB_MEDIA_TYPE,
      'Content-Length': bytes.length,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ETag: `"${found.sha256}"`,
      [LAST_MODIFIED_HEADER]: found.publishedAt,
    });
    res.end(bytes);
  }

  private async publish(req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> {
    let name: string, version: string, store: SupportedStore;
    try {
      this.requireMaintainer(caller, 'publish');
      const query = queryOf(req, MAX_QUERY_LENGTH_CATALOG);
      name = nameOf(query);
      version = versionOf(query);
      store = this.opened();
    } catch (err) {
      // The refusal must reach the client through the hub's proxy, which is still sending the notebook.
      await discardBody(req);
      throw err;
    }
    const body = await readLimitedBody(req, this.maxBytes, 'The notebook');
    const parsed = parseNotebook(body);
    if (!parsed.ok) throw new RequestError(400, 'invalid_notebook', parsed.reason);
    // Stripped here, on the server, whatever the client did: no output a cell printed reaches the store.
    const stripped = stripOutputs(parsed.notebook);
    const bytes = Buffer.from(serializeNotebook(stripped), 'utf8');
    if (bytes.length > this.maxBytes) {
      throw new RequestError(
        413,
        'too_large',
        `The notebook is ${formatBytes(bytes.length)} once formatted, over the ${formatBytes(this.maxBytes)} ` +
          'the catalog accepts. Remove large embedded data and try again.',
      );
    }
    const header = parseNotebookHeader(stripped);
    const published: SupportedVersion = storeCall(() =>
      store.publish({ name, version, bytes, header, actor: caller.name }),
    );
    this.log.info(`supported: ${caller.name} published ${name} ${version} (sha256 ${published.sha256})`);
    sendJson(res, 201, published);
  }

  private rollback(req: IncomingMessage, res: ServerResponse, caller: Caller): void {
    this.requireMaintainer(caller, 'roll back');
    const query = queryOf(req, MAX_QUERY_LENGTH_CATALOG);
    const name = nameOf(query);
    const version = versionOf(query);
    const store = this.opened();
    const body: SupportedNotebook = storeCall(() => store.rollback(name, version, caller.name));
    this.log.info(`supported: ${caller.name} rolled ${name} back to ${version}`);
    sendJson(res, 200, body);
  }

  private audit(req: IncomingMessage, res: ServerResponse): void {
    const query = queryOf(req, MAX_QUERY_LENGTH_CATALOG);
    const name = query.has('name') ? nameOf(query) : undefined;
    const store = this.opened();
    if (name !== undefined && store.version(name) === undefined) notFound(name);
    const body: AuditResponse = { events: store.audit(name) };
    sendJson(res, 200, body);
  }

  private requireMaintainer(caller: Caller, action: string): void {
    if (caller.maintainer) return;
    const groups = this.maintainerGroups;
    const who =
      groups.length === 0
        ? 'No maintainer group is configured (HUB_NOTEBOOKS_MAINTAINER_GROUPS), so nobody may'
        : `Only members of the hub group${groups.length > 1 ? 's' : ''} ${groups.join(', ')} may`;
    throw new RequestError(
      403,
      'forbidden',
      `${who} ${action} supported notebooks, and ${caller.name} is not one of them.`,
    );
  }

  /** Opens the store on first use, so a bad data dir fails catalog calls clearly instead of the whole service. */
  private opened(): SupportedStore {
    if (this.store) return this.store;
    try {
      this.store = this.openStore();
      return this.store;
    } catch (err) {
      this.log.error(`supported: cannot open the store: ${err instanceof Error ? err.message : String(err)}`);
      throw new RequestError(
        500,
        'server_error',
        'The supported-notebook store could not be opened; the hub-notebooks service log on the hub says why.',
      );
    }
  }
}

/** Builds the routes over a store in the configured data dir. */
export function supportedRoutesFor(
  dataDir: string,
  maintainerGroups: readonly string[],
  log: Logger,
  options?: SupportedRoutesOptions,
): SupportedRoutes {
  return new SupportedRoutes(() => new SupportedStore(dataDir), maintainerGroups, log, options);
}

function allow(req: IncomingMessage, method: 'GET' | 'PUT' | 'POST'): void {
  if (req.method === method) return;
  throw new RequestError(405, 'method_not_allowed', `Use ${method} for this catalog endpoint.`);
}

function nameOf(query: URLSearchParams): string {
  const name = query.get('name');
  if (name === null || name === '') {
    throw new RequestError(400, 'invalid_name', 'Give the supported notebook’s name in `name`.');
  }
  if (!SUPPORTED_NAME_PATTERN.test(name)) {
    throw new RequestError(400, 'invalid_name', SUPPORTED_NAME_RULE);
  }
  return name;
}

function versionOf(query: URLSearchParams): string {
  const version = query.get('version');
  if (version === null || version === '') {
    throw new RequestError(400, 'invalid_version', 'Give the version in `version`, as MAJOR.MINOR.PATCH.');
  }
  if (!VERSION_PATTERN.test(version)) {
    throw new RequestError(400, 'invalid_version', VERSION_RULE);
  }
  return version;
}

function notFound(name: string, version?: string): never {
  const what =
    version === undefined ? `No supported notebook is named ${name}.` : `${name} has no version ${version}.`;
  throw new RequestError(404, 'not_found', what);
}

function storeCall<T>(call: () => T): T {
  try {
    return call();
  } catch (err) {
    if (err instanceof SupportedStoreError) {
      throw new RequestError(err.code === 'conflict' ? 409 : 404, err.code, err.message);
    }
    throw err;
  }
}
