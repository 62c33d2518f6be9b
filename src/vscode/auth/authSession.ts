import type * as vscode from 'vscode';
import { checkHubUrl, type HubUrl, type StoredSession } from '../../core/auth';

export { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL } from './authIds';

const HUB_SCOPE_PREFIX = 'hub:';

/** The scope that asks for a session on one hub, for example `hub:https://hub.example.org/`. */
export function hubScope(hubUrl: string): string {
  return `${HUB_SCOPE_PREFIX}${hubUrl}`;
}

/**
 * The normalised hub a request's `hub:` scope names, or undefined when it names none. Throws for a scope whose
 * URL checkHubUrl refuses, so a bad request never falls through to "any hub".
 */
export function hubFromScopes(scopes: readonly string[] | undefined): HubUrl | undefined {
  const scope = scopes?.find((s) => s.startsWith(HUB_SCOPE_PREFIX));
  if (scope === undefined) return undefined;
  const check = checkHubUrl(scope.slice(HUB_SCOPE_PREFIX.length));
  if (!check.ok) throw new Error(`The requested hub is not valid: ${check.reason}.`);
  return check.url;
}

/** The host a hub URL names, as shown in labels and messages. */
export function hostOf(hubUrl: string): string {
  return new URL(hubUrl).host;
}

/** The Accounts-menu id of a session: one per hub and user. */
export function accountId(session: { hubUrl: string; user: string }): string {
  return `${session.hubUrl}|${session.user}`;
}

/** How an account is named to the user: `alice @ hub.example.org`. */
export function accountLabel(session: { hubUrl: string; user: string }): string {
  return `${session.user} @ ${hostOf(session.hubUrl)}`;
}

/** The VS Code view of a stored session. */
export function toAuthSession(session: StoredSession): vscode.AuthenticationSession {
  return {
    id: session.id,
    accessToken: session.token,
    account: { id: accountId(session), label: accountLabel(session) },
    scopes: [hubScope(session.hubUrl)],
  };
}
