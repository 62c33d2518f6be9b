// In-memory stand-ins for the core clients the hubnb provider uses: a contents API with versions and
// conflicts, a catalog with teammates and supported notebooks, and a hub that starts servers. The provider,
// HubServers and the dialogs under test are the real ones, over the fake vscode module.
import { fake } from '../../support/useFakeVscode';
import type { Uri as FakeUri } from '../../support/fakeVscode';
import type * as vscode from 'vscode';
import type { CatalogApi, CatalogFile } from '../../../src/core/catalog/types';
import type { SupportedNotebook, SupportedVersion } from '../../../src/core/catalog/schemas';
import { ContentsConflictError, ContentsExistsError } from '../../../src/core/contents/errors';
import type {
  ContentsApi,
  ContentsAuthoring,
  ContentsEntry,
  ContentsFile,
  SaveOptions,
} from '../../../src/core/contents/types';
import { deleteTree } from '../../../src/core/contents/deleteTree';
import {
  HubNotFoundError,
  ServerNotRunningError,
  type HubClient,
  type HubTransport,
} from '../../../src/core/hub';
import type { HubAccount } from '../../../src/vscode/hub/hubAccess';
import { NotSignedInError } from '../../../src/vscode/hub/notSignedInError';
import { HubnbFileSystemProvider } from '../../../src/vscode/files/hubnbFileSystem';
import { HubServers } from '../../../src/vscode/hub/serverStart';
import { ServerStates } from '../../../src/vscode/hub/serverStates';
import { recordingLogger } from './authFixture';
import { TEST_HUB } from '../../support/hubUrls';

export { until } from './authFixture';

export { fake };

export const HUB_URL = TEST_HUB;
export const AUTHORITY = 'hub.test';
const enc = new TextEncoder();
export const bytes = (text: string): Uint8Array => enc.encode(text);
export const text = (data: Uint8Array): string => new TextDecoder().decode(data);

/** A hubnb URI on the fake hub. */
export function hubnb(path: string, authority = AUTHORITY): vscode.Uri {
  const Uri = fake.module['Uri'] as typeof FakeUri;
  return Uri.from({ scheme: 'hubnb', authority, path }) as unknown as vscode.Uri;
}

interface StoredFile {
  bytes: Uint8Array;
  lastModified: string;
  hash: string;
  dir: boolean;
  writable: boolean;
}

/** A contents API over a map of paths; saves with a stale `expected` are refused like the real client does. */
export class FakeContents implements ContentsApi {
  readonly files = new Map<string, StoredFile>();
  readonly calls: string[] = [];
  readonly writes: { path: string; expected: SaveOptions['expected'] }[] = [];
  stopped = false;
  private tick = 0;

  put(path: string, content: string | undefined, writable = true): void {
    const stamp = this.nextStamp();
    this.files.set(path, {
      bytes: bytes(content ?? ''),
      lastModified: stamp,
      hash: `h${this.tick}`,
      dir: content === undefined,
      writable,
    });
  }

  /** Changes a file as another editor would, behind the provider's back. */
  changeElsewhere(path: string, content: string): void {
    this.put(path, content);
  }

  list(path: string): Promise<ContentsEntry[]> {
    return this.op(`list ${path}`, () => {
      const prefix = path === '' ? '' : `${path}/`;
      return [...this.files.keys()]
        .filter((p) => p.startsWith(prefix) && p !== path && !p.slice(prefix.length).includes('/'))
        .map((p) => this.entry(p));
    });
  }
  stat(path: string): Promise<ContentsEntry> {
    return this.op(`stat ${path}`, () => this.entry(path));
  }
  read(path: string): Promise<ContentsFile> {
    return this.op(`read ${path}`, () => ({ entry: this.entry(path), bytes: this.must(path).bytes.slice() }));
  }
  write(path: string, data: Uint8Array, options: SaveOptions = {}): Promise<ContentsEntry> {
    return this.op(`write ${path}`, () => {
      this.writes.push({ path, expected: options.expected });
      const current = this.files.get(path);
      const expected = options.expected;
      if (expected && (!current || current.lastModified !== expected.lastModified)) {
        throw new ContentsConflictError(path, current && this.entry(path));
      }
      this.put(path, text(data));
      return this.entry(path);
    });
  }
  createDirectory(path: string): Promise<ContentsEntry> {
    return this.op(`mkdir ${path}`, () => {
      this.put(path, undefined);
      return this.entry(path);
    });
  }
  rename(from: string, to: string): Promise<ContentsEntry> {
    return this.op(`rename ${from} ${to}`, () => {
      const file = this.must(from);
      this.files.delete(from);
      this.files.set(to, file);
      return this.entry(to);
    });
  }
  delete(path: string): Promise<void> {
    return this.op(`delete ${path}`, () => {
      this.must(path);
      this.files.delete(path);
    });
  }
  listCheckpoints(): Promise<never> {
    return Promise.reject(new Error('not used'));
  }
  createCheckpoint(): Promise<never> {
    return Promise.reject(new Error('not used'));
  }
  restoreCheckpoint(): Promise<never> {
    return Promise.reject(new Error('not used'));
  }

