import type { SearchHit } from '../../core/catalog/schemas';
import type { Caller, Handlers } from './operation';

export type { Caller } from './operation';

/** A part of the catalog API: the operations under `{prefix}api/` it owns, for an authenticated caller. */
export interface ApiRoutes {
  /** Its handlers by operation id (see api/catalogOperations.ts). */
  handlers(): Handlers;
  /** Metadata search over what the caller may see; empty query strings never reach here. */
  search(query: string, caller: Caller, signal?: AbortSignal): Promise<SearchHit[]>;
  /** Releases files, databases and timers. */
  close(): void;
}
