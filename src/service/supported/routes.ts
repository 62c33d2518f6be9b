import type { ServerResponse } from 'node:http';
import {
  IPYNB_MEDIA_TYPE,
  LAST_MODIFIED_HEADER,
  MAX_NOTEBOOK_BYTES,
  type AuditResponse,
  type SearchHit,
  type SupportedListResponse,
  type SupportedNotebook,
  type SupportedVersion,
} from '../../core/catalog/schemas';
import type { Logger } from '../../core/logger';
import { parseNotebook, parseNotebookHeader, serializeNotebook, stripOutputs } from '../../core/notebook';
import { callerOf, type Handlers, type RequestContext } from '../api/operation';
import type { ApiRoutes, Caller } from '../api/routes';
import { RequestError, sendJson } from '../http';
import { formatBytes, readLimitedBody } from './body';
import { SupportedStore, SupportedStoreError } from './store';
import { messageOf } from '../../core/errors';

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

  /** The supported store's operations (api/catalogOperations.ts), by id; the router has checked names and versions. */
  handlers(): Handlers {
    return {
      listSupported: ({ res }) => this.list(res),
      getSupportedVersions: ({ res, query }) => this.versions(need(query.name), res),
      getSupportedFile: ({ res, query }) => this.file(need(query.name), query.version, res),
      publishSupported: (ctx) => this.publish(ctx),
      rollbackSupported: (ctx) => this.rollback(ctx),
      getSupportedAudit: ({ res, query }) => this.audit(query.name, res),
    };
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

  private versions(name: string, res: ServerResponse): void {
    const body: SupportedNotebook = this.opened().notebook(name) ?? notFound(name);
    sendJson(res, 200, body);
  }

  private file(name: string, version: string | undefined, res: ServerResponse): void {
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

  private async publish(ctx: RequestContext): Promise<void> {
    const { req, res } = ctx;
    const caller = callerOf(ctx);
    const name = need(ctx.query.name);
    const version = need(ctx.query.version);
    // A refusal here reaches the client although it is still sending: the router reads the body first.
    this.requireMaintainer(caller, 'publish');
    const store = this.opened();
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

  private rollback(ctx: RequestContext): void {
    const caller = callerOf(ctx);
    this.requireMaintainer(caller, 'roll back');
    const name = need(ctx.query.name);
    const version = need(ctx.query.version);
    const store = this.opened();
    const body: SupportedNotebook = storeCall(() => store.rollback(name, version, caller.name));
    this.log.info(`supported: ${caller.name} rolled ${name} back to ${version}`);
    sendJson(ctx.res, 200, body);
  }

  private audit(name: string | undefined, res: ServerResponse): void {
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
      this.log.error(`supported: cannot open the store: ${messageOf(err)}`);
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

/** A parameter the operation's schema requires, so the router has checked it is there. */
function need(value: string | undefined): string {
  if (value === undefined) throw new Error('a required parameter reached a handler unset');
  return value;
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
