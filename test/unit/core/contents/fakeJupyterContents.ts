// An in-memory jupyter_server contents API behind a fake hub transport, for the authoring unit tests. It keeps
// what the real servers were measured to do (test/integration/contentsAuthoring.test.ts checks the same on both
// hubs): hidden paths refused, `*~` left out of listings, LargeFileManager's `chunk` appends, renames that never
// replace and carry checkpoints along, copies named `x-Copy1`, and non-empty folders refused on delete.
import crypto from 'node:crypto';
import type { HubRequest, HubResponse, HubTransport } from '../../../../src/core/hub';

export interface FakeFile {
  bytes: Buffer;
  mtime: number;
}

export interface FakeOptions {
  /** jupyter_server 2.11+ (sha256 on `hash=1`) rather than 1.x (no hash keys at all). */
  hashes?: boolean;
  allowHidden?: boolean;
  /** A contents manager without LargeFileManager: `chunk` is ignored and every PUT replaces the file. */
  ignoreChunks?: boolean;
  /** Paths (server-relative) under which writes answer 403 Permission denied, like a teammate's home. */
  readOnly?: string[];
  /** Answers a request before the fake does, to inject failures; undefined lets the fake answer. */
  intercept?: (req: SeenCall) => { status: number; body?: unknown } | Error | undefined;
}

export interface SeenCall {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown> | undefined;
}

const PREFIX = 'user/alice/api/contents';
type Answer = { status: number; body?: unknown };

/** The fake server: `files` and `dirs` are keyed by server path ('' is the root), `checkpoints` by file path. */
export class FakeJupyter {
  readonly files = new Map<string, FakeFile>();
  readonly dirs = new Set<string>(['', 'alice']);
  readonly checkpoints = new Map<string, FakeFile>();
  readonly calls: SeenCall[] = [];
  private clock = Date.UTC(2026, 10, 1);

  constructor(private readonly options: FakeOptions = {}) {}

  put(path: string, bytes: Buffer | string): void {
    this.files.set(path, { bytes: Buffer.from(bytes), mtime: this.tick() });
  }

  text(path: string): string | undefined {
    return this.files.get(path)?.bytes.toString('utf8');
  }

  transport(): HubTransport {
    return {
      baseUrl: new URL('http://hub.test/'),
      request: (req) => Promise.resolve(this.handle(req)),
      stream: () => Promise.reject(new Error('no streams here')),
    };
  }

  private handle(req: HubRequest): HubResponse<string> {
    req.signal?.throwIfAborted();
    const url = new URL(req.path, 'http://hub.test/');
    const raw = decodeURIComponent(url.pathname.slice(1));
    if (!raw.startsWith(PREFIX)) throw new Error(`unexpected ${req.path}`);
    const body = req.body as Record<string, unknown> | undefined;
    const call = { method: req.method, path: raw.slice(PREFIX.length + 1), query: url.searchParams, body };
    this.calls.push(call);
    const injected = this.options.intercept?.(call);
    if (injected instanceof Error) throw injected;
    const answer = injected ?? this.answer(call);
    return {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
      data: answer.body === undefined ? '' : JSON.stringify(answer.body),
      url: url.href,
      redirects: 0,
    };
  }

  private answer(c: SeenCall): Answer {
    const cp = /^(.*)\/checkpoints(?:\/([^/]+))?$/.exec(c.path);
    if (cp) return this.checkpoint(c.method, cp[1] ?? '', cp[2]);
    if (!this.options.allowHidden && c.path.split('/').some((s) => s.startsWith('.'))) {
      return c.method === 'GET' ? { status: 404, body: { message: 'hidden' } } : bad('Cannot create hidden');
    }
    if (c.method === 'GET') return this.get(c.path, c.query);
    if (c.method === 'PUT') return this.save(c.path, c.body ?? {});
    if (c.method === 'PATCH') return this.rename(c.path, String(c.body?.path));
    if (c.method === 'DELETE') return this.remove(c.path);
    if (c.method === 'POST') return this.copy(c.path, String(c.body?.copy_from));
    return bad(`no ${c.method}`);
  }

  private get(path: string, q: URLSearchParams): Answer {
    if (this.dirs.has(path)) {
      const children = [...this.dirs, ...this.files.keys()].filter(
        (p) => p !== path && parent(p) === path && !base(p).startsWith('.') && !base(p).endsWith('~'),
      );
      const content = q.get('content') === '1' ? children.sort().map((p) => this.model(p, false)) : null;
      return { status: 200, body: { ...this.model(path, false), content } };
    }
    const file = this.files.get(path);
    if (!file) return { status: 404, body: { message: `No such file: ${path}` } };
    const m = this.model(path, q.get('hash') === '1');
    if (q.get('content') !== '1') return { status: 200, body: m };
    const text = q.get('format') === 'text';
    const content = file.bytes.toString(text ? 'utf8' : 'base64');
    return { status: 200, body: { ...m, type: 'file', format: text ? 'text' : 'base64', content } };
  }

