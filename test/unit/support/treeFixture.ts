// Stand-ins for what the trees and notebook commands use: signed-in hubs whose contents API and catalog answer
// from plain data, with every call recorded. The models, tree providers and commands under test are real,
// over the fake vscode module.
import { fake } from '../../support/useFakeVscode';
import type { EventEmitter as FakeEmitter } from '../../support/fakeVscode';
import type * as vscode from 'vscode';
import type {
  SupportedNotebook,
  SupportedSummary,
  SupportedVersion,
  TeamEntry,
  Teammate,
} from '../../../src/core/catalog/schemas';
import type { CatalogApi } from '../../../src/core/catalog/types';
import type { ContentsApi, ContentsEntry } from '../../../src/core/contents/types';
import type { HubNotebookApis, NotebookHubs, SignedInHub } from '../../../src/vscode/hub/hubAccess';
import type { TreeNode } from '../../../src/vscode/trees/treeNodes';
import { recordingLogger } from './authFixture';
import { ServerStates } from '../../../src/vscode/hub/serverStates';
import type { Logger } from '../../../src/core/logger';
import { EXAMPLE_HUB } from '../../support/hubUrls';
import { hubUrl } from '../../support/hubUrls';

export { fake, recordingLogger };

export const HUB = EXAMPLE_HUB;
export const OTHER_HUB = 'https://other.example.org/';

/** What one fake hub answers: missing pieces throw, so a test sees any call it did not expect. */
export interface HubData {
  user: string;
  /** Folder path → entries, or an error to throw for any listing. */
  home?: Record<string, ContentsEntry[]> | Error;
  teammates?: Teammate[] | Error;
  /** `owner/path` → entries. */
  teamFolders?: Record<string, TeamEntry[]>;
  supported?: SupportedNotebook[] | Error;
  maintainer?: boolean;
  rollback?: (name: string, version: string) => Promise<SupportedNotebook>;
  /** When set, a home listing reads `home` at once but answers only once this settles (a slow server). */
  listGate?: Promise<void>;
}

/** Signed-in hubs over plain data; `calls` records each API call as `hub method args`. */
export function fakeHubs(data: Record<string, HubData>) {
  const Emitter = fake.module['EventEmitter'] as typeof FakeEmitter;
  const changed = new Emitter<void>();
  const calls: string[] = [];
  let accounts: SignedInHub[] = Object.entries(data).map(([url, d]) => ({
    hubUrl: hubUrl(url),
    user: d.user,
  }));
  const apis = (hubUrl: string): HubNotebookApis => {
    const d = data[hubUrl];
    if (!d) throw new Error(`not signed in to ${hubUrl}`);
    const record = (what: string) => calls.push(`${hubUrl} ${what}`);
    const orThrow = <T>(value: T | Error | undefined, what: string): Promise<T> => {
      record(what);
      if (value instanceof Error) return Promise.reject(value);
      if (value === undefined) return Promise.reject(new Error(`unexpected call: ${what}`));
      return Promise.resolve(value);
    };
    const contents: Partial<ContentsApi> = {
      list: (path) => {
        const answer = orThrow(d.home instanceof Error ? d.home : d.home?.[path], `list ${path}`);
        if (!d.listGate) return answer;
        answer.catch(() => undefined); // handled once the gate opens
        return d.listGate.then(() => answer);
      },
    };
    const catalog: Partial<CatalogApi> = {
      me: () => orThrow({ name: d.user, groups: [], maintainer: d.maintainer ?? false }, 'me'),
      listTeammates: () => orThrow(d.teammates, 'listTeammates'),
      listTeamFolder: (user, path) =>
        orThrow(d.teamFolders?.[`${user}/${path}`], `listTeamFolder ${user}/${path}`).then((entries) => ({
          user,
          path,
          entries,
        })),
      listSupported: () => orThrow(d.supported, 'listSupported').then((list) => list.map(summaryOf)),
      getSupported: (name) =>
        orThrow(
          d.supported instanceof Error ? d.supported : d.supported?.find((n) => n.name === name),
          `getSupported ${name}`,
        ),
      rollback: (name, version) => {
        record(`rollback ${name} ${version}`);
        return d.rollback ? d.rollback(name, version) : Promise.reject(new Error('no rollback'));
      },
    };
    return { user: d.user, contents: contents as ContentsApi, catalog: catalog as CatalogApi };
  };
  const hubs: NotebookHubs = {
    signedInAccounts: () => Promise.resolve(accounts),
    onDidChange: changed.event,
    run: (hubUrl, operation) => operation(apis(hubUrl)),
  };
  return {
    hubs,
    calls,
    /** Signs out of everything, as the Accounts menu would, and tells the listeners. */
    signOut(): void {
      accounts = [];
      changed.fire();
    },
  };
}

