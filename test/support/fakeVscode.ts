// A minimal stand-in for the `vscode` module, enough to run activate() and the adapters in plain Node. It
// records what the code under test shows and registers, and answers prompts the way each test scripts it. It
// does not pretend to be a workbench.
import Module from 'node:module';
import { createLanguagesFake, installLanguagesFake } from './fakeVscodeLanguages';

type Listener<T> = (event: T) => unknown;
type Answer<T> = T | undefined | Promise<T | undefined>;

export class Disposable {
  constructor(private readonly fn: () => void) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

export class EventEmitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(event: T): void {
    for (const listener of [...this.listeners]) listener(event);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

/** Like vscode.Uri: components are percent-decoded, and toString() gives back what was parsed. */
export class Uri {
  private constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
    readonly query: string,
    readonly fragment: string,
    private readonly raw: string,
  ) {}
  static parse(value: string): Uri {
    const url = new URL(value);
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    return new Uri(
      url.protocol.slice(0, -1),
      url.host,
      decode(url.pathname),
      decode(url.search.slice(1)),
      decode(url.hash.slice(1)),
      value,
    );
  }
  toString(): string {
    return this.raw;
  }
  /** Like vscode.Uri.file, for local paths. */
  static file(path: string): Uri {
    return Uri.from({ scheme: 'file', path });
  }
  /** The local path of a `file:` URI. */
  get fsPath(): string {
    return this.path;
  }
  /** Like vscode.Uri.from: builds the URI from components, percent-encoding the path and query. */
  static from(c: {
    scheme: string;
    authority?: string;
    path?: string;
    query?: string;
    fragment?: string;
  }): Uri {
    const path = (c.path ?? '').split('/').map(encodeURIComponent).join('/');
    const raw =
      `${c.scheme}://${c.authority ?? ''}${path}` +
      (c.query ? `?${encodeURIComponent(c.query)}` : '') +
      (c.fragment ? `#${encodeURIComponent(c.fragment)}` : '');
    return new Uri(c.scheme, c.authority ?? '', c.path ?? '', c.query ?? '', c.fragment ?? '', raw);
  }
  /** Like vscode.Uri.with. */
  with(change: {
    scheme?: string;
    authority?: string;
    path?: string;
    query?: string;
    fragment?: string;
  }): Uri {
    return Uri.from({
      scheme: change.scheme ?? this.scheme,
      authority: change.authority ?? this.authority,
      path: change.path ?? this.path,
      query: change.query ?? this.query,
      fragment: change.fragment ?? this.fragment,
    });
  }
}

/** Like vscode.CancellationError: what providers throw when the user or the caller cancelled. */
export class CancellationError extends Error {
  constructor() {
    super('Canceled');
    this.name = 'Canceled';
  }
}

export class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
  cancel(): void {
    if (this.token.isCancellationRequested) return;
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

/** SecretStorage in memory. Two providers sharing one instance behave like two windows of one profile. */
export class FakeSecretStorage {
  readonly values = new Map<string, string>();
  private readonly emitter = new EventEmitter<{ key: string }>();
  readonly onDidChange = this.emitter.event;
  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.values.get(key));
  }
  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    await this.changed(key);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
    await this.changed(key);
  }
  private async changed(key: string): Promise<void> {
    // VS Code tells every window after the write, not during it.
    await Promise.resolve();
    this.emitter.fire({ key });
  }
}

export class FakeMemento {
  readonly values = new Map<string, unknown>();
  get<T>(key: string, defaultValue?: T): T | undefined {
    return this.values.has(key) ? (this.values.get(key) as T) : defaultValue;
  }
  update(key: string, value: unknown): Promise<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }
  keys(): string[] {
    return [...this.values.keys()];
  }
}

export interface ShownMessage {
  kind: 'info' | 'warning' | 'error';
  message: string;
  items: string[];
  modal: boolean;
  /** The modal's detail line, when it has one. */
  detail?: string;
}

export interface ShownProgress {
  title: string | undefined;
  location: unknown;
  cancellable: boolean;
  cancel(): void;
}

