import vscode = require('vscode');
import type { ContentsEntry } from '../../core/contents';

// The times of folders that have none of their own (the roots, a teammate, a supported notebook).
const EPOCH = 0;

/** Drops repeated events (same type, same URI) from one batch. */
export function dedupe(events: vscode.FileChangeEvent[]): vscode.FileChangeEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const id = `${e.type}\n${e.uri.toString()}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** A FileStat; a time that did not parse becomes the epoch rather than NaN. */
export function fileStat(
  type: vscode.FileType,
  mtime: number,
  size: number,
  readonly = false,
): vscode.FileStat {
  const time = Number.isFinite(mtime) ? mtime : EPOCH;
  const stat: vscode.FileStat = { type, ctime: time, mtime: time, size };
  return readonly ? { ...stat, permissions: vscode.FilePermission.Readonly } : stat;
}

/** A folder of the hubnb tree; read-only, since only the provider changes it. */
export function directory(): vscode.FileStat {
  return fileStat(vscode.FileType.Directory, EPOCH, 0, true);
}

/** A contents-API entry as a FileStat; `readonly` adds FilePermission.Readonly. */
export function entryStat(entry: ContentsEntry, readonly: boolean): vscode.FileStat {
  const type = entry.type === 'directory' ? vscode.FileType.Directory : vscode.FileType.File;
  const stat = fileStat(type, Date.parse(entry.lastModified), entry.size ?? 0, readonly);
  const created = entry.created === undefined ? NaN : Date.parse(entry.created);
  return Number.isFinite(created) ? { ...stat, ctime: created } : stat;
}
