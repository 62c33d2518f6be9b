import vscode = require('vscode');
import type { HubUrl } from '../../core/auth';
import type { CatalogApi } from '../../core/catalog';
import { ContentsConflictError, type ContentsApi, type ContentsEntry } from '../../core/contents';
import type { ContentsAuthoring } from '../../core/contents/types';
import { parseHubnbPath } from '../../core/uris/hubnbUri';
import type { Logger } from '../../core/logger';
import type { HubnbLocation } from '../../core/uris/types';
import type { HubAccounts } from '../hub/hubAccounts';
import { readOnly, toFileSystemError, type Access } from './hubnbErrors';
import { dedupe, directory, entryStat, fileStat } from './hubnbStats';
import { resolveSaveConflict, type SaveConflict } from './saveConflict';
import type { HubServers } from '../hub/serverStart';
import { currentVersion, findVersion, folderNamed, keyOf, named, viewOf, type View } from './hubnbViews';

/** What a file looked like when the provider last read, wrote or reported it. */
export interface SeenVersion {
  lastModified: string;
  hash: string | undefined;
}

export interface HubnbFileSystemDeps {
  clients: Pick<HubAccounts, 'hubForAuthority' | 'account' | 'run' | 'promptSignIn'>;
  servers: Pick<HubServers, 'withServer'>;
  logger: Logger;
  /** The save-conflict dialog; tests replace it. */
  resolveConflict?: (conflict: SaveConflict) => Promise<'overwrite'>;
  /** How long change events are gathered before they are fired together. */
  coalesceMs?: number;
}

interface Target {
  hubUrl: HubUrl;
  location: HubnbLocation;
  view: View | undefined;
}

/**
 * The `hubnb` file system. `me/…` is the user's own home through their server's contents API; `team/…` and
 * `supported/…` come from the hub service's catalog and are read-only here, in the provider itself, because
 * VS Code does not always make a read-only provider's notebooks read-only (vscode #185320).
 *
 * Saves are checked against the version of the file last read or written, so a file changed on the hub is
 * never overwritten without the user saying so.
 */