  private save(path: string, m: Record<string, unknown>): Answer {
    if (this.denied(path)) return denied(path);
    if (!this.dirs.has(parent(path))) return { status: 404, body: { message: 'no parent' } };
    if (m.type === 'directory') {
      this.dirs.add(path);
      return { status: 201, body: this.model(path, false) };
    }
    const bytes = Buffer.from(String(m.content), m.format === 'base64' ? 'base64' : 'utf8');
    const existed = this.files.has(path);
    const chunk = this.options.ignoreChunks ? undefined : (m.chunk as number | undefined);
    const old =
      chunk !== undefined && chunk !== 1 ? (this.files.get(path)?.bytes ?? Buffer.alloc(0)) : undefined;
    this.files.set(path, { bytes: old ? Buffer.concat([old, bytes]) : bytes, mtime: this.tick() });
    return { status: existed ? 200 : 201, body: this.model(path, false) };
  }

  private rename(from: string, to: string): Answer {
    if (this.denied(from) || this.denied(to)) return denied(from);
    const file = this.files.get(from);
    if (!file && !this.dirs.has(from)) return { status: 404, body: { message: 'missing' } };
    if (this.files.has(to) || this.dirs.has(to)) return { status: 409, body: { message: `exists: ${to}` } };
    if (file) {
      this.files.delete(from);
      this.files.set(to, file);
      const cp = this.checkpoints.get(from);
      this.checkpoints.delete(from);
      if (cp) this.checkpoints.set(to, cp);
    } else {
      this.dirs.delete(from);
      this.dirs.add(to);
    }
    return { status: 200, body: this.model(to, false) };
  }

  private remove(path: string): Answer {
    if (this.denied(path)) return denied(path);
    if (this.dirs.has(path)) {
      const inside = [...this.dirs, ...this.files.keys()].some((p) => parent(p) === path);
      if (inside) return bad(`Directory /home/${path} not empty`);
      this.dirs.delete(path);
    } else if (!this.files.delete(path)) return { status: 404, body: { message: 'missing' } };
    this.checkpoints.delete(path);
    return { status: 204 };
  }

  private copy(target: string, from: string): Answer {
    if (this.files.has(target)) return bad('Cannot POST to files, use PUT instead.');
    const file = this.files.get(from);
    if (!file) return this.dirs.has(from) ? bad("Can't copy directories") : { status: 404, body: {} };
    let to = target;
    if (this.dirs.has(target)) {
      const dot = base(from).lastIndexOf('.');
      const [stem, ext] = dot > 0 ? [base(from).slice(0, dot), base(from).slice(dot)] : [base(from), ''];
      for (let i = 0; ; i++) {
        to = `${target}/${stem}${i === 0 ? '' : `-Copy${i}`}${ext}`;
        if (!this.files.has(to) && !this.dirs.has(to)) break;
      }
    }
    if (this.denied(to)) return denied(to);
    this.files.set(to, { bytes: Buffer.from(file.bytes), mtime: this.tick() });
    return { status: 201, body: this.model(to, false) };
  }

  private checkpoint(method: string, path: string, id: string | undefined): Answer {
    const file = this.files.get(path);
    if (!file) return { status: 404, body: { message: 'missing' } };
    const cp = this.checkpoints.get(path);
    const model = (f: FakeFile) => ({ id: 'checkpoint', last_modified: iso(f.mtime) });
    if (method === 'GET') return { status: 200, body: cp ? [model(cp)] : [] };
    if (id === undefined) {
      this.checkpoints.set(path, { bytes: Buffer.from(file.bytes), mtime: file.mtime });
      // FileCheckpoints' own file, where a server with allow_hidden serves it.
      const hidden = `${parent(path)}/.ipynb_checkpoints/${base(path).replace(/(\.[^.]*)?$/, '-checkpoint$1')}`;
      this.files.set(hidden, { bytes: Buffer.from(file.bytes), mtime: file.mtime });
      return { status: 201, body: model(file) };
    }
    if (this.denied(path)) return denied(path);
    if (!cp || id !== 'checkpoint') return { status: 404, body: { message: 'no checkpoint' } };
    this.files.set(path, { bytes: Buffer.from(cp.bytes), mtime: cp.mtime });
    return { status: 204 };
  }

  private model(path: string, hash: boolean): Record<string, unknown> {
    const file = this.files.get(path);
    const m: Record<string, unknown> = {
      name: base(path),
      path,
      type: file ? (path.endsWith('.ipynb') ? 'notebook' : 'file') : 'directory',
      last_modified: iso(file?.mtime ?? this.clock),
      created: iso(this.clock),
      size: file ? file.bytes.length : null,
      writable: !this.denied(path),
      content: null,
      format: null,
    };
    if (this.options.hashes) {
      const digest = file && hash ? crypto.createHash('sha256').update(file.bytes).digest('hex') : null;
      Object.assign(m, { hash: digest, hash_algorithm: digest ? 'sha256' : null });
    }
    return m;
  }

  private denied(path: string): boolean {
    return (this.options.readOnly ?? []).some((p) => path === p || path.startsWith(`${p}/`));
  }

  private tick(): number {
    this.clock += 1000;
    return this.clock;
  }
}

const parent = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
const iso = (ms: number): string => new Date(ms).toISOString();
const bad = (message: string): Answer => ({ status: 400, body: { message } });
const denied = (path: string): Answer => ({ status: 403, body: { message: `Permission denied: ${path}` } });
