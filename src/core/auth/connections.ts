/** Anything that holds a live connection for an account, such as a kernel websocket. */
export interface Closable {
  close(reason: string): void;
}

/**
 * The open connections of each signed-in account. Open kernel websockets outlive token revocation on the
 * hub, so signing out must close them here; kernels register theirs when they connect.
 */
export class AccountConnections {
  private readonly byAccount = new Map<string, Set<Closable>>();

  /** Tracks a connection until the returned function is called (when it closes on its own). */
  register(accountId: string, connection: Closable): () => void {
    let set = this.byAccount.get(accountId);
    if (!set) this.byAccount.set(accountId, (set = new Set()));
    set.add(connection);
    return () => {
      set.delete(connection);
      if (set.size === 0 && this.byAccount.get(accountId) === set) this.byAccount.delete(accountId);
    };
  }

  /** How many connections an account has open. */
  count(accountId: string): number {
    return this.byAccount.get(accountId)?.size ?? 0;
  }

  /** Closes and forgets every connection of an account; returns how many were closed. */
  closeAll(accountId: string, reason: string): number {
    const set = this.byAccount.get(accountId);
    if (!set) return 0;
    this.byAccount.delete(accountId);
    for (const connection of set) connection.close(reason);
    return set.size;
  }
}
