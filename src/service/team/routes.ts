import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import {
  CATALOG_ROUTES,
  IPYNB_MEDIA_TYPE,
  LAST_MODIFIED_HEADER,
  MAX_QUERY_LENGTH_CATALOG,
  type DirectoryListing,
  type SearchHit,
  type TeamResponse,
  type Teammate,
} from '../../core/catalog/schemas';
import { HubError } from '../../core/hub';
import type { Logger } from '../../core/logger';
import { parseNotebook } from '../../core/notebook';
import { callerOf, type Handlers } from '../api/operation';
import type { ApiRoutes, Caller } from '../api/routes';
import { RequestError, queryOf, sendJson } from '../http';
import { homeOf, resolveInHome, type ResolvedPath } from './homes';
import type { UnixIdentity } from './permissions';
import { openHandleInHome, type TeamFileHandle } from './safeRead';
import { tooLargeMessage, type HomeIndex, type TeamIndex } from './teamIndex';
import { entryOf, isoTime, listEntries, searchHome, summarize, visibleNode } from './teamView';

/** What the team routes are built from; index.ts wires the real ones, tests and the benchmark may swap any. */
export interface TeamDeps {
  identities: { lookup(name: string): Promise<UnixIdentity | undefined> };
  directory: { teammatesOf(user: string, signal?: AbortSignal): Promise<string[]> };
  index: TeamIndex;
  /** `HUB_NOTEBOOKS_HOME`, `{username}` replaced per teammate. */
  homeTemplate: string;
  log: Logger;
}

/** Search answers stop here; a query that matches more is too vague to be useful anyway. */
const MAX_SEARCH_HITS = 500;

/** A teammate the caller asked about, with everything a request about their files needs. */
interface Target {
  user: string;
  who: UnixIdentity;
  homeDir: string;
}

/**
 * `api/team`, `api/team/list`, `api/team/stat` and `api/team/file` (see core/catalog/schemas.ts), and the
 * team half of `api/search`. Files come from the teammates' homes on the shared filesystem, never from their
 * servers, and a caller sees only what their own unix account could read there.
 */
export class TeamRoutes implements ApiRoutes {
  constructor(private readonly deps: TeamDeps) {}

  /** The team operations (api/catalogOperations.ts), by id. */
  handlers(): Handlers {
    return {
      listTeammates: (ctx) => this.team(ctx.res, callerOf(ctx)),
      listTeamFolder: (ctx) => this.list(ctx.req, ctx.res, callerOf(ctx)),
      statTeamEntry: (ctx) => this.stat(ctx.req, ctx.res, callerOf(ctx)),
      getTeamFile: (ctx) => this.file(ctx.req, ctx.res, callerOf(ctx)),
    };
  }

  /** Answers one team request by its path after the prefix, for tests that drive the routes without the router. */
  async handle(sub: string, req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<boolean> {
    const routes: Record<string, () => Promise<void>> = {
      [CATALOG_ROUTES.team]: () => this.team(res, caller),
      [CATALOG_ROUTES.teamList]: () => this.list(req, res, caller),
      [CATALOG_ROUTES.teamStat]: () => this.stat(req, res, caller),
      [CATALOG_ROUTES.teamFile]: () => this.file(req, res, caller),
    };
    const route = Object.hasOwn(routes, sub) ? routes[sub] : undefined;
    if (!route) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new RequestError(405, 'method_not_allowed', 'Team notebooks are read-only: only GET is allowed.');
    }
    await route();
    return true;
  }

  /** Every term (whitespace-separated, case-insensitive) must occur in a notebook's header fields or path. */
  async search(query: string, caller: Caller): Promise<SearchHit[]> {
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    const who = await this.deps.identities.lookup(caller.name);
    if (!who || terms.length === 0) return [];
    const hits: SearchHit[] = [];
    for (const home of await this.homes(await this.teammates(caller))) {
      searchHome(home, who, terms, hits, MAX_SEARCH_HITS);
    }
    return hits;
  }

  close(): void {
    // Nothing to release: the index is memory, and file handles are closed by each request.
  }

  private async team(res: ServerResponse, caller: Caller): Promise<void> {
    const who = await this.deps.identities.lookup(caller.name);
    const teammates: Teammate[] = [];
    if (who) {
      for (const home of await this.homes(await this.teammates(caller))) {
        const { notebooks, newestMs } = summarize(home, who);
        const lastModified = newestMs === undefined ? null : isoTime(newestMs);
        teammates.push({ name: home.owner, notebooks, lastModified });
      }
    }
    const body: TeamResponse = { teammates };
    sendJson(res, 200, body);
  }

