import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SearchHit } from '../../core/catalog/protocol';

/** The user a catalog request is made for, as the hub vouched for their token. */
export interface Caller {
  name: string;
  /** Their hub groups. */
  groups: string[];
  /** In a maintainer group: may publish and roll back. */
  maintainer: boolean;
}

/** A part of the catalog API: answers the requests under `{prefix}api/` it owns, for an authenticated caller. */
export interface ApiRoutes {
  /** Handles the request and returns true, or returns false when `sub` (the path after the prefix) is not its. */
  handle(sub: string, req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<boolean>;
  /** Metadata search over what the caller may see; empty query strings never reach here. */
  search(query: string, caller: Caller, signal?: AbortSignal): Promise<SearchHit[]>;
  /** Releases files, databases and timers. */
  close(): void;
}
