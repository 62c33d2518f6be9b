// A minimal stand-in for the `vscode` module, enough to run activate() and the adapters in plain Node. It
// records what the code under test shows and registers, and answers prompts the way each test scripts it. It
// does not pretend to be a workbench.
import Module from 'node:module';

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
      const options = typeof rest[0] === 'object' ? (rest.shift() as { modal?: boolean }) : {};
      const shown = { kind, message, items: rest as string[], modal: options.modal === true };
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
  return fake;
}

export type FakeVscode = ReturnType<typeof createFakeVscode>;

/** An ExtensionContext with in-memory secrets and global state, enough for activate(). */
export function createFakeContext(version = '9.9.9') {
  return {
    subscriptions: [] as { dispose(): void }[],
    extension: { id: 'hub-notebooks.hub-notebooks', packageJSON: { version } },
    secrets: new FakeSecretStorage(),
    globalState: new FakeMemento(),
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
