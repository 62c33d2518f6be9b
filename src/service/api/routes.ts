import type { SearchHit } from '../../core/catalog/protocol';
import type { Handlers } from './operation';

/** The user a catalog request is made for, as the hub vouched for their token. */
export interface Caller {
  name: string;
  /** Their hub groups. */
  groups: string[];
  /** In a maintainer group: may publish and roll back. */
  maintainer: boolean;
}

/** A part of the catalog API: the operations under `{prefix}api/` it owns, for an authenticated caller. */
export interface ApiRoutes {
  /** Its handlers by operation id (see api/operations.ts). */
  handlers(): Handlers;
  /** Metadata search over what the caller may see; empty query strings never reach here. */
  search(query: string, caller: Caller, signal?: AbortSignal): Promise<SearchHit[]>;
  /** Releases files, databases and timers. */
  close(): void;
}
