import * as z from 'zod/mini';
import { lazySchema } from '../lazySchema';
import { checkHubUrl, type HubUrl } from './hubUrl';
import { SESSIONS_SECRET_KEY } from './sessionKey';

/** The slice of VS Code's SecretStorage the session store needs; tests pass an in-memory map. */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

const storedSessionSchema = lazySchema(() =>
  z.object({
    id: z.string().check(z.minLength(1)),
    hubUrl: z.string().check(z.minLength(1)),
    user: z.string().check(z.minLength(1)),
    token: z.string().check(z.minLength(1)),
    /** The hub's token id, to revoke exactly this token; null when the hub did not say (3.0, pasted tokens). */
    tokenId: z.nullable(z.string()),
    scopes: z.array(z.string()),
    expiresAt: z.nullable(z.string()),
    /** How the token was obtained: the browser sign-in through the service, or a pasted API token. */
    method: z.enum(['browser', 'token']),
    createdAt: z.string(),
  }),
);

/**
 * One signed-in hub account, as kept in SecretStorage. The token is only ever stored here. Its hub URL is
 * checked again when read (checkHubUrl), so what the store gives out is a HubUrl.
 */
export type StoredSession = Omit<z.infer<typeof storedSessionSchema>, 'hubUrl'> & { hubUrl: HubUrl };

const revocableSchema = lazySchema(() =>
  z.pick(storedSessionSchema, {
    hubUrl: true,
    user: true,
    token: true,
    tokenId: true,
    method: true,
  }),
);

/** What it takes to revoke a stored session's token. */
export type RevocableSession = z.infer<typeof revocableSchema>;

/** A stored entry that failed its schema: why (field names only), and its token's handle when that parsed. */
export interface UnreadableSession {
  reason: string;
  revocable?: RevocableSession;
}

/** What the store holds: the sessions that parsed, and the entries that did not. */
export interface StoreContents {
  sessions: StoredSession[];
  unreadable: UnreadableSession[];
}

function unreadableEntry(
  item: unknown,
  issues: readonly { path: readonly PropertyKey[] }[],
): UnreadableSession {
  const fields = [...new Set(issues.map((i) => i.path.map(String).join('.') || '(the entry)'))];
  const reason = `a stored sign-in has unreadable fields: ${fields.join(', ')}`;
  const revocable = revocableSchema.safeParse(item);
  return revocable.success ? { reason, revocable: revocable.data } : { reason };
}

export { SESSIONS_SECRET_KEY };

/**
 * Reads and writes the signed-in sessions. Writes re-read first, so two windows adding sessions at about the
 * same time both keep theirs; SecretStorage has no transactions, so this narrows the window, no more.
 */
export class SessionStore {
  constructor(private readonly secrets: SecretStore) {}

  /** Every stored session that can be read; see `read()` for the others. */
  async list(): Promise<StoredSession[]> {
    return (await this.read()).sessions;
  }

  /**
   * The stored sessions, and the entries that could not be read, each with why (never a value) and, where
   * the fields it needs could be read, what it takes to revoke its token. An unreadable entry is never used;
   * the next write drops it.
   */
  async read(): Promise<StoreContents> {
    const raw = await this.secrets.get(SESSIONS_SECRET_KEY);
    if (!raw) return { sessions: [], unreadable: [] };
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return { sessions: [], unreadable: [{ reason: 'the stored sign-ins are not JSON' }] };
    }
    if (!Array.isArray(parsed))
      return { sessions: [], unreadable: [{ reason: 'the stored sign-ins are not a list' }] };
    const sessions: StoredSession[] = [];
    const unreadable: UnreadableSession[] = [];
    for (const item of parsed) {
      const result = storedSessionSchema.safeParse(item);
      const hub = result.success ? checkHubUrl(result.data.hubUrl) : undefined;
      if (result.success && hub?.ok) sessions.push({ ...result.data, hubUrl: hub.url });
      else unreadable.push(unreadableEntry(item, result.error?.issues ?? [{ path: ['hubUrl'] }]));
    }
    return { sessions, unreadable };
  }

  /** Rewrites the store with its readable sessions only, when it holds anything else. */
  async dropUnreadable(): Promise<void> {
    const { sessions, unreadable } = await this.read();
    if (unreadable.length > 0) await this.write(sessions);
  }

  /** Adds a session, replacing an older one for the same hub and user. */
  async add(session: StoredSession): Promise<void> {
    const others = (await this.list()).filter(
      (s) => s.id !== session.id && !(s.hubUrl === session.hubUrl && s.user === session.user),
    );
    await this.write([...others, session]);
  }

  /** Removes a session by id; returns it, or undefined when it was already gone. */
  async remove(id: string): Promise<StoredSession | undefined> {
    const all = await this.list();
    const found = all.find((s) => s.id === id);
    if (found) await this.write(all.filter((s) => s.id !== id));
    return found;
  }

  private async write(sessions: StoredSession[]): Promise<void> {
    if (sessions.length === 0) await this.secrets.delete(SESSIONS_SECRET_KEY);
    else await this.secrets.store(SESSIONS_SECRET_KEY, JSON.stringify(sessions));
  }
}

/** True when a stored session's token has passed its expiry. */
export function isExpired(session: StoredSession, now: Date = new Date()): boolean {
  return session.expiresAt !== null && Date.parse(session.expiresAt) <= now.getTime();
}
