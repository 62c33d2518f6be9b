import type * as z from 'zod/mini';
import {
  HubNotFoundError,
  InvalidHubResponseError,
  ServerNotRunningError,
  extractServerMessage,
} from '../hub/errors';
import { expectStatus, parseBody } from '../hub/response';
import { getServerStatus, singleUserPath } from '../hub/singleUserApi';
import type { HttpMethod, HubResponse, HubTransport } from '../hub/transport';
import { checkRelativePath } from '../uris/relativePath';
import {
  checkpointListSchema,
  checkpointModelSchema,
  contentsModelSchema,
  directoryModelSchema,
  fileModelSchema,
  notebookModelSchema,
  type ContentsModel,
} from './schemas';
import {
  ContentsConflictError,
  ContentsContentError,
  ContentsExistsError,
  ContentsPathError,
  ContentsPermissionError,
} from './errors';
import type {
  Checkpoint,
  ContentsApi,
  ContentsEntry,
  ContentsFile,
  ContentsVersion,
  SaveOptions,
} from './types';

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

/**
 * `/user/{name}/api/contents` of the user's own single-user server: the ContentsApi over the hub transport.
 *
 * Two 403s are told apart by their body. jupyter_server answers a file the user's unix account may not touch
 * with JSON `{"message": "Permission denied: <path>"}`: that is ContentsPermissionError, and the token is fine.
 * Every other 403 (`Forbidden`, a missing `_xsrf`, the hub's own pages) stays HubAuthError. A write to a
 * stopped server is answered by the hub itself, with HTML (405 on JupyterHub 3, 403 "_xsrf argument missing"
 * on 5): the client then asks `api/status`, and throws ServerNotRunningError when that confirms it.
 */
export function createContentsClient(options: ContentsClientOptions): ContentsApi {
  return new ContentsClient(options);
}

