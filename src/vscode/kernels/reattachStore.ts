import type * as vscode from 'vscode';

/**
 * What a window needs to find a notebook's kernel again after a reload: the session path and kernel, the
 * websocket `session_id` (the server buffers a disconnected client's messages under it and replays them when
 * it returns), and the cell that was running. Nothing here is secret.
 */
export interface ReattachRecord {
  hubUrl: string;
  kernelId: string;
  clientId: string;
  path: string;
  /** The run in progress, if any: its execute_request `msg_id` and the cell's index in the notebook. */
  running?: { msgId: string; cellIndex: number } | undefined;
}

const PREFIX = 'hubNotebooks.kernel:';

/** Reattach records in the workspace state, keyed by notebook URI. */
export class ReattachStore {
  constructor(private readonly memento: vscode.Memento) {}

  get(notebook: vscode.Uri): ReattachRecord | undefined {
    const value = this.memento.get<unknown>(PREFIX + notebook.toString());
    return isRecord(value) ? value : undefined;
  }

  async set(notebook: vscode.Uri, record: ReattachRecord | undefined): Promise<void> {
    await this.memento.update(PREFIX + notebook.toString(), record);
  }
}

function isRecord(value: unknown): value is ReattachRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return ['hubUrl', 'kernelId', 'clientId', 'path'].every((k) => typeof r[k] === 'string');
}
