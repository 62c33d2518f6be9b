// The fake's language side: diagnostics, code actions, ranges and edits, and the document events the lint
// listens to. Enough for the lint's adapter to be built and driven in plain Node; kept apart from
// fakeVscode.ts so that file stays one region per part.
import fs from 'node:fs';
import { Disposable, EventEmitter, type Uri } from './fakeVscode';

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(startLine: number, startCharacter: number, endLine: number, endCharacter: number) {
    this.start = new Position(startLine, startCharacter);
    this.end = new Position(endLine, endCharacter);
  }
}

export class Diagnostic {
  source?: string;
  code?: string | number;
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity: number,
  ) {}
}

export class CodeActionKind {
  static readonly QuickFix = new CodeActionKind('quickfix');
  constructor(readonly value: string) {}
}

export class CodeAction {
  diagnostics?: Diagnostic[];
  edit?: WorkspaceEdit;
  command?: { command: string; title: string; arguments?: unknown[] };
  constructor(
    readonly title: string,
    readonly kind?: CodeActionKind,
  ) {}
}

/** Records its edits as plain entries, so tests can read what a quick fix would change. */
export class WorkspaceEdit {
  readonly entries: { uri: Uri; edit: unknown }[] = [];
  replace(uri: Uri, range: Range, newText: string): void {
    this.entries.push({ uri, edit: { range, newText } });
  }
  set(uri: Uri, edits: unknown[]): void {
    for (const edit of edits) this.entries.push({ uri, edit });
  }
}

export const NotebookCellKind = { Markup: 1, Code: 2 } as const;

export class NotebookRange {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}
}

export class NotebookCellData {
  metadata?: Record<string, unknown>;
  outputs?: unknown[];
  executionSummary?: unknown;
  constructor(
    readonly kind: number,
    readonly value: string,
    readonly languageId: string,
  ) {}
}

/** Records what a notebook edit would do, for tests to read. */
export class NotebookEdit {
  constructor(
    readonly kind: 'insert' | 'replace',
    readonly range: NotebookRange,
    readonly cells: NotebookCellData[],
  ) {}
  static insertCells(index: number, cells: NotebookCellData[]): NotebookEdit {
    return new NotebookEdit('insert', new NotebookRange(index, index), cells);
  }
  static replaceCells(range: NotebookRange, cells: NotebookCellData[]): NotebookEdit {
    return new NotebookEdit('replace', range, cells);
  }
}

/** Like vscode.DataTransferItem: a string value (tree drags carry JSON). */
export class DataTransferItem {
  constructor(readonly value: unknown) {}
  asString(): Promise<string> {
    return Promise.resolve(typeof this.value === 'string' ? this.value : JSON.stringify(this.value));
  }
  asFile(): undefined {
    return undefined;
  }
}

/** Like vscode.DataTransfer: items by MIME type. */
export class DataTransfer {
  private readonly items = new Map<string, DataTransferItem>();
  get(mime: string): DataTransferItem | undefined {
    return this.items.get(mime);
  }
  set(mime: string, item: DataTransferItem): void {
    this.items.set(mime, item);
  }
}

/** The recorded language side: diagnostics by URI, the code action providers, and the document events. */
export function createLanguagesFake() {
  return {
    diagnostics: new Map<string, Diagnostic[]>(),
    codeActionProviders: [] as { selector: unknown; provider: unknown }[],
    notebookChanged: new EventEmitter<unknown>(),
    notebookSaved: new EventEmitter<unknown>(),
    textChanged: new EventEmitter<unknown>(),
  };
}

export function installLanguagesFake(
  module: Record<string, unknown>,
  languages: ReturnType<typeof createLanguagesFake>,
): void {
  Object.assign(module, {
    Position,
    Range,
    Diagnostic,
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    CodeAction,
    CodeActionKind,
    WorkspaceEdit,
    NotebookCellKind,
    NotebookRange,
    NotebookCellData,
    NotebookEdit,
    DataTransfer,
    DataTransferItem,
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    languages: {
      createDiagnosticCollection: () => ({
        set: (uri: Uri, list: Diagnostic[]) => languages.diagnostics.set(uri.toString(), list),
        delete: (uri: Uri) => languages.diagnostics.delete(uri.toString()),
        dispose: () => languages.diagnostics.clear(),
      }),
      registerCodeActionsProvider: (selector: unknown, provider: unknown) => {
        const entry = { selector, provider };
        languages.codeActionProviders.push(entry);
        return new Disposable(() => {
          const i = languages.codeActionProviders.indexOf(entry);
          if (i >= 0) languages.codeActionProviders.splice(i, 1);
        });
      },
    },
  });
  const workspace = module['workspace'] as Record<string, unknown>;
  workspace['onDidChangeNotebookDocument'] ??= languages.notebookChanged.event;
  workspace['onDidSaveNotebookDocument'] ??= languages.notebookSaved.event;
  workspace['onDidChangeTextDocument'] ??= languages.textChanged.event;
  // Workspace folders, for "Open My Notebooks in Explorer": added ones are recorded in order.
  const folders: { uri: Uri; name?: string }[] = [];
  workspace['updateWorkspaceFolders'] ??= (
    start: number,
    deleteCount: number,
    ...add: { uri: Uri; name?: string }[]
  ) => {
    folders.splice(start, deleteCount, ...add);
    return true;
  };
  if (!Object.getOwnPropertyDescriptor(workspace, 'workspaceFolders')) {
    Object.defineProperty(workspace, 'workspaceFolders', {
      get: () => (folders.length > 0 ? [...folders] : undefined),
    });
  }
  // Local files, for uploads: the real disk, as VS Code's own file system would read and delete them.
  workspace['fs'] ??= {
    readFile: (uri: Uri) => fs.promises.readFile(uri.fsPath),
    delete: (uri: Uri) => fs.promises.rm(uri.fsPath),
  };
}
