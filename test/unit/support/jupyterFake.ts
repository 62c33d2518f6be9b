// A stand-in for the Jupyter extension (`ms-toolsai.jupyter`) and for the parts of VS Code the bridge watches:
// the installed extensions, which can gain or lose the Jupyter extension, and the open notebooks. The fake
// Jupyter API implements the real @vscode/jupyter-extension types, so a change to them breaks the build here.
import type { Jupyter, JupyterServerCollection, JupyterServerProvider } from '@vscode/jupyter-extension';
import { EventEmitter } from '../../support/fakeVscode';

/** A collection as the fake Jupyter extension keeps it: what was registered, and whether it was disposed. */
export interface FakeCollection extends JupyterServerCollection {
  readonly provider: JupyterServerProvider;
  disposed: boolean;
}

/** The Jupyter extension's API; it refuses a second live collection with the same id, as the real one does. */
export function createFakeJupyterApi() {
  const collections: FakeCollection[] = [];
  const api: Jupyter = {
    kernels: { getKernel: () => Promise.resolve(undefined) },
    createJupyterServerCollection(id, label, provider) {
      if (collections.some((c) => c.id === id && !c.disposed)) {
        throw new Error(`Jupyter Server Provider with id ${id} already exists`);
      }
      const collection: FakeCollection = {
        id,
        label,
        provider,
        disposed: false,
        dispose: () => void (collection.disposed = true),
      };
      collections.push(collection);
      return collection;
    },
  };
  return { api, collections, live: () => collections.filter((c) => !c.disposed) };
}

/** One installed extension: whether it is active, and how often it was activated. */
export interface FakeExtension {
  isActive: boolean;
  exports: unknown;
  activations: number;
  activate(): Promise<unknown>;
}

/** `vscode.extensions` and `vscode.workspace`'s notebooks, as JupyterBridgeHost wants them. */
export function createFakeJupyterHost() {
  const extensionsChanged = new EventEmitter<void>();
  const notebookOpened = new EventEmitter<unknown>();
  let jupyter: FakeExtension | undefined;
  const notebookDocuments: unknown[] = [];
  const host = {
    extensions: {
      getExtension: (id: string) => (id === 'ms-toolsai.jupyter' ? jupyter : undefined),
      onDidChange: extensionsChanged.event,
    },
    notebooks: { notebookDocuments, onDidOpenNotebookDocument: notebookOpened.event },
  };
  return {
    host,
    get jupyter() {
      return jupyter;
    },
    /** Installs the Jupyter extension with these exports; `announce` fires extensions.onDidChange. */
    install(exports: unknown, { active = false, announce = true } = {}): FakeExtension {
      const extension: FakeExtension = {
        isActive: active,
        exports,
        activations: 0,
        activate() {
          extension.activations++;
          extension.isActive = true;
          return Promise.resolve(exports);
        },
      };
      jupyter = extension;
      if (announce) extensionsChanged.fire();
      return extension;
    },
    uninstall(): void {
      jupyter = undefined;
      extensionsChanged.fire();
    },
    /** Opens a notebook; `announce` fires onDidOpenNotebookDocument (false: it was open before activation). */
    openNotebook({ announce = true } = {}): void {
      const document = { uri: `untitled:${notebookDocuments.length}` };
      notebookDocuments.push(document);
      if (announce) notebookOpened.fire(document);
    },
  };
}
