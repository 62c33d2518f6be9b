import * as z from 'zod/mini';
import type { HubTransport } from '../../core/hub';
import { expectStatus, parseBody } from '../../core/hub/response';

/** A hub group and its members' names. */
export interface HubGroup {
  name: string;
  users: string[];
}

const groupSchema = z.object({ name: z.string(), users: z.optional(z.array(z.string())) });
// 3.0 and 5.x answer a plain list unless the client asks for pagination; 5.x may answer the paginated form.
const groupPageSchema = z.union([
  z.array(groupSchema),
  z.object({
    items: z.array(groupSchema),
    _pagination: z.optional(z.object({ next: z.optional(z.nullable(z.unknown())) })),
  }),
]);

/** Asked per page; the hub caps it at its `api_page_max_limit` (200 by default) without telling plain clients. */
const PAGE_LIMIT = 200;
/** Enough for 200 000 groups; a hub that keeps answering beyond that is misbehaving. */
const MAX_PAGES = 1000;

/**
 * `GET /hub/api/groups?offset&limit`, every page: all groups with their members. The transport asks for plain
 * JSON, so the hub answers a plain list, cut at its page limit; pages are read until one comes back empty,
 * since a short page does not prove the end when the hub's limit is lower than the one asked for. The
 * paginated form (`{items, _pagination}`) is accepted too, and its `next: null` ends the walk early.
 */
export async function listHubGroups(transport: HubTransport, signal?: AbortSignal): Promise<HubGroup[]> {
  const out: HubGroup[] = [];
  let offset = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await transport.request({
      method: 'GET',
      path: `hub/api/groups?offset=${offset}&limit=${PAGE_LIMIT}`,
      signal,
    });
    expectStatus(res, [200], 'list its groups');
    const body = parseBody(res, groupPageSchema, 'the group list');
    const items = Array.isArray(body) ? body : body.items;
    for (const g of items) out.push({ name: g.name, users: g.users ?? [] });
    const ended = !Array.isArray(body) && body._pagination !== undefined && !body._pagination.next;
    if (items.length === 0 || ended) return out;
    offset += items.length;
  }
  return out;
}

/**
 * Who a user's teammates are: the other members of the hub groups they are in, counting only `teamGroups`
 * when it is set. The group list is read with the service's own token (it holds `list:groups` and
 * `read:groups`; a user's token may not) and cached briefly, since every catalog request needs it.
 */
export class TeamDirectory {
  private cached: { groups: Promise<HubGroup[]>; at: number } | undefined;

  constructor(
    private readonly hub: HubTransport,
    private readonly teamGroups: readonly string[] | undefined,
    private readonly cacheMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The teammates of `user`, sorted, never `user` themself. */
  async teammatesOf(user: string, signal?: AbortSignal): Promise<string[]> {
    const mates = new Set<string>();
    for (const group of await this.groups(signal)) {
      if (this.teamGroups && !this.teamGroups.includes(group.name)) continue;
      if (!group.users.includes(user)) continue;
      for (const member of group.users) if (member !== user) mates.add(member);
    }
    return [...mates].sort();
  }

  private groups(signal?: AbortSignal): Promise<HubGroup[]> {
    const now = this.now();
    if (this.cached && now - this.cached.at < this.cacheMs) return this.cached.groups;
    const groups = listHubGroups(this.hub, signal);
    this.cached = { groups, at: now };
    // A failure is not cached: the next request asks the hub again.
    groups.catch(() => {
      if (this.cached?.groups === groups) this.cached = undefined;
    });
    return groups;
  }
}
