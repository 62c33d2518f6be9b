import vscode = require('vscode');
import type { HubUrl } from '../../core/auth';
import { DisposableStore } from '../app/lifecycle';

/** What is known of the user's own server on a hub. */
export type ServerState = 'running' | 'stopped';

/** The states known so far, by hub URL; a hub that is not in it is unknown. */
export type ServerStateMap = ReadonlyMap<HubUrl, ServerState>;

/** What the trees and the Start/Stop commands read of the server states. */
export interface ServerStateReader {
  get(hubUrl: HubUrl): ServerState | undefined;
  readonly all: ServerStateMap;
  /** Fires whenever a hub's state changes (or is forgotten), with every state known after the change. */
  readonly onDidChange: vscode.Event<ServerStateMap>;
}

/**
 * Whether the user's own server on each signed-in hub is running, as last seen by any part of the extension:
 * HubServers when it starts or stops a server or when an operation finds it stopped, and My Notebooks when it
 * lists a home. The trees and the title bar's Start/Stop Server follow it, so a server started from a cell
 * run's prompt shows as running at once, without a refresh.
 */
export class ServerStates extends DisposableStore implements ServerStateReader {
  private readonly states = new Map<HubUrl, ServerState>();
  /** Counts changes, so that what was seen before one can be told apart from what is known now. */
  private changes = 0;
  /** The count at each hub's last change, and at the last `clear`. */
  private readonly changedAt = new Map<HubUrl, number>();
  private clearedAt = 0;
  private readonly changed = this._register(new vscode.EventEmitter<ServerStateMap>());
  readonly onDidChange = this.changed.event;

  get(hubUrl: HubUrl): ServerState | undefined {
    return this.states.get(hubUrl);
  }

  get all(): ServerStateMap {
    return this.states;
  }

  /** A mark to pass to `set` later, for what is seen by something that starts now and answers later. */
  mark(): number {
    return this.changes;
  }

  /**
   * Records what was seen of a hub's server; fires only when it differs from what was known. With `since`
   * (from `mark`), a change to that hub's state in the meantime wins: it was learnt later than the report.
   */
  set(hubUrl: HubUrl, state: ServerState, since?: number): void {
    if (this.states.get(hubUrl) === state) return;
    if (since !== undefined && Math.max(this.changedAt.get(hubUrl) ?? 0, this.clearedAt) > since) return;
    this.changedAt.set(hubUrl, ++this.changes);
    this.states.set(hubUrl, state);
    this.changed.fire(this.states);
  }

  /** Forgets every hub, e.g. when the signed-in accounts change; fires when something was known. */
  clear(): void {
    if (this.states.size === 0) return;
    this.clearedAt = ++this.changes;
    this.states.clear();
    this.changed.fire(this.states);
  }
}