  private async list(req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> {
    const { target, resolved, home } = await this.locate(req, caller);
    const node = visibleNode(home, resolved.segments, target.who);
    if (!node) throw notReadable(resolved, target.user);
    if (node.kind !== 'folder') {
      throw new RequestError(400, 'invalid_path', `\`${resolved.relPath}\` is a notebook, not a folder.`);
    }
    const body: DirectoryListing = {
      user: target.user,
      path: resolved.relPath,
      entries: listEntries(node, target.who),
    };
    sendJson(res, 200, body);
  }

  private async stat(req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> {
    const { target, resolved, home } = await this.locate(req, caller);
    const node = visibleNode(home, resolved.segments, target.who);
    if (!node) throw notReadable(resolved, target.user);
    sendJson(res, 200, entryOf(node));
  }

  /**
   * Streams a notebook after checking, on the disk and not from the index, that every folder on its real path
   * and the file itself are readable for the caller's account. The folders and the file are opened one inside
   * the other and each is judged on its own descriptor (see safeRead.ts), and the bytes served are read from
   * the descriptor that was judged, so a swap of any name on the way is refused rather than served.
   */
  private async file(req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> {
    const { target, resolved, home } = await this.locate(req, caller);
    if (!resolved.real.endsWith('.ipynb')) {
      throw new RequestError(
        404,
        'not_found',
        'Only notebooks (.ipynb files) are shared from teammates’ homes.',
      );
    }
    const { handle, stat: st } = await this.checkOnDisk(resolved, target);
    try {
      const node = visibleNode(home, resolved.segments, target.who);
      const indexed =
        node?.kind === 'notebook' &&
        node.meta.ino === st.ino &&
        node.meta.dev === st.dev &&
        node.meta.size === st.size &&
        node.meta.mtimeMs === st.mtimeMs;
      // The index parsed this very version already; otherwise the file is read and checked now.
      let bytes: Buffer | undefined;
      let problem = indexed ? node.warning : undefined;
      if (!indexed) {
        bytes = await handle.readFile();
        const parsed = parseNotebook(bytes);
        if (!parsed.ok) problem = parsed.reason;
      }
      if (problem !== undefined) {
        throw new RequestError(
          422,
          'invalid_notebook',
          `\`${resolved.relPath}\` cannot be opened: ${problem}`,
        );
      }
      res.writeHead(200, {
        'Content-Type': IPYNB_MEDIA_TYPE,
        'Content-Length': String(bytes?.length ?? st.size),
        [LAST_MODIFIED_HEADER]: isoTime(st.mtimeMs),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      if (req.method === 'HEAD') res.end();
      else if (bytes) res.end(bytes);
      else
        await pipeline(
          handle.createReadStream({ start: 0, end: Math.max(0, st.size - 1), autoClose: false }),
          res,
        );
    } finally {
      await handle.close();
    }
  }

  /**
   * Opens the file from the real home down, checking each folder and the file for the caller on its own
   * descriptor; throws 404 for anything not readable and 413 for a readable file over the size limit.
   */
  private async checkOnDisk(resolved: ResolvedPath, target: Target): Promise<TeamFileHandle> {
    const opened = await openHandleInHome(resolved.realHome, resolved.segments, { who: target.who });
    if (!('refused' in opened)) return opened;
    if (opened.refused === 'too_large') {
      throw new RequestError(
        413,
        'too_large',
        `${tooLargeMessage(opened.stat.size)} Open it on the hub instead.`,
      );
    }
    throw notReadable(resolved, target.user);
  }

  /** The teammate and path a list/stat/file request names, checked, with that home's index brought up to date. */
  private async locate(
    req: IncomingMessage,
    caller: Caller,
  ): Promise<{ target: Target; resolved: ResolvedPath; home: HomeIndex }> {
    const query = queryOf(req, MAX_QUERY_LENGTH_CATALOG);
    const target = await this.target(caller, query.get('user') ?? '');
    const resolved = await resolveInHome(target.homeDir, query.get('path') ?? '', target.user);
    const home = await this.deps.index.home(target.user, target.homeDir);
    return { target, resolved, home };
  }

  /**
   * The teammate named in `user`. Anyone else, whether they exist or not, gets the same 404, so the answer
   * does not tell who has an account on the hub.
   */
  private async target(caller: Caller, user: string): Promise<Target> {
    if (user === '')
      throw new RequestError(400, 'invalid_request', 'Name the teammate in the `user` parameter.');
    const mates = await this.teammates(caller);
    const homeDir = mates.includes(user) ? homeOf(this.deps.homeTemplate, user) : undefined;
    const who = homeDir === undefined ? undefined : await this.deps.identities.lookup(caller.name);
    if (homeDir === undefined || who === undefined) {
      const shown = user.length > 64 ? `${user.slice(0, 64)}…` : user;
      throw new RequestError(
        404,
        'not_found',
        `No teammate called ${JSON.stringify(shown)} shares notebooks with you.`,
      );
    }
    return { user, who, homeDir };
  }

  private async teammates(caller: Caller): Promise<string[]> {
    try {
      return await this.deps.directory.teammatesOf(caller.name);
    } catch (err) {
      if (!(err instanceof HubError)) throw err;
      this.deps.log.warn(`reading the hub's groups failed: ${err.message}`);
      throw new RequestError(
        503,
        'hub_unavailable',
        'The hub did not tell who your teammates are; try again in a minute.',
      );
    }
  }

  /** The indexes of the teammates' homes (those whose names can be a home), refreshed side by side. */
  private homes(mates: readonly string[]): Promise<HomeIndex[]> {
    const homes: Promise<HomeIndex>[] = [];
    for (const mate of mates) {
      const dir = homeOf(this.deps.homeTemplate, mate);
      if (dir !== undefined) homes.push(this.deps.index.home(mate, dir));
    }
    return Promise.all(homes);
  }
}

function notReadable(resolved: ResolvedPath, user: string): RequestError {
  const message =
    resolved.relPath === ''
      ? `The home folder of ${user} is not shared with you.`
      : `No readable \`${resolved.relPath}\` in ${user}'s home: it does not exist, or is not shared with you.`;
  return new RequestError(404, 'not_found', message);
}
