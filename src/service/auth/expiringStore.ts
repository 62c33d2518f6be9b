/** What looking up a key found. Expired entries are told apart from unknown ones for a while. */
export type Lookup<T> =
  { status: 'live'; value: T } | { status: 'expired'; value: T } | { status: 'unknown' };

export interface ExpiringStoreOptions<T> {
  ttlMs: number;
  /** The most live entries kept, so a flood cannot exhaust memory; `whenFull` says what happens beyond. */
  maxEntries: number;
  /**
   * `evictOldest` (the default) makes room by expiring the oldest entry; `refuse` keeps every entry and makes
   * `set` return false, so a flood cannot push out the entries that were there first.
   */
  whenFull?: 'evictOldest' | 'refuse';
  /** The most live entries of one group (say, one client); beyond it that group's own oldest goes first. */
  maxPerGroup?: number;
  /** How long an expired entry is remembered, so a late request gets "expired" rather than "unknown". */
  tombstoneMs?: number;
  now?: () => number;
  /** Called once for each entry that expires without having been deleted (for cleanup on the hub). */
  onExpire?: (value: T) => void;
}

interface Entry<T> {
  value: T;
  expiresAt: number;
  group: string | undefined;
}

/**
 * An in-memory map whose entries expire. Everything lives in process memory on purpose: pending sign-ins and
 * handoff codes must not outlive the service process, and nothing secret ever reaches a disk.
 */
export class ExpiringStore<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly expired = new Map<string, Entry<T>>();
  /** The live keys of each group, oldest first. */
  private readonly groups = new Map<string, Set<string>>();
  private readonly now: () => number;

  constructor(private readonly options: ExpiringStoreOptions<T>) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Stores a value under a key for the store's TTL, in `group` when given. Returns false, storing nothing, when
   * the store is full and refuses new entries.
   */
  set(key: string, value: T, group?: string): boolean {
    this.sweep();
    this.delete(key);
    const members = group === undefined ? undefined : this.groups.get(group);
    const perGroup = this.options.maxPerGroup ?? Number.POSITIVE_INFINITY;
    if (members && members.size >= perGroup) {
      const oldest = members.values().next();
      if (!oldest.done) this.expire(oldest.value);
    }
    if (this.entries.size >= this.options.maxEntries) {
      if (this.options.whenFull === 'refuse') return false;
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.expire(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.now() + this.options.ttlMs, group });
    if (group !== undefined) {
      const set = this.groups.get(group) ?? new Set<string>();
      set.add(key);
      this.groups.set(group, set);
    }
    return true;
  }

  /** Looks a key up without removing it. */
  get(key: string): Lookup<T> {
    this.sweep();
    const live = this.entries.get(key);
    if (live) return { status: 'live', value: live.value };
    const dead = this.expired.get(key);
    return dead ? { status: 'expired', value: dead.value } : { status: 'unknown' };
  }

  /** Removes a key for good (no tombstone, no onExpire). */
  delete(key: string): void {
    this.leaveGroup(key);
    this.entries.delete(key);
    this.expired.delete(key);
  }

  /** How many live entries there are. */
  get size(): number {
    this.sweep();
    return this.entries.size;
  }

  /** Moves entries past their expiry to the tombstones, and forgets old tombstones. */
  sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.expire(key);
    }
    const keepFor = this.options.tombstoneMs ?? 10 * 60_000;
    for (const [key, entry] of this.expired) {
      if (entry.expiresAt + keepFor <= now) this.expired.delete(key);
    }
  }

  private leaveGroup(key: string): void {
    const group = this.entries.get(key)?.group;
    if (group === undefined) return;
    const members = this.groups.get(group);
    members?.delete(key);
    if (members?.size === 0) this.groups.delete(group);
  }

  private expire(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.leaveGroup(key);
    this.entries.delete(key);
    this.expired.set(key, entry);
    this.options.onExpire?.(entry.value);
  }
}
