import vscode = require('vscode');
import { formatHubnbPath, parseHubnbPath } from '../../core/uris/hubnbUri';
import type { Logger } from '../../core/logger';
import { checkRelativePath } from '../../core/uris/relativePath';
import { HUBNB_SCHEME, type HubnbLocation } from '../../core/uris/types';
import type { HubnbFileSystemProvider } from './hubnbFileSystem';
import { messageOf } from '../../core/errors';

export interface SaveCopyDeps {
  /** Reads the source and writes the copy, so the copy gets the provider's checks and server-start consent. */
  files: Pick<HubnbFileSystemProvider, 'readFile' | 'stat' | 'writeFile'>;
  logger: Logger;
}

const REPLACE = 'Replace';
const NOTEBOOK_TYPE = 'jupyter-notebook';

/**
 * "Save a Copy to My Notebooks": copies a teammate's or a supported notebook into the user's own home on the
 * same hub, under a name they choose, and opens the copy. Returns the copy's URI, or undefined when the user
 * cancelled or it failed (the user has been told why).
 */
export async function saveCopyToMyNotebooks(
  deps: SaveCopyDeps,
  source: vscode.Uri,
): Promise<vscode.Uri | undefined> {
  const suggested = suggestedName(source);
  if (suggested === undefined) {
    void vscode.window.showErrorMessage(
      "Save a Copy to My Notebooks works on a teammate's notebook or a supported notebook.",
    );
    return undefined;
  }
  try {
    const bytes = await deps.files.readFile(source);
    const name = await askForName(suggested, source.authority);
    if (name === undefined) return undefined;
    const target = source.with({
      path: formatHubnbPath({ area: 'me', path: name }),
      query: '',
      fragment: '',
    });
    if (!(await mayWrite(deps, target, name))) return undefined;
    await deps.files.writeFile(target, bytes, { create: true, overwrite: true });
    deps.logger.info(`saved a copy of ${source.toString()} as ${target.toString()}`);
    const open = name.endsWith('.ipynb')
      ? ['vscode.openWith', target, NOTEBOOK_TYPE]
      : ['vscode.open', target];
    await vscode.commands.executeCommand(...(open as [string, ...unknown[]]));
    return target;
  } catch (err) {
    const message = messageOf(err);
    deps.logger.warn(`could not save a copy of ${source.toString()}: ${message}`);
    void vscode.window.showErrorMessage(`Could not save a copy: ${message}`);
    return undefined;
  }
}

/** The name a copy gets by default, or undefined when the URI is not a team or supported file. */
export function suggestedName(source: vscode.Uri): string | undefined {
  if (source.scheme !== HUBNB_SCHEME) return undefined;
  let location: HubnbLocation;
  try {
    location = parseHubnbPath(source.path);
  } catch {
    return undefined;
  }
  if (location.area === 'team' && location.path !== '') {
    return location.path.slice(location.path.lastIndexOf('/') + 1);
  }
  if (location.area === 'supported') {
    return location.version === 'current'
      ? `${location.name}.ipynb`
      : `${location.name}-${location.version}.ipynb`;
  }
  return undefined;
}

async function askForName(suggested: string, host: string): Promise<string | undefined> {
  const stem = suggested.endsWith('.ipynb') ? suggested.length - '.ipynb'.length : suggested.length;
  const name = await vscode.window.showInputBox({
    title: 'Save a Copy to My Notebooks',
    prompt: `Where to put the copy, relative to your home folder on ${host}`,
    value: suggested,
    valueSelection: [0, stem],
    validateInput: (value: string) => {
      if (value.trim() === '') return 'Enter a file name.';
      const check = checkRelativePath(value);
      return check.ok ? undefined : check.message;
    },
  });
  // The box validates as the user types, but a scripted or stale answer gets the same rule.
  if (name === undefined || !checkRelativePath(name).ok || name === '') return undefined;
  return name;
}

/** True when the target is free, or the user agreed to replace the file there. */
async function mayWrite(deps: SaveCopyDeps, target: vscode.Uri, name: string): Promise<boolean> {
  let existing: vscode.FileStat;
  try {
    existing = await deps.files.stat(target);
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return true;
    throw err;
  }
  if (existing.type === vscode.FileType.Directory) {
    throw new Error(`${name} is a folder in your home. Choose another name.`);
  }
  const pick = await vscode.window.showWarningMessage(
    `${name} already exists in My Notebooks. Replace it with the copy?`,
    { modal: true },
    REPLACE,
  );
  return pick === REPLACE;
}
