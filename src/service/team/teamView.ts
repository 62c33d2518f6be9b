import type { SearchHit, TeamEntry } from '../../core/catalog/schemas';
import { canRead, type UnixIdentity } from './permissions';
import type { FolderNode, HomeIndex, IndexNode, NotebookNode } from './teamIndex';

/**
 * What one viewer sees of the index: every question here is answered from memory, applying the viewer's
 * permission check to each folder on the way down (a folder they cannot enter hides everything below it) and
 * to each notebook. Folders are shown only when they hold at least one notebook the viewer can read, so the
 * Team tree is a tree of notebooks, not of every folder people keep in their homes.
 */

/** How many notebooks of a home the viewer may read, and the newest one's mtime. */
export interface HomeSummary {
  notebooks: number;
  newestMs: number | undefined;
}

/** Counts the viewer's readable notebooks in a home (nothing when the home itself is closed to them). */
export function summarize(home: HomeIndex, who: UnixIdentity): HomeSummary {
  const out: HomeSummary = { notebooks: 0, newestMs: undefined };
  if (home.root && canRead(home.root.meta, who)) visit(home.root, who, out);
  return out;
}

/**
 * The node at `segments` (real path segments inside the home) when the viewer may reach and read it: the home
 * and every folder on the way must be readable and enterable, and the node itself readable.
 */
export function visibleNode(
  home: HomeIndex,
  segments: readonly string[],
  who: UnixIdentity,
): IndexNode | undefined {
  let node: IndexNode | undefined = home.root;
  if (!node || !canRead(node.meta, who)) return undefined;
  for (const name of segments) {
    if (node.kind !== 'folder') return undefined;
    node = node.children.get(name);
    if (!node || !canRead(node.meta, who)) return undefined;
  }
  return node;
}

/** The entries of a folder the viewer sees: readable notebooks, and folders holding one; folders first. */
export function listEntries(folder: FolderNode, who: UnixIdentity): TeamEntry[] {
  const folders: TeamEntry[] = [];
  const notebooks: TeamEntry[] = [];
  for (const child of folder.children.values()) {
    if (!canRead(child.meta, who)) continue;
    if (child.kind === 'notebook') notebooks.push(entryOf(child));
    else if (hasVisibleNotebook(child, who)) folders.push(entryOf(child));
  }
  return [...folders, ...notebooks];
}

/** A node as the protocol describes it. */
export function entryOf(node: IndexNode): TeamEntry {
  const entry: TeamEntry = {
    path: node.relPath,
    name: node.name,
    type: node.kind === 'folder' ? 'directory' : 'notebook',
    size: node.kind === 'folder' ? 0 : node.meta.size,
    lastModified: isoTime(node.meta.mtimeMs),
  };
  if (node.kind === 'notebook') {
    entry.header = node.header;
    if (node.warning !== undefined) entry.warning = node.warning;
  }
  return entry;
}

/**
 * Adds to `hits` the viewer's readable notebooks of one home whose haystack holds every term (already
 * lower-cased), stopping at `max` hits in all.
 */
export function searchHome(
  home: HomeIndex,
  who: UnixIdentity,
  terms: readonly string[],
  hits: SearchHit[],
  max: number,
): void {
  if (!home.root || !canRead(home.root.meta, who)) return;
  const walk = (folder: FolderNode): void => {
    for (const child of folder.children.values()) {
      if (hits.length >= max) return;
      if (!canRead(child.meta, who)) continue;
      if (child.kind === 'folder') walk(child);
      else if (matches(child, terms)) {
        hits.push({ kind: 'team', owner: home.owner, path: child.relPath, header: child.header });
      }
    }
  };
  walk(home.root);
}

/** A modification time as ISO 8601, rounded to the millisecond like `fs.Stats.mtime`, so both agree. */
export function isoTime(mtimeMs: number): string {
  return new Date(Math.round(mtimeMs)).toISOString();
}

function matches(node: NotebookNode, terms: readonly string[]): boolean {
  for (const term of terms) if (!node.haystack.includes(term)) return false;
  return true;
}

function visit(folder: FolderNode, who: UnixIdentity, out: HomeSummary): void {
  for (const child of folder.children.values()) {
    if (!canRead(child.meta, who)) continue;
    if (child.kind === 'folder') {
      visit(child, who, out);
    } else {
      out.notebooks++;
      if (out.newestMs === undefined || child.meta.mtimeMs > out.newestMs) out.newestMs = child.meta.mtimeMs;
    }
  }
}

function hasVisibleNotebook(folder: FolderNode, who: UnixIdentity): boolean {
  for (const child of folder.children.values()) {
    if (!canRead(child.meta, who)) continue;
    if (child.kind === 'notebook' || hasVisibleNotebook(child, who)) return true;
  }
  return false;
}
