// A minimal stand-in for the `vscode` module, enough to run activate() in plain Node and see what it
// registers. It records; it does not pretend to be a workbench.
import Module from 'node:module';

export interface FakeVscode {
  registeredCommands: Map<string, (...args: unknown[]) => unknown>;
  treeProviders: Map<string, unknown>;
  channels: { name: string; lines: string[]; shown: number; disposed: boolean }[];
  errors: string[];
  module: Record<string, unknown>;
}

class Disposable {
  constructor(private readonly fn: () => void) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

export function createFakeVscode(): FakeVscode {
  const fake: FakeVscode = {
    registeredCommands: new Map(),
    treeProviders: new Map(),
    channels: [],
    errors: [],
    module: {},
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
  fake.module = {
    Disposable,
    commands: {
      registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
        if (fake.registeredCommands.has(id)) throw new Error(`command '${id}' already exists`);
        fake.registeredCommands.set(id, handler);
        return new Disposable(() => fake.registeredCommands.delete(id));
      },
    },
    window: {
      createOutputChannel: (name: string) => channel(name),
      registerTreeDataProvider: (id: string, provider: unknown) => {
        fake.treeProviders.set(id, provider);
        return new Disposable(() => fake.treeProviders.delete(id));
      },
      showErrorMessage: (message: string) => {
        fake.errors.push(message);
        return Promise.resolve(undefined);
      },
    },
  };
  return fake;
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