export interface StatusItem {
  id: string;
  text: string;
  tooltip: string | undefined;
  command: string | undefined;
  visible: boolean;
  disposed: boolean;
}

interface Setting {
  global?: unknown;
  workspace?: unknown;
}

interface RegisteredProvider {
  label: string;
  provider: {
    getSessions(scopes: readonly string[] | undefined, options: object): PromiseLike<unknown[]>;
    createSession(scopes: readonly string[], options: object): PromiseLike<unknown>;
  };
  options: unknown;
}

export function createFakeVscode() {
  const configChanged = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();
  const fake = {
    registeredCommands: new Map<string, (...args: unknown[]) => unknown>(),
    executedCommands: [] as { id: string; args: unknown[] }[],
    treeProviders: new Map<string, unknown>(),
    channels: [] as { name: string; lines: string[]; shown: number; disposed: boolean }[],
    messages: [] as ShownMessage[],
    inputBoxes: [] as Record<string, unknown>[],
    quickPicks: [] as { items: unknown[]; options: Record<string, unknown> | undefined }[],
    progress: [] as ShownProgress[],
    statusItems: [] as StatusItem[],
    uriHandlers: [] as { handleUri(uri: Uri): unknown }[],
    authProviders: new Map<string, RegisteredProvider>(),
    getSessionCalls: [] as { id: string; scopes: readonly string[]; options: Record<string, unknown> }[],
    opened: [] as string[],
    settings: new Map<string, Setting>(),
    /** File system providers, open documents and window focus (see createFileSystemFake). */
    files: createFileSystemFake(),
    /** Tree views, the clipboard, opened notebooks and context keys (see createViewsFake). */
    views: createViewsFake(),
    env: {
      uriScheme: 'vscode',
      remoteName: undefined as string | undefined,
      asExternalUri: (uri: Uri) => uri,
    },
    /** Each prompt's answer; tests replace these. Messages and pickers are dismissed by default. */
    answer: {
      message: (_m: ShownMessage): Answer<string> => undefined,
      inputBox: (_options: Record<string, unknown>): Answer<string> => undefined,
      quickPick: (items: unknown[]): Answer<unknown> => items[0],
      openExternal: (_url: string): boolean | Promise<boolean> => true,
    },
    /** Sets a setting and fires onDidChangeConfiguration, as editing settings.json would. */
    setSetting(key: string, value: unknown, scope: 'global' | 'workspace' = 'global'): void {
      fake.settings.set(key, { ...fake.settings.get(key), [scope]: value });
      configChanged.fire({ affectsConfiguration: (s) => key === s || key.startsWith(`${s}.`) });
    },
    /** Forgets what was recorded and restores the default answers, between tests. */
    reset(): void {
      for (const list of [
        fake.executedCommands,
        fake.messages,
        fake.inputBoxes,
        fake.quickPicks,
        fake.progress,
        fake.opened,
        fake.getSessionCalls,
      ]) {
        list.length = 0;
      }
      fake.settings.clear();
      fake.env.remoteName = undefined;
      fake.env.asExternalUri = (uri) => uri;
      fake.answer.message = () => undefined;
      fake.answer.inputBox = () => undefined;
      fake.answer.quickPick = (items) => items[0];
      fake.answer.openExternal = () => true;
    },
    module: {} as Record<string, unknown>,
  };

  const show =
    (kind: ShownMessage['kind']) =>
    async (message: string, ...rest: unknown[]): Promise<string | undefined> => {
      const options =
        typeof rest[0] === 'object' ? (rest.shift() as { modal?: boolean; detail?: string }) : {};
      const shown: ShownMessage = { kind, message, items: rest as string[], modal: options.modal === true };
      if (options.detail !== undefined) shown.detail = options.detail;
      fake.messages.push(shown);
      return fake.answer.message(shown);
    };

  const channel = (name: string) => {
    const record = { name, lines: [] as string[], shown: 0, disposed: false };
    fake.channels.push(record);
    const line = (level: string) => (m: unknown) => record.lines.push(`${level} ${String(m)}`);
    return {
      trace: line('trace'),
      debug: line('debug'),
      info: line('info'),
      warn: line('warn'),
      error: line('error'),
      show: () => record.shown++,
      dispose: () => (record.disposed = true),
    };
  };

  const statusItem = (id: string) => {
    const record: StatusItem = {
      id,
      text: '',
      tooltip: undefined,
      command: undefined,
      visible: false,
      disposed: false,
    };
    fake.statusItems.push(record);
    return Object.assign(record, {
      name: '',
      show: () => (record.visible = true),
      hide: () => (record.visible = false),
      dispose: () => (record.disposed = true),
    });
  };

  const configuration = (section: string) => ({
    get: (key: string, defaultValue?: unknown) => {
      const s = fake.settings.get(`${section}.${key}`);
      return s?.workspace ?? s?.global ?? defaultValue;
    },
    inspect: (key: string) => {
      const s = fake.settings.get(`${section}.${key}`);
      return { key: `${section}.${key}`, globalValue: s?.global, workspaceValue: s?.workspace };
    },
    update: (key: string, value: unknown, target: number) => {
      fake.setSetting(`${section}.${key}`, value, target === 1 ? 'global' : 'workspace');
      return Promise.resolve();
    },
  });

  const authentication = {
    registerAuthenticationProvider: (
      id: string,
      label: string,
      provider: RegisteredProvider['provider'],
      options: unknown,
    ) => {
      fake.authProviders.set(id, { label, provider, options });
      return new Disposable(() => fake.authProviders.delete(id));
    },
    getSession: async (id: string, scopes: readonly string[], options: Record<string, unknown> = {}) => {
      fake.getSessionCalls.push({ id, scopes, options });
      const entry = fake.authProviders.get(id);
      if (!entry) throw new Error(`no authentication provider '${id}'`);
      const sessions = await entry.provider.getSessions(scopes, {});
      if (sessions[0] && !options.forceNewSession && !options.clearSessionPreference) return sessions[0];
      if (options.createIfNone || options.forceNewSession) return entry.provider.createSession(scopes, {});
      return sessions[0];
    },
  };

  fake.module = {
    Disposable,
    EventEmitter,
    Uri,
    CancellationTokenSource,
    CancellationError,
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    authentication,
    env: fake.env,
    commands: {
      registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
        if (fake.registeredCommands.has(id)) throw new Error(`command '${id}' already exists`);
        fake.registeredCommands.set(id, handler);
        return new Disposable(() => fake.registeredCommands.delete(id));
      },
      executeCommand: (id: string, ...args: unknown[]) => {
        fake.executedCommands.push({ id, args });
        return Promise.resolve(fake.registeredCommands.get(id)?.(...args));
      },
    },
    workspace: {
      getConfiguration: configuration,
      onDidChangeConfiguration: configChanged.event,
    },
    window: {
      createOutputChannel: (name: string) => channel(name),
      createStatusBarItem: (id: string) => statusItem(id),
      registerTreeDataProvider: (id: string, provider: unknown) => {
        fake.treeProviders.set(id, provider);
        return new Disposable(() => fake.treeProviders.delete(id));
      },
      registerUriHandler: (handler: { handleUri(uri: Uri): unknown }) => {
        fake.uriHandlers.push(handler);
        return new Disposable(() => fake.uriHandlers.splice(fake.uriHandlers.indexOf(handler), 1));
      },
      showInformationMessage: show('info'),
      showWarningMessage: show('warning'),
      showErrorMessage: show('error'),
      showInputBox: async (options: Record<string, unknown> = {}) => {
        fake.inputBoxes.push(options);
        return fake.answer.inputBox(options);
      },
      showQuickPick: (items: unknown[], options?: Record<string, unknown>) => {
        fake.quickPicks.push({ items, options });
        return Promise.resolve(fake.answer.quickPick(items));
      },
      withProgress: <T>(
        options: { title?: string; location: unknown; cancellable?: boolean },
        task: (progress: { report(value: unknown): void }, token: CancellationTokenSource['token']) => T,
      ): T => {
        const source = new CancellationTokenSource();
        fake.progress.push({
          title: options.title,
          location: options.location,
          cancellable: options.cancellable === true,
          cancel: () => source.cancel(),
        });
        return task({ report: () => undefined }, source.token);
      },
    },
  };
  Object.assign(fake.env, {
    openExternal: async (uri: Uri) => {
      fake.opened.push(uri.toString());
      return fake.answer.openExternal(uri.toString());
    },
  });
  installFileSystemFake(fake.module, fake.files);
  installViewsFake(fake.module, fake);
  const notebooks = installNotebookFake(fake.module);
  const languages = createLanguagesFake();
  installLanguagesFake(fake.module, languages);
  return Object.assign(fake, { notebooks, languages });
}

