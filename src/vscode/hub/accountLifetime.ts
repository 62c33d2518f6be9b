import { DisposableStore } from '../app/lifecycle';

/** Anything that holds a live connection for an account, such as a kernel websocket. */
export interface Closable {
  close(reason: string): void;
}

/**
 * What lives as long as one signed-in account (a hub and a user): its open connections, such as kernel
 * websockets, which outlive token revocation on the hub, and anything else registered on it. Ending it closes
 * every connection with the reason and disposes the rest.
 */
export class AccountLifetime extends DisposableStore {
  private readonly connections = new Set<Closable>();
  private ended = false;

  constructor(readonly accountId: string) {
    super();
  }

  /** Tracks a connection until the returned function is called (when it closes on its own). */
  track(connection: Closable): () => void {
    if (this.ended) {
      connection.close('signed out');
      return () => undefined;
    }
    this.connections.add(connection);
    return () => void this.connections.delete(connection);
  }

  /** How many connections are open. */
  get openConnections(): number {
    return this.connections.size;
  }

  /** Closes every connection with `reason` and disposes the rest; returns how many connections it closed. */
  end(reason: string): number {
    if (this.ended) return 0;
    this.ended = true;
    const open = [...this.connections];
    this.connections.clear();
    for (const connection of open) connection.close(reason);
    this.dispose();
    return open.length;
  }
}
