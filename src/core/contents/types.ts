/**
 * The user's own notebooks, through their single-user server's contents API (`/user/{name}/api/contents`).
 * Interface only; `contentsClient.ts` implements it over the hub transport.
 */

/** One file or folder as the contents API describes it (jupyter_server 1.x and 2.x). */
export interface ContentsEntry {
  /** The path relative to the server's root, `/`-separated, no leading slash. */
  path: string;
  name: string;
  type: 'directory' | 'notebook' | 'file';
  /** ISO 8601. */
  lastModified: string;
  created: string | undefined;
  size: number | undefined;
  writable: boolean;
  /** The file's hash, on servers that give one (jupyter_server 2.11+ with `hash=1`). */
  hash: string | undefined;
}

/** What a save is checked against: the version of the file the editor last read or wrote. */
export interface ContentsVersion {
  lastModified: string;
  hash: string | undefined;
}

export interface ContentsFile {
  entry: ContentsEntry;
  /** The file's bytes exactly as stored (for notebooks, the .ipynb JSON text as UTF-8). */
  bytes: Uint8Array;
}

export interface SaveOptions {
  /**
   * The version the caller last saw. When the file on the server is now different, the save is refused with
   * ContentsConflictError and nothing is written. Omit it only to overwrite on purpose (or to create).
   */
  expected?: ContentsVersion | undefined;
  signal?: AbortSignal | undefined;
}

export interface Checkpoint {
  id: string;
  lastModified: string;
}

/** Everything the extension does with the user's own files. Every call takes an AbortSignal. */
export interface ContentsApi {
  /** `GET api/contents/{path}?content=1` on a folder: its entries, hidden ones excluded by the server. */
  list(path: string, signal?: AbortSignal): Promise<ContentsEntry[]>;
  /** `GET api/contents/{path}?content=0`: metadata only (with `hash=1` where supported). */
  stat(path: string, signal?: AbortSignal): Promise<ContentsEntry>;
  /** `GET api/contents/{path}?type=file&format=text`: the raw bytes, without the server re-serialising them. */
  read(path: string, signal?: AbortSignal): Promise<ContentsFile>;
  /** `PUT api/contents/{path}`: writes bytes (a notebook's JSON is sent as type notebook); returns the new entry. */
  write(path: string, bytes: Uint8Array, options?: SaveOptions): Promise<ContentsEntry>;
  /** `PUT api/contents/{path}` with `type: directory`. */
  createDirectory(path: string, signal?: AbortSignal): Promise<ContentsEntry>;
  /** `PATCH api/contents/{from}` with `{path: to}`; refuses to replace an existing file. */
  rename(from: string, to: string, signal?: AbortSignal): Promise<ContentsEntry>;
  /** `DELETE api/contents/{path}`. */
  delete(path: string, signal?: AbortSignal): Promise<void>;
  /** `GET api/contents/{path}/checkpoints`. */
  listCheckpoints(path: string, signal?: AbortSignal): Promise<Checkpoint[]>;
  /** `POST api/contents/{path}/checkpoints`. */
  createCheckpoint(path: string, signal?: AbortSignal): Promise<Checkpoint>;
  /** `POST api/contents/{path}/checkpoints/{id}`. */
  restoreCheckpoint(path: string, id: string, signal?: AbortSignal): Promise<void>;
}
