import * as z from 'zod/mini';

/** The slice of VS Code's SecretStorage the session store needs; tests pass an in-memory map. */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

const storedSessionSchema = z.object({
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
});

/** One signed-in hub account, as kept in SecretStorage. The token is only ever stored here. */
export type StoredSession = z.infer<typeof storedSessionSchema>;

/** The one SecretStorage key all sessions live under, so `secrets.onDidChange` has one key to watch. */
export const SESSIONS_SECRET_KEY = 'hubNotebooks.sessions';

/**
 * Reads and writes the signed-in sessions. Writes re-read first, so two windows adding sessions at about the
 * same time both keep theirs; SecretStorage has no transactions, so this narrows the window, no more.
 */
export class SessionStore {
  constructor(private readonly secrets: SecretStore) {}

  /** Every stored session; a corrupt entry is dropped rather than blocking sign-in forever. */
  async list(): Promise<StoredSession[]> {
    const raw = await this.secrets.get(SESSIONS_SECRET_KEY);
    if (!raw) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return [];
    }
    if (!Array.isArray(parsed)) return [];
    return parsed.flatMap((item) => {
      const result = storedSessionSchema.safeParse(item);
      return result.success ? [result.data] : [];
    });
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
