import type { HubnbLocation } from '../uris/types';

export interface SessionPathOptions {
  /** The user's home relative to the server's root: the contents root ('' when the server's root is the home). */
  home: string;
  /**
   * Where kernels of notebooks that are not the user's own start, relative to the home: '' for the home itself
   * (setting `hubNotebooks.kernels.sharedNotebookFolder`).
   */
  sharedFolder: string;
}

/**
 * The sessions-API path of a notebook's kernel session on the *viewer's* server. jupyter_server starts the
 * kernel in the folder of this path, or the nearest existing folder above it, and the path is the key a
 * reloaded window finds the session by.
 *
 * - Own notebooks: the notebook's own server path, so the kernel runs in its folder.
 * - Teammates' and supported notebooks: a path under the shared folder that names where the notebook came
 *   from. Those folders do not exist, so the kernel starts in the shared folder, in the viewer's own space,
 *   never on the owner's server.
 * - Local files (`undefined`): under the shared folder, named by the file.
 */
export function kernelSessionPath(
  notebook: HubnbLocation | { area: 'local'; name: string },
  options: SessionPathOptions,
): string {
  const join = (...parts: string[]) => parts.filter((p) => p !== '').join('/');
  const shared = join(options.home, options.sharedFolder);
  switch (notebook.area) {
    case 'me':
      return join(options.home, notebook.path);
    case 'team':
      return join(shared, '.hub-notebooks', 'team', notebook.user, notebook.path);
    case 'supported':
      return join(shared, '.hub-notebooks', 'supported', notebook.name, `${notebook.version}.ipynb`);
    case 'local':
      return join(shared, '.hub-notebooks', 'local', notebook.name);
    default:
      throw new TypeError(`${notebook.area} is a folder, not a notebook.`);
  }
}
