import vscode = require('vscode');
import type { Logger } from '../../core/logger';
import { emptyNotebook } from '../../core/notebook/template';
import { serializeNotebook } from '../../core/notebook/nbformat';
import { checkRelativePath } from '../../core/uris/relativePath';
import type { NotebookHubs } from '../hub/hubAccess';
import { childOf, homeOf, nameOf, pickHub } from './authoringTargets';
import type { HubnbFileSystemProvider } from './hubnbFileSystem';

export interface SaveToHubDeps {
  hubs: NotebookHubs;
  files: Pick<HubnbFileSystemProvider, 'stat' | 'writeFile'>;
  logger: Logger;
}

const REPLACE = 'Replace';

/**
 * "Save to Hub": an untitled or local notebook, unsaved edits and outputs included, becomes a notebook in My
 * Notebooks. An empty notebook is made on the hub, filled with the document's cells and metadata, and saved by
 * VS Code's own ipynb serializer, so the file is what VS Code would have written locally. The local document
 * stays open, untouched.
 */
export async function saveToHub(deps: SaveToHubDeps, arg?: unknown): Promise<vscode.Uri | undefined> {
  const source = sourceNotebook(arg);
  const home = homeOf(await pickHub(deps.hubs));
  const name = await askName(source, home);
  if (name === undefined) return undefined;
  const target = childOf(home, name);
  if (!(await mayWrite(deps, target, name))) return undefined;
  const empty = new TextEncoder().encode(serializeNotebook(emptyNotebook()));
  await deps.files.writeFile(target, empty, { create: true, overwrite: true });
  const doc = await vscode.workspace.openNotebookDocument(target);
  const edit = new vscode.WorkspaceEdit();
  edit.set(target, [
    vscode.NotebookEdit.replaceCells(
      new vscode.NotebookRange(0, doc.cellCount),
      source.getCells().map(cellData),
    ),
    vscode.NotebookEdit.updateNotebookMetadata({ ...source.metadata }),
  ]);
  if (!(await vscode.workspace.applyEdit(edit)) || !(await doc.save())) {
    throw new Error(`VS Code did not save ${name} on the hub; the empty notebook there can be deleted`);
  }
  deps.logger.info(`saved ${source.uri.toString()} to the hub as ${target.toString()}`);
  await vscode.window.showNotebookDocument(doc);
  void vscode.window.showInformationMessage(
    `Saved to the hub as ${name}. The local ${source.isUntitled ? 'untitled notebook' : 'file'} is still open; close it when you no longer need it.`,
  );
  return target;
}

function sourceNotebook(arg: unknown): vscode.NotebookDocument {
  const uri = arg instanceof vscode.Uri ? arg.toString() : undefined;
  const doc = uri
    ? vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === uri)
    : vscode.window.activeNotebookEditor?.notebook;
  if (!doc || doc.notebookType !== 'jupyter-notebook') throw new Error('open a Jupyter notebook first');
  if (doc.uri.scheme === 'hubnb') {
    throw new Error('this notebook is already on the hub; use Duplicate or Save a Copy to My Notebooks');
  }
  return doc;
}

async function askName(source: vscode.NotebookDocument, home: vscode.Uri): Promise<string | undefined> {
  const base = source.isUntitled ? 'Untitled.ipynb' : nameOf(source.uri);
  const value = base.endsWith('.ipynb') ? base : `${base}.ipynb`;
  const name = await vscode.window.showInputBox({
    title: 'Save to Hub',
    prompt: `Where, relative to your home folder on ${home.authority}`,
    value,
    valueSelection: [0, value.length - '.ipynb'.length],
    validateInput: (v) => {
      if (!v.trim().endsWith('.ipynb')) return 'A notebook’s name ends in .ipynb.';
      const check = checkRelativePath(v.trim());
      return check.ok ? undefined : check.message;
    },
  });
  const trimmed = name?.trim();
  return trimmed && trimmed.endsWith('.ipynb') && checkRelativePath(trimmed).ok ? trimmed : undefined;
}

async function mayWrite(deps: SaveToHubDeps, target: vscode.Uri, name: string): Promise<boolean> {
  try {
    await deps.files.stat(target);
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return true;
    throw err;
  }
  const pick = await vscode.window.showWarningMessage(
    `${name} already exists on the hub. Replace it?`,
    { modal: true },
    REPLACE,
  );
  return pick === REPLACE;
}

function cellData(cell: vscode.NotebookCell): vscode.NotebookCellData {
  const data = new vscode.NotebookCellData(cell.kind, cell.document.getText(), cell.document.languageId);
  data.metadata = { ...cell.metadata };
  data.outputs = [...cell.outputs];
  if (cell.executionSummary) data.executionSummary = cell.executionSummary;
  return data;
}