export type FakeVscode = ReturnType<typeof createFakeVscode>;

/** An ExtensionContext with in-memory secrets and global state, enough for activate(). */
export function createFakeContext(version = '9.9.9') {
  return {
    subscriptions: [] as { dispose(): void }[],
    extension: { id: 'hub-notebooks.hub-notebooks', packageJSON: { version } },
    secrets: new FakeSecretStorage(),
    globalState: new FakeMemento(),
    workspaceState: new FakeMemento(),
  };
}

/** Makes `require('vscode')` return the fake for the rest of this process. */
export function installFakeVscode(fake: FakeVscode): void {
  const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = mod._load;
  mod._load = function (request: string, ...rest: unknown[]) {
    if (request === 'vscode') return fake.module;
    return original.call(this, request, ...rest);
  };
}

// File system support: FileSystemError and the file enums, registerFileSystemProvider, the open documents the
// remote-change check walks, and window focus. Kept in one region so other additions stay separate.

/** Like vscode.FileSystemError: `code` names the kind, the static factories make each kind. */
export class FileSystemError extends Error {
  readonly code: string;
  constructor(messageOrUri?: string | Uri, code = 'Unknown') {
    super(typeof messageOrUri === 'string' ? messageOrUri : (messageOrUri?.toString() ?? ''));
    this.code = code;
    this.name = `${code} (FileSystemError)`;
  }
  static FileNotFound(m?: string | Uri): FileSystemError {
    return new FileSystemError(m, 'FileNotFound');
  }
  static FileExists(m?: string | Uri): FileSystemError {
    return new FileSystemError(m, 'FileExists');
  }
  static FileNotADirectory(m?: string | Uri): FileSystemError {
    return new FileSystemError(m, 'FileNotADirectory');
  }
  static FileIsADirectory(m?: string | Uri): FileSystemError {
    return new FileSystemError(m, 'FileIsADirectory');
  }
  static NoPermissions(m?: string | Uri): FileSystemError {
    return new FileSystemError(m, 'NoPermissions');
  }
  static Unavailable(m?: string | Uri): FileSystemError {
    return new FileSystemError(m, 'Unavailable');
  }
}

