import {
  HubNotFoundError,
  InvalidHubResponseError,
  ServerNotRunningError,
  extractServerMessage,
} from '../hub/errors';
import { expectStatus, parseBody } from '../hub/response';
import { getServerStatus, singleUserPath, stoppedNamedServer } from '../hub/singleUserApi';
import type { HttpMethod, HubResponse, HubTransport } from '../hub/transport';
import { checkRelativePath } from '../uris/relativePath';
import { ContentsPathError, ContentsPermissionError } from './errors';
import { contentsModelSchema, type ContentsModel } from './schemas';
import type { ContentsEntry } from './types';

export interface ContentsClientOptions {
  transport: HubTransport;
  /** Whose server: the signed-in user. */
  user: string;
  /** A named server; the default server when omitted or ''. */
  serverName?: string;
  /**
   * The folder, relative to the server's root, that every path of this client is relative to. The hub runs
   * single-user servers with notebook_dir=/home, so the extension passes the user's name to work in their home
   * folder: with root `alice`, `x.ipynb` means the server's `alice/x.ipynb`, and the entries it returns say
   * `x.ipynb` again. '' (the default) uses paths relative to the server's root as they are.
   */
  root?: string;
}

/** What one request to `api/contents` may carry besides its method and path. */
export interface ContentsRequest {
  query?: Record<string, string>;
  suffix?: string;
  body?: unknown;
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
}

const NOTEBOOK_SUFFIX = '.ipynb';

/**
 * `/user/{name}/api/contents` of one user's server: the URL building, status checks and model mapping that the
 * contents client (contentsClient.ts) and the authoring operations (upload.ts, copy.ts, …) share.
 *
 * Two 403s are told apart by their body. jupyter_server answers a file the user's unix account may not touch
 * with JSON `{"message": "Permission denied: <path>"}`: that is ContentsPermissionError, and the token is fine.
 * Every other 403 (`Forbidden`, a missing `_xsrf`, the hub's own pages) stays HubAuthError. A write to a
 * stopped server is answered by the hub itself, with HTML (405 on JupyterHub 3, 403 "_xsrf argument missing"
 * on 5): `check` then asks `api/status`, and throws ServerNotRunningError when that confirms it.
 */
export class ContentsEndpoint {
  readonly transport: HubTransport;
  readonly user: string;
  readonly serverName: string;
  readonly root: string;

  constructor(options: ContentsClientOptions) {
    this.transport = options.transport;
    this.user = pathComponent(options.user, 'user');
    this.serverName = options.serverName ? pathComponent(options.serverName, 'serverName') : '';
    const root = checkRelativePath(options.root ?? '');
    if (!root.ok) throw new TypeError(`The contents root is not a relative path: ${root.message}`);
    this.root = root.path;
  }

  /** Checks a caller's path and puts the root in front: the path relative to the server's root. */
  resolve(path: string): string {
    const check = checkRelativePath(path);
    if (!check.ok) throw new ContentsPathError(path, check.reason, check.message);
    return [this.root, check.path].filter((p) => p !== '').join('/');
  }

  /** One request to `api/contents/{serverPath}{suffix}`; `serverPath` is already resolved. */
  send(method: HttpMethod, serverPath: string, opts: ContentsRequest): Promise<HubResponse<string>> {
    const encoded = serverPath === '' ? '' : `/${serverPath.split('/').map(encodeURIComponent).join('/')}`;
    const query = opts.query ? `?${new URLSearchParams(opts.query).toString()}` : '';
    const path = `${singleUserPath(this.user, this.serverName)}api/contents${encoded}${opts.suffix ?? ''}${query}`;
    return this.transport.request({
      method,
      path,
      body: opts.body,
      signal: opts.signal,
      ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    });
  }

  /** Throws the typed error for a response whose status is not one of `ok`. */
  async check(
    res: HubResponse<string>,
    ok: readonly number[],
    what: string,
    path: string,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (ok.includes(res.status)) {
      expectStatus(res, ok, what); // a 200 reached through redirects can still be the hub's login page
      return;
    }
    const said = extractServerMessage(res.data);
    const html = /^\s*</.test(res.data) || /text\/html/i.test(res.headers['content-type'] ?? '');
    if (res.status === 403 && !html && said && /^Permission denied\b/.test(said)) {
      throw new ContentsPermissionError(path, said);
    }
    if (res.status === 404 && html) {
      const stopped = await stoppedNamedServer(this.transport, this.user, this.serverName, signal);
      if (stopped) throw stopped;
    }
    if (res.status === 404) {
      throw new HubNotFoundError(`${shown(path)} does not exist on your server (404).`, {
        status: 404,
        url: res.url,
        serverMessage: said,
      });
    }
    if ((res.status === 403 || res.status === 405) && html) {
      const stopped = await this.serverStopped(signal);
      if (stopped) throw stopped;
    }
    expectStatus(res, ok, what);
  }

  /** The current entry with its hash: `GET …?type=notebook|file&content=0&hash=1` (1.x ignores `hash`). */
  async statFile(path: string, signal?: AbortSignal): Promise<ContentsEntry> {
    const at = this.resolve(path);
    const query = { type: isNotebookPath(at) ? 'notebook' : 'file', content: '0', hash: '1' };
    const res = await this.send('GET', at, { query, signal });
    await this.check(res, [200], `look up ${shown(path)}`, path, signal);
    return this.entry(parseBody(res, contentsModelSchema, 'the file lookup'));
  }

  /** A server model as the caller sees it: path relative to the root, notebooks typed as such. */
  entry(model: ContentsModel): ContentsEntry {
    const serverPath = model.path.replace(/^\/+/, '');
    let path = serverPath;
    if (this.root !== '') {
      if (serverPath === this.root) path = '';
      else if (serverPath.startsWith(`${this.root}/`)) path = serverPath.slice(this.root.length + 1);
      else {
        throw new InvalidHubResponseError(
          `Your server answered with an entry outside ${this.root}/ (${serverPath}); nothing was shown.`,
        );
      }
    }
    // A notebook read with type=file is reported as a file; jupyter_server itself calls every .ipynb a notebook.
    const type = model.type === 'file' && isNotebookPath(serverPath) ? 'notebook' : model.type;
    return {
      path,
      name: model.name,
      type,
      lastModified: model.last_modified,
      created: model.created ?? undefined,
      size: model.size ?? undefined,
      writable: model.writable ?? true,
      hash: model.hash ?? undefined,
    };
  }

  /** `GET api/status`: the ServerNotRunningError it ends in when the server is stopped, else undefined. */
  private serverStopped(signal: AbortSignal | undefined): Promise<ServerNotRunningError | undefined> {
    return getServerStatus(this.transport, this.user, this.serverName, signal).then(
      () => undefined,
      (err: unknown) => (err instanceof ServerNotRunningError ? err : undefined),
    );
  }
}

export function isNotebookPath(path: string): boolean {
  return path.endsWith(NOTEBOOK_SUFFIX);
}

/** A path as the user reads it in a message. */
export function shown(path: string): string {
  return path === '' ? 'the top folder' : path;
}

/** A user or server name goes into the URL path encoded; `.` and `..` would still be read as steps up. */
function pathComponent(value: string, what: string): string {
  if (value === '' || value === '.' || value === '..') throw new TypeError(`Not a valid ${what}: "${value}"`);
  return value;
}
