import type * as z from 'zod/mini';
import { HubNotFoundError, extractServerMessage } from '../hub/errors';
import { parseBody } from '../hub/response';
import { checkRelativePath } from '../uris/relativePath';
import { ContentsEndpoint, isNotebookPath, shown, type ContentsClientOptions } from './contentsEndpoint';
import {
  checkpointListSchema,
  checkpointModelSchema,
  contentsModelSchema,
  directoryModelSchema,
  fileModelSchema,
  notebookModelSchema,
} from './schemas';
import {
  ContentsConflictError,
  ContentsContentError,
  ContentsExistsError,
  ContentsPathError,
} from './errors';
import type {
  Checkpoint,
  ContentsApi,
  ContentsEntry,
  ContentsFile,
  ContentsVersion,
  SaveOptions,
} from './types';

export type { ContentsClientOptions } from './contentsEndpoint';

/**
 * `/user/{name}/api/contents` of the user's own single-user server: the ContentsApi over the hub transport. How
 * its errors are typed (a "Permission denied" 403, a stopped server) is said on ContentsEndpoint.
 */
export function createContentsClient(options: ContentsClientOptions): ContentsApi {
  return new ContentsClient(options);
}

// ignoreBOM keeps a leading byte-order mark in the text instead of dropping it, so the bytes survive as given.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class ContentsClient implements ContentsApi {
  private readonly at: ContentsEndpoint;

  constructor(options: ContentsClientOptions) {
    this.at = new ContentsEndpoint(options);
  }

  async list(path: string, signal?: AbortSignal): Promise<ContentsEntry[]> {
    const at = this.at.resolve(path);
    const res = await this.at.send('GET', at, { query: { type: 'directory', content: '1' }, signal });
    await this.at.check(res, [200], `list ${shown(path)}`, path, signal);
    return parseBody(res, directoryModelSchema, 'the folder listing').content.map((m) => this.at.entry(m));
  }

  async stat(path: string, signal?: AbortSignal): Promise<ContentsEntry> {
    const at = this.at.resolve(path);
    const res = await this.at.send('GET', at, { query: { content: '0' }, signal });
    await this.at.check(res, [200], `look up ${shown(path)}`, path, signal);
    const model = parseBody(res, contentsModelSchema, 'the file lookup');
    // jupyter_server 2.11–2.17 answers hash=1 on a folder with a 500, so the hash is asked for only once the
    // entry is known to be a file, and only from servers that hash at all (their models carry `hash: null`).
    if (model.type === 'directory' || model.hash !== null) return this.at.entry(model);
    return this.at.statFile(path, signal);
  }

  async read(path: string, signal?: AbortSignal): Promise<ContentsFile> {
    const at = this.at.resolve(path);
    const what = `read ${shown(path)}`;
    // format=text returns the bytes on disk as they are; the notebook model would be nbformat's re-serialisation.
    const query = { type: 'file', format: 'text', content: '1', hash: '1' };
    const res = await this.at.send('GET', at, { query, signal });
    if (res.status !== 400) {
      await this.at.check(res, [200], what, path, signal);
      const model = parseBody(res, fileModelSchema, 'the file');
      return { entry: this.at.entry(model), bytes: decodeContent(model.content, model.format) };
    }
    // A 400 is a file that is not UTF-8, or a contents manager that will not serve a notebook as a file.
    if (!isNotebookPath(at)) {
      const b64 = await this.at.send('GET', at, { query: { ...query, format: 'base64' }, signal });
      await this.at.check(b64, [200], what, path, signal);
      const model = parseBody(b64, fileModelSchema, 'the file');
      return { entry: this.at.entry(model), bytes: decodeContent(model.content, model.format) };
    }
    const nb = await this.at.send('GET', at, {
      query: { type: 'notebook', content: '1', hash: '1' },
      signal,
    });
    await this.at.check(nb, [200], what, path, signal);
    const model = parseBody(nb, notebookModelSchema, 'the notebook');
    const text = `${JSON.stringify(model.content, null, 1)}\n`;
    return { entry: this.at.entry(model), bytes: new TextEncoder().encode(text) };
  }

  async write(path: string, bytes: Uint8Array, options: SaveOptions = {}): Promise<ContentsEntry> {
    const { expected, signal } = options;
    const at = this.at.resolve(path);
    const body = saveBody(path, at, bytes);
    if (expected) await this.checkUnchanged(path, expected, signal);
    const res = await this.at.send('PUT', at, { body, signal });
    await this.at.check(res, [200, 201], `save ${shown(path)}`, path, signal);
    const model = parseBody(res, contentsModelSchema, 'the save');
    // The PUT reply never carries the hash; a server that can hash (`hash: null`) is asked for it right away,
    // so the next save is checked against the bytes just written.
    return model.hash === null ? this.at.statFile(path, signal) : this.at.entry(model);
  }

  async createDirectory(path: string, signal?: AbortSignal): Promise<ContentsEntry> {
    const at = this.at.resolve(path);
    const res = await this.at.send('PUT', at, { body: { type: 'directory' }, signal });
    await this.at.check(res, [200, 201], `create the folder ${shown(path)}`, path, signal);
    return this.at.entry(parseBody(res, contentsModelSchema, 'the new folder'));
  }

  async rename(from: string, to: string, signal?: AbortSignal): Promise<ContentsEntry> {
    const at = this.at.resolve(from);
    const target = this.at.resolve(to);
    const res = await this.at.send('PATCH', at, { body: { path: target }, signal });
    if (res.status === 409) throw new ContentsExistsError(to, extractServerMessage(res.data));
    await this.at.check(res, [200], `rename ${shown(from)} to ${shown(to)}`, from, signal);
    return this.at.entry(parseBody(res, contentsModelSchema, 'the rename'));
  }

  async delete(path: string, signal?: AbortSignal): Promise<void> {
    const at = this.at.resolve(path);
    const res = await this.at.send('DELETE', at, { signal });
    await this.at.check(res, [204], `delete ${shown(path)}`, path, signal);
  }

  async listCheckpoints(path: string, signal?: AbortSignal): Promise<Checkpoint[]> {
    const at = this.at.resolve(path);
    const res = await this.at.send('GET', at, { suffix: '/checkpoints', signal });
    await this.at.check(res, [200], `list the checkpoints of ${shown(path)}`, path, signal);
    return parseBody(res, checkpointListSchema, 'the checkpoint list').map(checkpoint);
  }

  async createCheckpoint(path: string, signal?: AbortSignal): Promise<Checkpoint> {
    const at = this.at.resolve(path);
    const res = await this.at.send('POST', at, { suffix: '/checkpoints', body: {}, signal });
    await this.at.check(res, [201, 200], `create a checkpoint of ${shown(path)}`, path, signal);
    return checkpoint(parseBody(res, checkpointModelSchema, 'the new checkpoint'));
  }

  async restoreCheckpoint(path: string, id: string, signal?: AbortSignal): Promise<void> {
    const at = this.at.resolve(path);
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
    const res = await this.at.send('POST', at, { suffix, body: {}, signal });
    await this.at.check(res, [204], `restore ${shown(path)} from its checkpoint`, path, signal);
  }

  /**
   * Refuses a save when the file is no longer the version the caller saw: by hash when both sides have one,
   * else by `last_modified` as this client reported it. A file deleted meanwhile is a conflict too. Another
   * writer can still slip in between this check and the PUT; the contents API offers no conditional write.
   */
  private async checkUnchanged(path: string, expected: ContentsVersion, signal?: AbortSignal): Promise<void> {
    let current: ContentsEntry;
    try {
      current = await this.at.statFile(path, signal);
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