export class HubnbFileSystemProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private pending: vscode.FileChangeEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly seen = new Map<string, SeenVersion>();
  private readonly unsaved = new Map<string, Uint8Array>();
  private readonly resolveConflict: (conflict: SaveConflict) => Promise<'overwrite'>;

  constructor(private readonly deps: HubnbFileSystemDeps) {
    this.resolveConflict = deps.resolveConflict ?? resolveSaveConflict;
  }

  /** Changes are noticed by RemoteChangeWatcher (on focus and refresh), so there is nothing to set up here. */
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.guard(uri, 'read', async (t) => {
      const loc = t.location;
      if (t.view?.kind === 'unsaved') {
        return fileStat(vscode.FileType.File, Date.now(), this.unsavedBytes(uri).length, true);
      }
      switch (loc.area) {
        case 'root':
        case 'team-root':
        case 'supported-root':
          return directory();
        case 'supported-notebook':
          await this.catalog(t, (c) => c.getSupported(loc.name));
          return directory();
        case 'supported-version':
          await this.supportedVersion(t, loc.name, loc.version);
          return directory();
        case 'me': {
          const entry = await this.own(t, (c) => c.stat(loc.path), `open ${named(loc.path)}`);
          return entryStat(entry, t.view !== undefined || !entry.writable);
        }
        case 'team': {
          const entry = await this.catalog(t, (c) => c.statTeamEntry(loc.user, loc.path));
          const type = entry.type === 'directory' ? vscode.FileType.Directory : vscode.FileType.File;
          return fileStat(type, Date.parse(entry.lastModified), entry.size, true);
        }
        case 'supported': {
          const version = await this.supportedVersion(t, loc.name, loc.version);
          return fileStat(vscode.FileType.File, Date.parse(version.publishedAt), version.size, true);
        }
      }
    });
  }

  readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return this.guard(uri, 'read', async (t) => {
      const loc = t.location;
      const dir = vscode.FileType.Directory;
      const file = vscode.FileType.File;
      switch (loc.area) {
        case 'root':
          return [
            ['me', dir],
            ['team', dir],
            ['supported', dir],
          ];
        case 'me': {
          const entries = await this.own(t, (c) => c.list(loc.path), `list ${folderNamed(loc.path)}`);
          return entries.map((e) => [e.name, e.type === 'directory' ? dir : file]);
        }
        case 'team-root':
          return (await this.catalog(t, (c) => c.listTeammates())).map((m) => [m.name, dir]);
        case 'team': {
          const listing = await this.catalog(t, (c) => c.listTeamFolder(loc.user, loc.path));
          return listing.entries.map((e) => [e.name, e.type === 'directory' ? dir : file]);
        }
        case 'supported-root':
          return (await this.catalog(t, (c) => c.listSupported())).map((s) => [s.name, dir]);
        case 'supported-notebook': {
          const nb = await this.catalog(t, (c) => c.getSupported(loc.name));
          return [['current', dir], ...nb.versions.map((v): [string, vscode.FileType] => [v.version, dir])];
        }
        case 'supported-version':
          await this.supportedVersion(t, loc.name, loc.version);
          return [[`${loc.name}.ipynb`, file]];
        case 'supported':
          throw vscode.FileSystemError.FileNotADirectory(uri);
      }
    });
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.guard(uri, 'read', async (t) => {
      const loc = t.location;
      if (t.view?.kind === 'unsaved') return this.unsavedBytes(uri);
      switch (loc.area) {
        case 'me': {
          if (t.view?.kind === 'checkpoint') return this.checkpointBytes(t, uri, loc.path, t.view.id);
          const file = await this.own(t, (c) => c.read(loc.path), `open ${named(loc.path)}`);
          // The hub-version view is a fresh look for a comparison; what the editor saw stays the baseline.
          if (!t.view) this.remember(uri, file.entry);
          return file.bytes;
        }
        case 'team': {
          const file = await this.catalog(t, (c) => c.readTeamFile(loc.user, loc.path));
          this.remember(uri, { lastModified: file.lastModified, hash: undefined });
          return file.bytes;
        }
        case 'supported': {
          const version = loc.version === 'current' ? undefined : loc.version;
          const file = await this.catalog(t, (c) => c.readSupportedFile(loc.name, version));
          this.remember(uri, { lastModified: file.lastModified, hash: undefined });
          return file.bytes;
        }
        default:
          throw vscode.FileSystemError.FileIsADirectory(uri);
      }
    });
  }

  writeFile(
    uri: vscode.Uri,
    content: Uint8Array,
    options: { readonly create: boolean; readonly overwrite: boolean },
  ): Promise<void> {
    return this.guard(uri, 'write', async (t) => {
      const path = this.ownPath(t, uri);
      let existed: ContentsEntry | undefined;
      if (!options.create || !options.overwrite) {
        existed = await this.statIfExists(t, path);
        if (!existed && !options.create) throw vscode.FileSystemError.FileNotFound(uri);
        if (existed && !options.overwrite) throw vscode.FileSystemError.FileExists(uri);
      }
      if (existed?.type === 'directory') throw vscode.FileSystemError.FileIsADirectory(uri);
      const expected = this.seen.get(keyOf(uri));
      let entry: ContentsEntry;
      try {
        entry = await this.own(t, (c) => c.write(path, content, { expected }), `save ${named(path)}`);
      } catch (err) {
        if (!(err instanceof ContentsConflictError)) throw err;
        await this.resolveConflict(this.conflict(uri, content));
        this.deps.logger.info(`overwriting ${uri.toString()} on the user's request`);
        entry = await this.own(t, (c) => c.write(path, content), `save ${named(path)}`);
      }
      this.remember(uri, entry);
      this.unsaved.delete(keyOf(uri));
      this.fire([{ type: expected ? vscode.FileChangeType.Changed : vscode.FileChangeType.Created, uri }]);
    });
  }

  createDirectory(uri: vscode.Uri): Promise<void> {
    return this.guard(uri, 'write', async (t) => {
      const path = this.ownPath(t, uri);
      if (await this.statIfExists(t, path)) throw vscode.FileSystemError.FileExists(uri);
      await this.own(t, (c) => c.createDirectory(path), `create the folder ${named(path)}`);
      this.fire([{ type: vscode.FileChangeType.Created, uri }]);
    });
  }

  delete(uri: vscode.Uri, options?: { readonly recursive: boolean }): Promise<void> {
    return this.guard(uri, 'write', async (t) => {
      const path = this.ownPath(t, uri);
      const action = `delete ${named(path)}`;
      if (options?.recursive) await this.withAuthoring(t, (a) => a.deleteTree(path), action);
      else await this.own(t, (c) => c.delete(path), action);
      this.forget(uri);
      this.fire([{ type: vscode.FileChangeType.Deleted, uri }]);
    });
  }

  rename(from: vscode.Uri, to: vscode.Uri, options: { readonly overwrite: boolean }): Promise<void> {
    return this.guard(from, 'write', async (t) => {
      const source = this.ownPath(t, from);
      const target = await this.guard(to, 'write', (tt) => Promise.resolve(this.ownPath(tt, to)));
      if (from.authority !== to.authority)
        throw vscode.FileSystemError.NoPermissions('Files move only within one hub.');
      if (await this.statIfExists(t, target)) {
        if (!options.overwrite) throw vscode.FileSystemError.FileExists(to);
        // The contents API never replaces a file on rename, so an overwriting move deletes the target first.
        await this.own(t, (c) => c.delete(target), `replace ${named(target)}`);
      }
      await this.own(t, (c) => c.rename(source, target), `rename ${named(source)}`);
      const version = this.seen.get(keyOf(from));
      this.forget(from);
      if (version) this.seen.set(keyOf(to), version);
      this.fire([
        { type: vscode.FileChangeType.Deleted, uri: from },
        { type: vscode.FileChangeType.Created, uri: to },
      ]);
    });
  }

  /**
   * Copies a file into the user's own home: from the home itself (Duplicate, the Explorer's copy and paste) or
   * from a teammate's or supported notebook. Folders are not copied.
   */
  copy(source: vscode.Uri, destination: vscode.Uri, options: { readonly overwrite: boolean }): Promise<void> {
    return this.guard(destination, 'write', async (t) => {
      const target = this.ownPath(t, destination);
      const existing = await this.statIfExists(t, target);
      if (existing && !options.overwrite) throw vscode.FileSystemError.FileExists(destination);
      if (existing?.type === 'directory') throw vscode.FileSystemError.FileIsADirectory(destination);
      const from = await this.target(source, 'read');
      const action = `copy to ${named(target)}`;
      // The server's copy refuses an existing target; a replacement is written over it instead, in one PUT.
      const serverCopy = !existing && from.location.area === 'me' && !from.view;
      const entry =
        serverCopy && source.authority === destination.authority
          ? await this.withAuthoring(t, (a) => a.copy(this.ownPath(from, source), target), action)
          : await this.own(t, async (c) => c.write(target, await this.readFile(source)), action);
      this.remember(destination, entry);
      this.fire([{ type: vscode.FileChangeType.Created, uri: destination }]);
    });
  }

  /** The version the provider last read or wrote of a file, for RemoteChangeWatcher. */
  lastSeen(uri: vscode.Uri): SeenVersion | undefined {
    return this.seen.get(keyOf(uri));
  }

  /**
   * The file's current version on the hub, or undefined when it cannot be told without bothering the user
   * (signed out, server stopped, token refused, network down): background checks never prompt.
   */
  async remoteVersion(uri: vscode.Uri): Promise<SeenVersion | undefined> {
    try {
      const t = await this.target(uri, 'read');
      return t.view ? undefined : await currentVersion(await this.deps.clients.account(t.hubUrl), t.location);
    } catch (err) {
      this.deps.logger.debug(`could not check ${uri.toString()} for changes: ${String(err)}`);
      return undefined;
    }
  }

  /** Reports files as changed on the hub; VS Code reloads the clean ones. */
  notifyChanged(uris: readonly vscode.Uri[]): void {
    this.fire(uris.map((uri) => ({ type: vscode.FileChangeType.Changed, uri })));
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.emitter.dispose();
  }

  /** Resolves the URI, runs `body`, and turns whatever it throws into a FileSystemError. */
  private async guard<T>(uri: vscode.Uri, access: Access, body: (t: Target) => Promise<T>): Promise<T> {
    try {
      return await body(await this.target(uri, access));
    } catch (err) {
      const mapped = toFileSystemError(err, uri, access);
      if (mapped.signIn) this.deps.clients.promptSignIn(mapped.signIn);
      if (mapped.error !== err) this.deps.logger.debug(`${access} ${uri.toString()}: ${String(err)}`);
      throw mapped.error;
    }
  }

  private async target(uri: vscode.Uri, access: Access): Promise<Target> {
    let location: HubnbLocation;
    try {
      location = parseHubnbPath(uri.path);
    } catch (err) {
      // Writing anywhere under team or supported is refused as read-only, whatever else is wrong with the path.
      if (access === 'write' && /^\/(team|supported)(\/|$)/.test(uri.path)) throw readOnly(uri);
      throw err;
    }
    const view = viewOf(uri, location);
    const hubUrl = await this.deps.clients.hubForAuthority(uri.authority);
    return { hubUrl, location, view };
  }

  /** The contents path of a writable own file; throws NoPermissions for everything else. */
  private ownPath(t: Target, uri: vscode.Uri): string {
    if (t.location.area === 'me' && !t.view && t.location.path !== '') return t.location.path;
    throw readOnly(uri);
  }

  /** An operation on the user's own files; `action` says what it is if the server must be started for it. */
  private own<T>(t: Target, op: (contents: ContentsApi) => Promise<T>, action: string): Promise<T> {
    const { clients, servers } = this.deps;
    return servers.withServer(t.hubUrl, () => clients.run(t.hubUrl, (a) => op(a.contents)), action);
  }

  /** Like `own`, with the uploads, copies, folder deletes and checkpoint reads of contentsAuthoring.ts. */
  private withAuthoring<T>(
    t: Target,
    op: (authoring: ContentsAuthoring) => Promise<T>,
    action: string,
  ): Promise<T> {
    const { clients, servers } = this.deps;
    return servers.withServer(t.hubUrl, () => clients.run(t.hubUrl, (a) => op(a.authoring)), action);
  }

  /**
   * A checkpoint's bytes. Without a GET for them the server's file is restored, read and put back as it was
   * (checkpointContent.ts): the same bytes with a new time, which becomes the open editor's baseline.
   */
  private async checkpointBytes(t: Target, uri: vscode.Uri, path: string, id: string): Promise<Uint8Array> {
    const action = `compare ${named(path)} with its checkpoint`;
    const read = await this.withAuthoring(t, (a) => a.readCheckpoint(path, id), action);
    const seen = this.seen.get(keyOf(uri));
    if (read.via === 'restore' && seen && (seen.hash === undefined || seen.hash === read.entry.hash)) {
      this.remember(uri, read.entry);
    }
    return read.bytes;
  }

  private catalog<T>(t: Target, op: (catalog: CatalogApi) => Promise<T>): Promise<T> {
    return this.deps.clients.run(t.hubUrl, (a) => op(a.catalog));
  }

  private async statIfExists(t: Target, path: string): Promise<ContentsEntry | undefined> {
    try {
      return await this.own(t, (c) => c.stat(path), `save ${named(path)}`);
    } catch (err) {
      if (toFileSystemError(err, undefined, 'read').error.code === 'FileNotFound') return undefined;
      throw err;
    }
  }

  private async supportedVersion(t: Target, name: string, version: string) {
    return findVersion(await this.catalog(t, (c) => c.getSupported(name)), version);
  }

  private conflict(uri: vscode.Uri, content: Uint8Array): SaveConflict {
    return {
      uri,
      fileName: uri.path.slice(uri.path.lastIndexOf('/') + 1),
      hubVersionUri: uri.with({ query: 'version=hub' }),
      unsavedUri: uri.with({ query: 'version=unsaved' }),
      keepUnsaved: () => this.unsaved.set(keyOf(uri), content.slice()),
      announceChange: () => this.notifyChanged([uri]),
      logger: this.deps.logger,
    };
  }

  private unsavedBytes(uri: vscode.Uri): Uint8Array {
    const bytes = this.unsaved.get(keyOf(uri));
    if (!bytes) throw vscode.FileSystemError.FileNotFound('That unsaved version is no longer kept.');
    return bytes;
  }

  private remember(uri: vscode.Uri, version: SeenVersion): void {
    this.seen.set(keyOf(uri), { lastModified: version.lastModified, hash: version.hash });
  }

  private forget(uri: vscode.Uri): void {
    const key = keyOf(uri);
    for (const k of [...this.seen.keys()]) if (k === key || k.startsWith(`${key}/`)) this.seen.delete(k);
    this.unsaved.delete(key);
  }

  /** Queues change events and fires them together a moment later, as VS Code prefers batches. */
  private fire(events: vscode.FileChangeEvent[]): void {
    this.pending.push(...events);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const batch = dedupe(this.pending.splice(0));
      if (batch.length > 0) this.emitter.fire(batch);
    }, this.deps.coalesceMs ?? 50);
  }
}
