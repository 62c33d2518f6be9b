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

/**
 * Bytes to upload that need not all be in memory at once, such as a large local file read slice by slice.
 * `read` returns exactly `length` bytes starting at `offset` (fewer only at the end).
 */
export interface UploadSource {
  readonly size: number;
  read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array>;
}

export interface UploadProgress {
  /** Bytes the server has acknowledged so far. */
  sent: number;
  total: number;
}

export interface UploadOptions {
  /** Replace an existing file at the target; without it an existing target is ContentsExistsError, unsent. */
  overwrite?: boolean | undefined;
  /** Called with 0 before the first request and after every acknowledged chunk. */
  onProgress?: ((progress: UploadProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Bytes per request; files up to this size go in one PUT. Defaults to UPLOAD_CHUNK_BYTES (upload.ts). */
  chunkBytes?: number | undefined;
}

/** The outcome of reading an upload back from the hub. */
export interface UploadVerification {
  /** Whether the hub's copy has exactly the local bytes. */
  same: boolean;
  /** `sha256`: the server's hash (jupyter_server 2.11+); `bytes`: the file was downloaded and compared. */
  by: 'sha256' | 'bytes';
  /** The hub's copy as it is now. */
  entry: ContentsEntry;
}

/** A checkpoint's bytes, and how they were obtained (checkpointContent.ts explains both ways). */
export interface CheckpointContent {
  bytes: Uint8Array;
  /** `hidden-path`: read from `.ipynb_checkpoints/` (servers with allow_hidden); `restore`: restored and put back. */
  via: 'hidden-path' | 'restore';
  /**
   * The file as it is afterwards. After `restore` its last_modified is new (its bytes are not), so an editor that
   * checks saves by last_modified (jupyter_server 1.x) must take this as the version it last saw.
   */
  entry: ContentsEntry;
}

/**
 * Authoring on the user's own files beyond ContentsApi: byte-exact uploads of any size, read-back checks, copies,
 * deleting folders with their contents, and reading a checkpoint. Every call takes an AbortSignal.
 */
export interface ContentsAuthoring {
  /** `PUT api/contents/{temp}` (one body, or LargeFileManager chunks), then `PATCH` onto `path`: byte-exact. */
  upload(path: string, source: Uint8Array | UploadSource, options?: UploadOptions): Promise<ContentsEntry>;
  /** `GET api/contents/{path}?type=file&hash=1` (or the content on 1.x): whether the hub has these bytes. */
  verifyUpload(
    path: string,
    local: Uint8Array | UploadSource,
    signal?: AbortSignal,
  ): Promise<UploadVerification>;
  /** `POST api/contents/{folder}` with `{copy_from}`: a copy next to the file, named by the server (`x-Copy1.ipynb`). */
  duplicate(path: string, signal?: AbortSignal): Promise<ContentsEntry>;
  /** `POST api/contents/{to}` with `{copy_from}`: a copy under the chosen name; an existing `to` is refused. */
  copy(from: string, to: string, signal?: AbortSignal): Promise<ContentsEntry>;
  /** `DELETE api/contents/{path}` on every entry below a folder, then on the folder (the server refuses non-empty ones). */
  deleteTree(path: string, signal?: AbortSignal): Promise<void>;
  /** The bytes of checkpoint `id` of `path` (the contents API has no GET for them; see checkpointContent.ts). */
  readCheckpoint(path: string, id: string, signal?: AbortSignal): Promise<CheckpointContent>;
}