  private op<T>(what: string, body: () => T): Promise<T> {
    this.calls.push(what);
    if (this.stopped) {
      return Promise.reject(new ServerNotRunningError('Your server on the hub is not running (424).'));
    }
    try {
      return Promise.resolve(body());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }
  private must(path: string): StoredFile {
    if (path === '')
      return {
        bytes: bytes(''),
        lastModified: '2026-01-01T00:00:00Z',
        hash: 'root',
        dir: true,
        writable: true,
      };
    const file = this.files.get(path);
    if (!file) throw new HubNotFoundError(`The hub found nothing for ${path} (404: No such file).`);
    return file;
  }
  private entry(path: string): ContentsEntry {
    const f = this.must(path);
    return {
      path,
      name: path.slice(path.lastIndexOf('/') + 1),
      type: f.dir ? 'directory' : path.endsWith('.ipynb') ? 'notebook' : 'file',
      lastModified: f.lastModified,
      created: undefined,
      size: f.bytes.length,
      writable: f.writable,
      hash: f.hash,
    };
  }
  private nextStamp(): string {
    this.tick++;
    return new Date(Date.UTC(2026, 0, 1, 0, 0, this.tick)).toISOString();
  }
}

const version = (name: string, v: string, publishedAt: string): SupportedVersion => ({
  name,
  version: v,
  sha256: `sha-${v}`,
  size: 10,
  publishedBy: 'carol',
  publishedAt,
  header: {},
});

/** What bob's home holds, as the catalog lists it. */
const BOB_ENTRIES = [
  {
    path: 'analysis.ipynb',
    name: 'analysis.ipynb',
    type: 'notebook',
    size: 9,
    lastModified: '2026-01-05T00:00:00Z',
  },
  { path: 'sub', name: 'sub', type: 'directory', size: 0, lastModified: '2026-01-05T00:00:00Z' },
] as const;

/** A catalog with bob's two notebooks and one supported notebook `report` at 1.0.0 and 1.1.0 (current). */
export function fakeCatalog(overrides: Partial<CatalogApi> = {}): CatalogApi & { calls: string[] } {
  const calls: string[] = [];
  const record =
    <A extends unknown[], T>(name: string, fn: (...args: A) => T) =>
    async (...args: A): Promise<Awaited<T>> => {
      calls.push(`${name} ${args.filter((a) => typeof a === 'string').join(' ')}`.trim());
      await Promise.resolve();
      return await fn(...args);
    };
  const report: SupportedNotebook = {
    name: 'report',
    currentVersion: '1.1.0',
    versions: [
      version('report', '1.1.0', '2026-02-02T00:00:00Z'),
      version('report', '1.0.0', '2026-02-01T00:00:00Z'),
    ],
  };
  const notFound = (what: string) => new HubNotFoundError(`Nothing at ${what}.`);
  const teamFile = (user: string, path: string): CatalogFile => {
    if (user !== 'bob' || path !== 'analysis.ipynb') throw notFound(path);
    return { bytes: bytes('{"bob":1}'), lastModified: '2026-01-05T00:00:00Z' };
  };
  const supported = (name: string) => {
    if (name !== 'report') throw notFound(name);
    return report;
  };
  const unused = () => Promise.reject(new Error('not used'));
  const catalog: CatalogApi = {
    me: unused,
    authoring: unused,
    listTeammates: record('listTeammates', () => [{ name: 'bob', notebooks: 1, lastModified: null }]),
    listTeamFolder: record('listTeamFolder', (user: string, path: string) => ({
      user,
      path,
      entries: [...BOB_ENTRIES],
    })),
    statTeamEntry: record('statTeamEntry', (user: string, path: string) => {
      if (path === '' || path === 'sub') {
        return {
          path,
          name: path || user,
          type: 'directory' as const,
          size: 0,
          lastModified: '2026-01-05T00:00:00Z',
        };
      }
      teamFile(user, path);
      return { path, name: path, type: 'notebook' as const, size: 9, lastModified: '2026-01-05T00:00:00Z' };
    }),
    readTeamFile: record('readTeamFile', teamFile),
    search: unused,
    listSupported: record('listSupported', () => [
      { name: 'report', current: report.versions[0]!, versionCount: 2 },
    ]),
    getSupported: record('getSupported', supported),
    readSupportedFile: record('readSupportedFile', (name: string, v: string | undefined) => {
      const wanted = v ?? supported(name).currentVersion;
      const found = supported(name).versions.find((x) => x.version === wanted);
      if (!found) throw notFound(wanted);
      return { bytes: bytes(`{"report":"${wanted}"}`), lastModified: found.publishedAt };
    }),
    publish: unused,
    rollback: unused,
    audit: unused,
    ...overrides,
  };
  return Object.assign(catalog, { calls });
}

/** A hub API that only starts and stops servers, and says so. */
export function fakeHubApi(contents: FakeContents) {
  const calls: string[] = [];
  const hub = {
    calls,
    startServer: (user: string, options: { onProgress?: (e: { message?: string }) => void } = {}) => {
      calls.push(`start ${user}`);
      options.onProgress?.({ message: 'Spawning server...' });
      contents.stopped = false;
      return Promise.resolve({ ready: true });
    },
    stopServer: (user: string) => {
      calls.push(`stop ${user}`);
      contents.stopped = true;
      return Promise.resolve();
    },
  };
  return hub;
}

/** The authoring calls over the fake contents: copies and uploads by read and write, trees by the core's walk. */
export function fakeAuthoring(contents: FakeContents): ContentsAuthoring {
  const unused = () => Promise.reject(new Error('not used'));
  return {
    upload: (path, source) => contents.write(path, source as Uint8Array),
    verifyUpload: unused,
    duplicate: unused,
    // As jupyter_server's copy does, an existing target is refused (409).
    copy: async (from, to) => {
      if (contents.files.has(to)) throw new ContentsExistsError(to, `${to} already exists`);
      return contents.write(to, (await contents.read(from)).bytes);
    },
    deleteTree: (path) => deleteTree(contents, path),
    readCheckpoint: unused,
  };
}

/** The provider over the fakes, with the real HubServers and (unless replaced) the real conflict dialog. */
export function makeFileSystem(options: { catalog?: CatalogApi; coalesceMs?: number } = {}) {
  const contents = new FakeContents();
  contents.put('analysis.ipynb', '{"mine":1}');
  contents.put('folder', undefined);
  contents.put('folder/inner.ipynb', '{"inner":1}');
  const catalog = options.catalog ?? fakeCatalog();
  const hub = fakeHubApi(contents);
  const account: HubAccount = {
    hubUrl: HUB_URL,
    user: 'alice',
    serverName: '',
    contents,
    authoring: fakeAuthoring(contents),
    catalog,
    hub: hub as unknown as HubClient,
    transport: { baseUrl: new URL(HUB_URL) } as unknown as HubTransport,
    getToken: () => Promise.resolve('fake-token'),
  };
  const signInPrompts: NotSignedInError[] = [];
  const clients = {
    hubForAuthority: (authority: string) =>
      authority === AUTHORITY
        ? Promise.resolve(HUB_URL)
        : Promise.reject(new NotSignedInError(authority, undefined)),
    account: () => Promise.resolve(account),
    run: <T>(_hubUrl: string, op: (a: HubAccount) => Promise<T>) => op(account),
    promptSignIn: (err: NotSignedInError) => void signInPrompts.push(err),
  };
  const log = recordingLogger();
  const servers = new HubServers(clients, log.logger, new ServerStates());
  const provider = new HubnbFileSystemProvider({
    clients,
    servers,
    logger: log.logger,
    coalesceMs: options.coalesceMs ?? 1,
  });
  const events: { type: number; uri: string }[][] = [];
  provider.onDidChangeFile((batch) =>
    events.push(batch.map((e) => ({ type: e.type, uri: e.uri.toString() }))),
  );
  const catalogCalls = (catalog as Partial<{ calls: string[] }>).calls ?? [];
  return { provider, contents, catalog, catalogCalls, hub, servers, clients, signInPrompts, events, log };
}

/** The FileSystemError code a promise rejects with. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code ?? `not a FileSystemError: ${String(err)}`;
  }
  return 'resolved';
}
