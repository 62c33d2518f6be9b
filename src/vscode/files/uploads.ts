import { open } from 'node:fs/promises';
import vscode = require('vscode');
import type { HubUrl } from '../../core/auth';
import { ContentsExistsError } from '../../core/contents/errors';
import type { ContentsAuthoring, UploadSource } from '../../core/contents/types';
import { messageOf } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { parseHubnbPath } from '../../core/uris/hubnbUri';
import { toAbortSignal } from '../app/cancellation';
import type { HubAccounts } from '../hub/hubAccounts';
import type { HubServers } from '../hub/serverStart';
import { nameOf } from './authoringTargets';

/** What uploads work with: the account's authoring calls, server-start consent, and a refresh of the tree. */
export interface UploadDeps {
  clients: Pick<HubAccounts, 'hubForAuthority' | 'run'>;
  servers: Pick<HubServers, 'withServer'>;
  /** Lists My Notebooks again once files arrived. */
  refresh: () => void;
  logger: Logger;
}

/** What became of one local file. */
export type UploadOutcome = 'uploaded' | 'moved' | 'kept-local' | 'skipped' | 'failed' | 'cancelled';

const REPLACE = 'Replace';
const DELETE_LOCAL = 'Delete Local Copy';
const DELETE_PERMANENTLY = 'Delete Permanently';
const MB = 1024 * 1024;

/**
 * Uploads local files into a folder of the user's home, byte for byte (contents API chunks for large files),
 * in one cancellable notification with progress. With `move` ("Move to Hub"), each file is read back from the
 * hub and compared, and only a verified copy lets the user delete the local one: data kept on laptops is what
 * the team wants to stop. An existing file on the hub is replaced only if the user says so.
 */
export async function uploadFiles(
  deps: UploadDeps,
  sources: readonly vscode.Uri[],
  folder: vscode.Uri,
  move: boolean,
): Promise<UploadOutcome[]> {
  const base = parseHubnbPath(folder.path);
  if (base.area !== 'me') throw new Error('files can be uploaded only into My Notebooks');
  const hubUrl = await deps.clients.hubForAuthority(folder.authority);
  const title = move ? 'Moving to the hub' : 'Uploading to the hub';
  const outcomes: UploadOutcome[] = [];
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const signal = toAbortSignal(token);
      for (const source of sources) {
        if (signal.aborted) {
          outcomes.push('cancelled');
          continue;
        }
        const name = nameOf(source);
        const path = base.path ? `${base.path}/${name}` : name;
        const report = (message: string) => progress.report({ message });
        outcomes.push(await uploadOne(deps, { hubUrl, source, path, name, move, signal, report }));
      }
    },
  );
  deps.refresh();
  return outcomes;
}

interface OneUpload {
  hubUrl: HubUrl;
  source: vscode.Uri;
  path: string;
  name: string;
  move: boolean;
  signal: AbortSignal;
  report: (message: string) => void;
}

async function uploadOne(deps: UploadDeps, u: OneUpload): Promise<UploadOutcome> {
  const run = <T>(op: (a: ContentsAuthoring) => Promise<T>) =>
    deps.servers.withServer(
      u.hubUrl,
      () => deps.clients.run(u.hubUrl as never, (a) => op(a.authoring)),
      `upload ${u.name}`,
    );
  const local = await localSource(u.source);
  try {
    const options = {
      signal: u.signal,
      onProgress: ({ sent, total }: { sent: number; total: number }) =>
        u.report(`${u.name}: ${(sent / MB).toFixed(1)} of ${(total / MB).toFixed(1)} MB`),
    };
    try {
      await run((a) => a.upload(u.path, local.source, options));
    } catch (err) {
      if (!(err instanceof ContentsExistsError)) throw err;
      const pick = await vscode.window.showWarningMessage(
        `${u.name} already exists in that folder on the hub. Replace it?`,
        { modal: true },
        REPLACE,
      );
      if (pick !== REPLACE) return 'skipped';
      await run((a) => a.upload(u.path, local.source, { ...options, overwrite: true }));
    }
    deps.logger.info(`uploaded ${u.source.toString()} as ${u.path} (${local.source.size} bytes)`);
    return u.move ? await offerToDeleteLocal(deps, u, local.source, run) : 'uploaded';
  } catch (err) {
    if (u.signal.aborted) return 'cancelled';
    deps.logger.warn(`could not upload ${u.source.toString()}: ${messageOf(err)}`);
    void vscode.window.showErrorMessage(`Could not upload ${u.name}: ${messageOf(err)}`);
    return 'failed';
  } finally {
    await local.close();
  }
}