export const FileType = { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 } as const;
export const FilePermission = { Readonly: 1 } as const;
export const FileChangeType = { Changed: 1, Created: 2, Deleted: 3 } as const;

/** The recorded file-system side of the fake; `reset()` clears it between tests. */
export function createFileSystemFake() {
  const windowState = new EventEmitter<{ focused: boolean }>();
  const files = {
    providers: new Map<string, { provider: unknown; options: unknown }>(),
    notebookDocuments: [] as { uri: Uri }[],
    textDocuments: [] as { uri: Uri }[],
    onDidChangeWindowState: windowState.event,
    /** Fires onDidChangeWindowState, as when the user comes back to the window. */
    setFocused(focused = true): void {
      windowState.fire({ focused });
    },
    reset(): void {
      files.notebookDocuments.length = 0;
      files.textDocuments.length = 0;
    },
  };
  return files;
}

function installFileSystemFake(
  module: Record<string, unknown>,
  files: ReturnType<typeof createFileSystemFake>,
) {
  Object.assign(module, { FileSystemError, FileType, FilePermission, FileChangeType });
  const workspace = module['workspace'] as Record<string, unknown>;
  Object.assign(workspace, {
    registerFileSystemProvider: (scheme: string, provider: unknown, options: unknown) => {
      if (files.providers.has(scheme)) throw new Error(`a provider for '${scheme}' is already registered`);
      files.providers.set(scheme, { provider, options });
      return new Disposable(() => files.providers.delete(scheme));
    },
  });
  Object.defineProperty(workspace, 'notebookDocuments', { get: () => files.notebookDocuments });
  Object.defineProperty(workspace, 'textDocuments', { get: () => files.textDocuments });
  const window = module['window'] as Record<string, unknown>;
  window['onDidChangeWindowState'] ??= files.onDidChangeWindowState;
}

