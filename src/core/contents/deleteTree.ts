import type { ContentsApi, ContentsEntry } from './types';

/**
 * Deletes a file, or a folder with everything in it. JupyterHub's single-user server turns the trash off
 * (`FileContentsManager.delete_to_trash = False`, set by jupyterhub-singleuser on 3.0 and 5.x), so every delete
 * is permanent, and jupyter_server then refuses a non-empty folder (400 "Directory … not empty") unless
 * `always_delete_dir`. So the folder's entries are deleted first, depth first, then the folder. A folder holding
 * only `.ipynb_checkpoints` counts as empty to the server, which removes it with the folder. Other hidden entries
 * are not listed and cannot be deleted through the contents API: the folder's last DELETE then fails with the
 * server's 400, after the visible entries are gone.
 */
export async function deleteTree(files: ContentsApi, path: string, signal?: AbortSignal): Promise<void> {
  await deleteEntry(files, await files.stat(path, signal), signal);
}

async function deleteEntry(files: ContentsApi, entry: ContentsEntry, signal?: AbortSignal): Promise<void> {
  if (entry.type === 'directory') {
    for (const child of await files.list(entry.path, signal)) {
      signal?.throwIfAborted();
      await deleteEntry(files, child, signal);
    }
  }
  await files.delete(entry.path, signal);
}