/** Reads the hub's copy back; only when it has exactly the local bytes may the local file go. */
async function offerToDeleteLocal(
  deps: UploadDeps,
  u: OneUpload,
  local: UploadSource,
  run: <T>(op: (a: ContentsAuthoring) => Promise<T>) => Promise<T>,
): Promise<UploadOutcome> {
  u.report(`${u.name}: checking the hub's copy`);
  const check = await run((a) => a.verifyUpload(u.path, local, u.signal));
  if (!check.same) {
    void vscode.window.showErrorMessage(
      `The hub's copy of ${u.name} does not read back as the local file, so the local file was kept. Upload it again.`,
    );
    return 'kept-local';
  }
  const pick = await vscode.window.showInformationMessage(
    `${u.name} is on the hub, and its copy there reads back byte for byte (${check.by === 'sha256' ? 'by SHA-256' : 'compared in full'}). Delete the local copy?`,
    { modal: true, detail: `It goes to the trash, where this computer has one: ${u.source.fsPath}` },
    DELETE_LOCAL,
  );
  if (pick !== DELETE_LOCAL) return 'kept-local';
  const deleted = await deleteLocal(u.source, u.name);
  if (deleted) deps.logger.info(`deleted the local copy ${u.source.toString()} after a verified upload`);
  return deleted ? 'moved' : 'kept-local';
}

/**
 * Deletes the local copy into the computer's trash; where there is none (a remote or web VS Code's file
 * system), asks again before deleting it for good. The hub's copy is safe either way, so a failure is said
 * as such, not as a failed upload.
 */
async function deleteLocal(source: vscode.Uri, name: string): Promise<boolean> {
  try {
    await vscode.workspace.fs.delete(source, { useTrash: true });
    return true;
  } catch {
    const pick = await vscode.window.showWarningMessage(
      `${name} is on the hub, but this computer's trash cannot take the local copy. Delete it permanently?`,
      { modal: true, detail: source.fsPath },
      DELETE_PERMANENTLY,
    );
    if (pick !== DELETE_PERMANENTLY) return false;
  }
  try {
    await vscode.workspace.fs.delete(source, { useTrash: false });
    return true;
  } catch (err) {
    void vscode.window.showErrorMessage(
      `${name} is on the hub, but the local copy could not be deleted: ${messageOf(err)}`,
    );
    return false;
  }
}

/** A local file as an upload source: read in slices from disk, or whole through VS Code for other schemes. */
async function localSource(uri: vscode.Uri): Promise<{ source: UploadSource; close: () => Promise<void> }> {
  if (uri.scheme !== 'file') {
    const bytes = await vscode.workspace.fs.readFile(uri);
    const source = {
      size: bytes.length,
      read: (offset: number, length: number) => Promise.resolve(bytes.subarray(offset, offset + length)),
    };
    return { source, close: () => Promise.resolve() };
  }
  const handle = await open(uri.fsPath, 'r');
  const { size } = await handle.stat();
  const read = async (offset: number, length: number): Promise<Uint8Array> => {
    const buffer = Buffer.alloc(Math.min(length, size - offset));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return buffer.subarray(0, bytesRead);
  };
  return { source: { size, read }, close: () => handle.close() };
}