/**
 * What NotebookTrees is built from, over fake hubs: fresh server states, and a file-change event that
 * `fileChanged` fires as the hubnb file system would.
 */
export function treeDeps(hubs: NotebookHubs, log: Logger) {
  const Emitter = fake.module['EventEmitter'] as typeof FakeEmitter;
  const files = new Emitter<readonly vscode.FileChangeEvent[]>();
  const servers = new ServerStates();
  return {
    deps: { hubs, servers, fileChanges: files.event, log },
    servers,
    fileChanged: (events: readonly vscode.FileChangeEvent[]) => files.fire(events),
  };
}

export function contentsEntry(path: string, type: ContentsEntry['type'] = 'notebook'): ContentsEntry {
  return {
    path,
    name: path.slice(path.lastIndexOf('/') + 1),
    type,
    lastModified: '2026-05-01T10:00:00.000Z',
    created: undefined,
    size: 100,
    writable: true,
    hash: undefined,
  };
}

export function teamEntry(path: string, extra: Partial<TeamEntry> = {}): TeamEntry {
  return {
    path,
    name: path.slice(path.lastIndexOf('/') + 1),
    type: 'notebook',
    size: 100,
    lastModified: '2026-05-01T10:00:00.000Z',
    ...extra,
  };
}

export function version(name: string, v: string, header: SupportedVersion['header'] = {}): SupportedVersion {
  return {
    name,
    version: v,
    sha256: `sha-${name}-${v}`,
    size: 100,
    publishedBy: 'carol',
    publishedAt: '2026-05-01T10:00:00.000Z',
    header,
  };
}

/** A supported notebook whose versions are given oldest first, as they were published. */
export function supported(name: string, versions: string[], current: string, header = {}): SupportedNotebook {
  return {
    name,
    currentVersion: current,
    versions: versions.map((v) => version(name, v, header)).reverse(),
  };
}

function summaryOf(n: SupportedNotebook): SupportedSummary {
  const current = n.versions.find((v) => v.version === n.currentVersion);
  if (!current) throw new Error(`${n.name} has no current version`);
  return { name: n.name, current, versionCount: n.versions.length };
}

/** The TreeDataProvider registered for a view, as VS Code would call it. */
export function treeOf(view: string) {
  const provider = fake.treeProviders.get(view) as
    | {
        getChildren(node?: TreeNode): Promise<TreeNode[]>;
        getTreeItem(node: TreeNode): vscode.TreeItem;
      }
    | undefined;
  if (!provider) throw new Error(`no tree registered for ${view}`);
  return provider;
}

/** A node's tree item, with its icon id and tooltip text pulled out for assertions. */
export function look(view: string, node: TreeNode) {
  const item = treeOf(view).getTreeItem(node);
  const tooltip = item.tooltip;
  return {
    item,
    label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
    description: typeof item.description === 'string' ? item.description : undefined,
    icon: (item.iconPath as { id?: string } | undefined)?.id,
    // The Markdown source with appendText's escapes undone, so tests match the text a user reads.
    tooltip: (typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '')).replace(/\\(.)/g, '$1'),
    contextValue: item.contextValue,
    uri: item.resourceUri?.toString(),
  };
}