// Tree views, the clipboard and notebook editors: TreeItem and its enums, ThemeIcon, ThemeColor,
// MarkdownString, createTreeView, env.clipboard, openNotebookDocument and showNotebookDocument, and the
// context keys `setContext` sets. Kept in one region so other additions stay separate.

export const TreeItemCollapsibleState = { None: 0, Collapsed: 1, Expanded: 2 } as const;

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class ThemeIcon {
  static readonly File = new ThemeIcon('file');
  static readonly Folder = new ThemeIcon('folder');
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

/** Like vscode.MarkdownString: appendText escapes what Markdown would render. */
export class MarkdownString {
  constructor(public value = '') {}
  appendText(text: string): MarkdownString {
    this.value += text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
    return this;
  }
  appendMarkdown(markdown: string): MarkdownString {
    this.value += markdown;
    return this;
  }
}

export class TreeItem {
  id?: string;
  description?: string | boolean;
  tooltip?: string | MarkdownString;
  iconPath?: ThemeIcon;
  contextValue?: string;
  command?: { command: string; title: string; arguments?: unknown[] };
  resourceUri?: Uri;
  constructor(
    public label: string,
    public collapsibleState: number = TreeItemCollapsibleState.None,
  ) {}
}

interface FakeNotebookDocument {
  uri: Uri;
  notebookType: string;
  /** What the registered file system provider's readFile returned, as VS Code reads a notebook to open it. */
  bytes: Uint8Array | undefined;
}

/** The recorded view side of the fake; `reset()` clears it between tests. */
export function createViewsFake() {
  const views = {
    treeViews: new Map<string, { options: Record<string, unknown>; disposed: boolean }>(),
    clipboard: '',
    /** The latest value of each context key set through `setContext`. */
    contextKeys: new Map<string, unknown>(),
    openedNotebooks: [] as FakeNotebookDocument[],
    shownNotebooks: [] as string[],
    activeNotebookEditor: undefined as { notebook: FakeNotebookDocument } | undefined,
    reset(): void {
      views.clipboard = '';
      views.contextKeys.clear();
      views.openedNotebooks.length = 0;
      views.shownNotebooks.length = 0;
      views.activeNotebookEditor = undefined;
    },
  };
  return views;
}

function installViewsFake(
  module: Record<string, unknown>,
  fake: {
    treeProviders: Map<string, unknown>;
    views: ReturnType<typeof createViewsFake>;
    files: ReturnType<typeof createFileSystemFake>;
  },
) {
  const { views, files } = fake;
  Object.assign(module, { TreeItem, TreeItemCollapsibleState, ThemeIcon, ThemeColor, MarkdownString });
  const window = module['window'] as Record<string, unknown>;
  const workspace = module['workspace'] as Record<string, unknown>;
  const commands = module['commands'] as Record<string, unknown>;
  const env = module['env'] as Record<string, unknown>;
  window['createTreeView'] = (id: string, options: { treeDataProvider: unknown }) => {
    const record = { options, disposed: false };
    views.treeViews.set(id, record);
    fake.treeProviders.set(id, options.treeDataProvider);
    return {
      visible: true,
      dispose: () => {
        record.disposed = true;
        fake.treeProviders.delete(id);
      },
    };
  };
  Object.defineProperty(window, 'activeNotebookEditor', { get: () => views.activeNotebookEditor });
  window['showNotebookDocument'] = (document: FakeNotebookDocument) => {
    views.shownNotebooks.push(document.uri.toString());
    views.activeNotebookEditor = { notebook: document };
    return Promise.resolve(views.activeNotebookEditor);
  };
  workspace['openNotebookDocument'] = async (uri: Uri) => {
    const entry = files.providers.get(uri.scheme) as
      { provider: { readFile(uri: Uri): Promise<Uint8Array> } } | undefined;
    const bytes = entry ? await entry.provider.readFile(uri) : undefined;
    const document = { uri, notebookType: 'jupyter-notebook', bytes };
    views.openedNotebooks.push(document);
    files.notebookDocuments.push(document);
    return document;
  };
  env['clipboard'] = {
    writeText: (text: string) => {
      views.clipboard = text;
      return Promise.resolve();
    },
    readText: () => Promise.resolve(views.clipboard),
  };
  const execute = commands['executeCommand'] as (id: string, ...args: unknown[]) => Promise<unknown>;
  commands['executeCommand'] = (id: string, ...args: unknown[]) => {
    if (id === 'setContext') views.contextKeys.set(String(args[0]), args[1]);
    return execute(id, ...args);
  };
}

/** A notebook controller as the fake records it. */
export interface FakeController {
  id: string;
  notebookType: string;
  label: string;
  description?: string;
  detail?: string;
  supportedLanguages?: string[];
  supportsExecutionOrder?: boolean;
  executeHandler?: unknown;
  interruptHandler?: unknown;
  affinity: Map<string, number>;
  disposed: boolean;
}

/**
 * Notebook controllers, the notebook document events, the active notebook editor and the extensions list:
 * enough for activate() to offer hub kernels and look for the Jupyter extension (never installed here).
 */
function installNotebookFake(module: Record<string, unknown>) {
  const opened = new EventEmitter<unknown>();
  const closed = new EventEmitter<unknown>();
  const controllers = new Map<string, FakeController>();
  class NotebookCellOutputItem {
    constructor(
      readonly data: Uint8Array,
      readonly mime: string,
    ) {}
    static error(e: { name: string; message: string; stack?: string }) {
      return new NotebookCellOutputItem(
        new TextEncoder().encode(JSON.stringify(e)),
        'application/vnd.code.notebook.error',
      );
    }
  }
  class NotebookCellOutput {
    constructor(
      readonly items: NotebookCellOutputItem[],
      readonly metadata?: Record<string, unknown>,
    ) {}
  }
  class ThemeColor {
    constructor(readonly id: string) {}
  }
  Object.assign(module, {
    NotebookCellOutput,
    NotebookCellOutputItem,
    ThemeColor,
    NotebookControllerAffinity: { Default: 1, Preferred: 2 },
    notebooks: {
      createNotebookController: (id: string, notebookType: string, label: string) => {
        if (controllers.has(id)) throw new Error(`controller '${id}' already exists`);
        const selected = new EventEmitter<unknown>();
        const controller: FakeController & Record<string, unknown> = {
          id,
          notebookType,
          label,
          affinity: new Map(),
          disposed: false,
          onDidChangeSelectedNotebooks: selected.event,
          updateNotebookAffinity: (notebook: { uri: Uri }, affinity: number) => {
            controller.affinity.set(notebook.uri.toString(), affinity);
          },
          dispose: () => {
            controller.disposed = true;
            controllers.delete(id);
          },
        };
        controllers.set(id, controller);
        return controller;
      },
    },
    extensions: {
      all: [],
      getExtension: () => undefined,
      onDidChange: new EventEmitter<void>().event,
    },
  });
  const workspace = module['workspace'] as Record<string, unknown>;
  workspace['onDidOpenNotebookDocument'] = opened.event;
  workspace['onDidCloseNotebookDocument'] = closed.event;
  const window = module['window'] as Record<string, unknown>;
  if (!('activeNotebookEditor' in window)) window['activeNotebookEditor'] = undefined;
  window['onDidChangeActiveNotebookEditor'] ??= new EventEmitter<unknown>().event;
  return { controllers, opened, closed };
}
