import type * as vscode from 'vscode';
import { checkHubUrl, type HubUrl } from '../../core/auth/hubUrl';
import type { CatalogApi } from '../../core/catalog/types';
import type { ContentsApi, ContentsAuthoring } from '../../core/contents/types';
import type { HubClient, HubTransport } from '../../core/hub';
import { CatalogError } from '../../core/catalog/errors';
import { HubUnavailableError, InvalidHubResponseError, ServerNotRunningError } from '../../core/hub';
import { messageOf } from '../../core/errors';

/** A hub the user is signed in to, and as whom. */
export interface SignedInHub {
  hubUrl: HubUrl;
  user: string;
}

/**
 * Runs an operation with a hub's account (or the part of it a feature needs); when the hub refuses the token,
 * asks the user to sign in again and runs it once more. HubAccounts (hubAccounts.ts) is the one implementation.
 */
export interface AccountRunner<Account> {
  run<T>(hubUrl: HubUrl, operation: (account: Account) => Promise<T>): Promise<T>;
}

/** Everything the notebook features use on one hub, as one signed-in user. */
export interface HubAccount extends SignedInHub {
  /** The server the user works on: '' for the default one, else a named server ("Choose Server…"). */
  serverName: string;
  /** The user's own files: their server's contents API, rooted at their home folder (notebook_dir is /home). */
  contents: ContentsApi;
  /** Uploads, copies, folder deletes and checkpoint reads on the same files (contentsAuthoring.ts). */
  authoring: ContentsAuthoring;
  /** The hub service's catalog: teammates' and supported notebooks. */
  catalog: CatalogApi;
  hub: HubClient;
  /** The transport the clients above share, for the kernel client. */
  transport: HubTransport;
  /** The account's token as the auth provider holds it in memory; only ever sent in an Authorization header. */
  getToken: () => Promise<string | undefined>;
}

/** The clients of one signed-in account that the trees and commands use. */
export interface HubNotebookApis {
  user: string;
  /** The user's own files, through their server's contents API, with paths relative to their home. */
  contents: ContentsApi;
  /** The hub service's catalog: teammates' and supported notebooks. */
  catalog: CatalogApi;
}

/**
 * What the trees and the notebook commands need from the signed-in hubs. HubAccounts (hubAccounts.ts)
 * provides it; tests use fakes. Kept narrow so the trees do not depend on how clients are built.
 */
export interface NotebookHubs extends AccountRunner<HubNotebookApis> {
  /** The signed-in hubs, one account per hub, newest session first. */
  signedInAccounts(): Promise<SignedInHub[]>;
  /** Fires when the signed-in accounts or the settings the clients depend on change. */
  readonly onDidChange: vscode.Event<unknown>;
}

/** Starts and stops the user's server (serverStart.ts asks for consent and shows progress). */
export interface ServerControl {
  startServer(hubUrl: HubUrl): Promise<unknown>;
  stopServer(hubUrl: HubUrl, options?: { confirmed?: boolean }): Promise<unknown>;
}

/** What went wrong at the top of a view, and so which welcome content it shows. */
export type HubProblemKind = 'serverStopped' | 'serviceMissing' | 'error';

export interface HubProblem {
  kind: HubProblemKind;
  /** A sentence for the user. */
  message: string;
}

/** Whether an error means the user's server is not running (a stopped server answers 424 through the hub). */
export function isServerStopped(err: unknown): boolean {
  return err instanceof ServerNotRunningError;
}

/**
 * Whether a catalog error means the hub-notebooks service is missing on the hub (the catalog client says so for
 * a bare 404 at the service's path), down (the proxy answers 502/503 while a registered service is not
 * running), or something else answers there (not the service's JSON).
 */
export function isServiceMissing(err: unknown): boolean {
  return (
    (err instanceof CatalogError && err.code === 'service_missing') ||
    err instanceof HubUnavailableError ||
    err instanceof InvalidHubResponseError
  );
}

/** An error as a sentence for the user; the core's errors carry the server's message and a way forward. */
export function describeError(err: unknown): string {
  return messageOf(err);
}

/** The hub of the tree node a command was run on; checked, since any extension can run the command. */
export function hubOf(arg: unknown): HubUrl | undefined {
  if (typeof arg !== 'object' || arg === null || !('hub' in arg)) return undefined;
  const hub = arg.hub;
  if (typeof hub !== 'object' || hub === null || !('hubUrl' in hub)) return undefined;
  const check = checkHubUrl(String(hub.hubUrl));
  return check.ok ? check.url : undefined;
}