const NOTEBOOK_SUFFIX = '.ipynb';
// ignoreBOM keeps a leading byte-order mark in the text instead of dropping it, so the bytes survive as given.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class ContentsClient implements ContentsApi {
  private readonly transport: HubTransport;
  private readonly user: string;
  private readonly serverName: string;
  private readonly root: string;

  constructor(options: ContentsClientOptions) {
    this.transport = options.transport;
    this.user = pathComponent(options.user, 'user');
    this.serverName = options.serverName ? pathComponent(options.serverName, 'serverName') : '';
    const root = checkRelativePath(options.root ?? '');
    if (!root.ok) throw new TypeError(`The contents root is not a relative path: ${root.message}`);
    this.root = root.path;
  }

  async list(path: string, signal?: AbortSignal): Promise<ContentsEntry[]> {
    const at = this.resolve(path);
    const res = await this.send('GET', at, { query: { type: 'directory', content: '1' }, signal });
    await this.check(res, [200], `list ${shown(path)}`, path, signal);
    return parseBody(res, directoryModelSchema, 'the folder listing').content.map((m) => this.entry(m));
  }

  async stat(path: string, signal?: AbortSignal): Promise<ContentsEntry> {
    const at = this.resolve(path);
    const res = await this.send('GET', at, { query: { content: '0' }, signal });
    await this.check(res, [200], `look up ${shown(path)}`, path, signal);
    const model = parseBody(res, contentsModelSchema, 'the file lookup');
    // jupyter_server 2.11–2.17 answers hash=1 on a folder with a 500, so the hash is asked for only once the
    // entry is known to be a file, and only from servers that hash at all (their models carry `hash: null`).
    if (model.type === 'directory' || model.hash !== null) return this.entry(model);
    return this.statFile(path, signal);
  }

  async read(path: string, signal?: AbortSignal): Promise<ContentsFile> {
    const at = this.resolve(path);
    const what = `read ${shown(path)}`;
    // format=text returns the bytes on disk as they are; the notebook model would be nbformat's re-serialisation.
    const query = { type: 'file', format: 'text', content: '1', hash: '1' };
    const res = await this.send('GET', at, { query, signal });
    if (res.status !== 400) {
      await this.check(res, [200], what, path, signal);
      const model = parseBody(res, fileModelSchema, 'the file');
      return { entry: this.entry(model), bytes: decodeContent(model.content, model.format) };
    }
    // A 400 is a file that is not UTF-8, or a contents manager that will not serve a notebook as a file.
    if (!isNotebookPath(at)) {
      const b64 = await this.send('GET', at, { query: { ...query, format: 'base64' }, signal });
      await this.check(b64, [200], what, path, signal);
      const model = parseBody(b64, fileModelSchema, 'the file');
      return { entry: this.entry(model), bytes: decodeContent(model.content, model.format) };
    }
    const nb = await this.send('GET', at, { query: { type: 'notebook', content: '1', hash: '1' }, signal });
    await this.check(nb, [200], what, path, signal);
    const model = parseBody(nb, notebookModelSchema, 'the notebook');
    const text = `${JSON.stringify(model.content, null, 1)}\n`;
    return { entry: this.entry(model), bytes: new TextEncoder().encode(text) };
  }

  async write(path: string, bytes: Uint8Array, options: SaveOptions = {}): Promise<ContentsEntry> {
    const { expected, signal } = options;
    const at = this.resolve(path);
    const body = saveBody(path, at, bytes);
    if (expected) await this.checkUnchanged(path, expected, signal);
    const res = await this.send('PUT', at, { body, signal });
    await this.check(res, [200, 201], `save ${shown(path)}`, path, signal);
    const model = parseBody(res, contentsModelSchema, 'the save');
    // The PUT reply never carries the hash; a server that can hash (`hash: null`) is asked for it right away,
    // so the next save is checked against the bytes just written.
    return model.hash === null ? this.statFile(path, signal) : this.entry(model);
  }

  async createDirectory(path: string, signal?: AbortSignal): Promise<ContentsEntry> {
    const at = this.resolve(path);
    const res = await this.send('PUT', at, { body: { type: 'directory' }, signal });
    await this.check(res, [200, 201], `create the folder ${shown(path)}`, path, signal);
    return this.entry(parseBody(res, contentsModelSchema, 'the new folder'));
  }

  async rename(from: string, to: string, signal?: AbortSignal): Promise<ContentsEntry> {
    const at = this.resolve(from);
    const target = this.resolve(to);
    const res = await this.send('PATCH', at, { body: { path: target }, signal });
    if (res.status === 409) throw new ContentsExistsError(to, extractServerMessage(res.data));
    await this.check(res, [200], `rename ${shown(from)} to ${shown(to)}`, from, signal);
    return this.entry(parseBody(res, contentsModelSchema, 'the rename'));
  }

  async delete(path: string, signal?: AbortSignal): Promise<void> {
    const at = this.resolve(path);
    const res = await this.send('DELETE', at, { signal });
    await this.check(res, [204], `delete ${shown(path)}`, path, signal);
  }

  async listCheckpoints(path: string, signal?: AbortSignal): Promise<Checkpoint[]> {
    const at = this.resolve(path);
    const res = await this.send('GET', at, { suffix: '/checkpoints', signal });
    await this.check(res, [200], `list the checkpoints of ${shown(path)}`, path, signal);
    return parseBody(res, checkpointListSchema, 'the checkpoint list').map(checkpoint);
  }

  async createCheckpoint(path: string, signal?: AbortSignal): Promise<Checkpoint> {
    const at = this.resolve(path);
    const res = await this.send('POST', at, { suffix: '/checkpoints', body: {}, signal });
    await this.check(res, [201, 200], `create a checkpoint of ${shown(path)}`, path, signal);
    return checkpoint(parseBody(res, checkpointModelSchema, 'the new checkpoint'));
  }

  async restoreCheckpoint(path: string, id: string, signal?: AbortSignal): Promise<void> {
    const at = this.resolve(path);
    const idCheck = checkRelativePath(id);
    // An id of `..` would survive encodeURIComponent and climb out of the checkpoints URL.
    if (!idCheck.ok || idCheck.segments.length !== 1 || id === '') {
      throw new ContentsPathError(
        path,
        idCheck.ok ? 'empty-segment' : idCheck.reason,
        'Not a checkpoint id.',
      );
    }
    const suffix = `/checkpoints/${encodeURIComponent(id)}`;
    const res = await this.send('POST', at, { suffix, body: {}, signal });
    await this.check(res, [204], `restore ${shown(path)} from its checkpoint`, path, signal);
  }

  /** The current entry with its hash: `GET …?type=notebook|file&content=0&hash=1` (1.x ignores `hash`). */
  private async statFile(path: string, signal?: AbortSignal): Promise<ContentsEntry> {
    const at = this.resolve(path);
    const query = { type: isNotebookPath(at) ? 'notebook' : 'file', content: '0', hash: '1' };
    const res = await this.send('GET', at, { query, signal });
    await this.check(res, [200], `look up ${shown(path)}`, path, signal);
    return this.entry(parseBody(res, contentsModelSchema, 'the file lookup'));
  }

  /**
   * Refuses a save when the file is no longer the version the caller saw: by hash when both sides have one,
   * else by `last_modified` as this client reported it. A file deleted meanwhile is a conflict too. Another
   * writer can still slip in between this check and the PUT; the contents API offers no conditional write.
   */
  private async checkUnchanged(path: string, expected: ContentsVersion, signal?: AbortSignal): Promise<void> {
    let current: ContentsEntry;
    try {
      current = await this.statFile(path, signal);
    } catch (err) {
      if (err instanceof HubNotFoundError) throw new ContentsConflictError(path, undefined);
      throw err;
    }
    const same =
      current.hash !== undefined && expected.hash !== undefined
        ? current.hash === expected.hash
        : current.lastModified === expected.lastModified;
    if (!same) throw new ContentsConflictError(path, current);
  }

  /** Checks a caller's path and puts the root in front: the path relative to the server's root. */
  private resolve(path: string): string {
    const check = checkRelativePath(path);
    if (!check.ok) throw new ContentsPathError(path, check.reason, check.message);
    return [this.root, check.path].filter((p) => p !== '').join('/');
  }

  private send(
    method: HttpMethod,
    serverPath: string,
    opts: {
      query?: Record<string, string>;
      suffix?: string;
      body?: unknown;
      signal?: AbortSignal | undefined;
    },
  ): Promise<HubResponse<string>> {
    const encoded = serverPath === '' ? '' : `/${serverPath.split('/').map(encodeURIComponent).join('/')}`;
    const query = opts.query ? `?${new URLSearchParams(opts.query).toString()}` : '';
    const path = `${singleUserPath(this.user, this.serverName)}api/contents${encoded}${opts.suffix ?? ''}${query}`;
    return this.transport.request({ method, path, body: opts.body, signal: opts.signal });
  }

  /** Throws the typed error for a response whose status is not one of `ok`. */
  private async check(
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

  /** `GET api/status`: the ServerNotRunningError it ends in when the server is stopped, else undefined. */
  private serverStopped(signal: AbortSignal | undefined): Promise<ServerNotRunningError | undefined> {
    return getServerStatus(this.transport, this.user, this.serverName, signal).then(
      () => undefined,
      (err: unknown) => (err instanceof ServerNotRunningError ? err : undefined),
    );
  }

  /** A server model as the caller sees it: path relative to the root, notebooks typed as such. */
  private entry(model: ContentsModel): ContentsEntry {
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
    const type = model.type === 'file' && serverPath.endsWith(NOTEBOOK_SUFFIX) ? 'notebook' : model.type;
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
}

/**
 * The PUT body: a notebook goes as `type: notebook` so the server validates and stores it the nbformat way;
 * other files as UTF-8 text, or base64 when the bytes are not UTF-8.
 */
function saveBody(path: string, serverPath: string, bytes: Uint8Array): Record<string, unknown> {
  let text: string | undefined;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = undefined;
  }
  if (isNotebookPath(serverPath)) {
    let content: unknown;
    try {
      content = text === undefined ? undefined : JSON.parse(text);
    } catch {
      content = undefined;
    }
    if (typeof content !== 'object' || content === null || Array.isArray(content)) {
      throw new ContentsContentError(
        `${path} is not a notebook: a .ipynb file must be JSON text (UTF-8) holding one object. Nothing was saved.`,
        path,
      );
    }
    return { type: 'notebook', format: 'json', content };
  }
  if (text !== undefined) return { type: 'file', format: 'text', content: text };
  return { type: 'file', format: 'base64', content: Buffer.from(bytes).toString('base64') };
}

function decodeContent(content: string, format: 'text' | 'base64'): Uint8Array {
  return format === 'base64' ? Buffer.from(content, 'base64') : Buffer.from(content, 'utf8');
}

function checkpoint(model: z.infer<typeof checkpointModelSchema>): Checkpoint {
  return { id: model.id, lastModified: model.last_modified };
}

function isNotebookPath(path: string): boolean {
  return path.endsWith(NOTEBOOK_SUFFIX);
}

function shown(path: string): string {
  return path === '' ? 'the top folder' : path;
}

/** A user or server name goes into the URL path encoded; `.` and `..` would still be read as steps up. */
function pathComponent(value: string, what: string): string {
  if (value === '' || value === '.' || value === '..') throw new TypeError(`Not a valid ${what}: "${value}"`);
  return value;
}
