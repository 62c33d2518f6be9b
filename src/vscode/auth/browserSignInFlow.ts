import vscode = require('vscode');
import type { BrowserSignInOptions, CallbackReceiver, TokenGrant } from '../../core/auth';
import type { Logger } from '../../core/logger';
import { pause, type Timers } from '../../core/timers';
import type { AuthDeps } from './authDeps';
import { hostOf } from './authSession';
import { toAbortSignal, toCancellationToken } from '../app/cancellation';
import type { CallbackMode, Settings } from '../app/settings';
import type { UriCallbackReceiver, UriCallbackRouter } from './uriCallbacks';

/** What a browser sign-in needs from the extension. */
export interface BrowserSignInContext {
  deps: AuthDeps;
  settings: Settings;
  callbacks: UriCallbackRouter;
  logger: Logger;
}

const ENTER_CODE = 'Enter Code…';

/**
 * Signs in to one hub through the browser, under a cancellable progress notification. The callback arrives as
 * `hubNotebooks.signIn.callback` says; in `auto` and `paste` modes the user can also type the code the
 * service's page shows, for when the browser cannot return to VS Code.
 */
export async function runBrowserSignIn(ctx: BrowserSignInContext, hubUrl: string): Promise<TokenGrant> {
  const host = hostOf(hubUrl);
  return await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      cancellable: true,
      title: `Hub Notebooks: signing in to ${host}…`,
    },
    async (_progress, token) => {
      const signal = toAbortSignal(token);
      const mode = ctx.settings.callbackMode;
      const receiver = await openReceiver(ctx, mode);
      const options: BrowserSignInOptions = {
        transport: ctx.deps.createTransport({
          baseUrl: hubUrl,
          getToken: () => undefined,
          logger: ctx.logger,
        }),
        servicePath: ctx.settings.servicePath,
        receiver,
        openBrowser: (url) => {
          bindState(receiver, url);
          return openExactly(url);
        },
        signal,
        logger: ctx.logger,
      };
      if (mode === 'auto' || mode === 'paste') {
        const immediate = mode === 'paste';
        options.promptForCode = codePrompt(
          host,
          immediate,
          immediate ? 0 : ctx.deps.codeOfferDelayMs,
          ctx.deps.timers,
        );
      }
      return ctx.deps.signIn(options);
    },
  );
}

/** The receiver the mode asks for; `auto` falls back to loopback when the URI handler cannot be used. */
async function openReceiver(ctx: BrowserSignInContext, mode: CallbackMode): Promise<CallbackReceiver> {
  if (mode === 'loopback') return ctx.deps.startLoopback({ logger: ctx.logger });
  if (mode !== 'auto') return ctx.callbacks.createReceiver();
  try {
    return await ctx.callbacks.createReceiver();
  } catch (err) {
    // In a remote window a listener on the remote host's loopback is out of the local browser's reach.
    if (vscode.env.remoteName !== undefined) throw err;
    ctx.logger.warn(`the URI handler cannot take the callback (${String(err)}); using a loopback listener`);
    return ctx.deps.startLoopback({ logger: ctx.logger });
  }
}

/** Tells a URI receiver which `state` its sign-in sent, read from the start URL the core opens. */
function bindState(receiver: CallbackReceiver, startUrl: string): void {
  if (!('expectState' in receiver)) return;
  const state = URL.canParse(startUrl) ? new URL(startUrl).searchParams.get('state') : null;
  if (state) (receiver as UriCallbackReceiver).expectState(state);
}

/**
 * Offers to type the code: after `delayMs` without a callback, a notification with an "Enter Code…" button,
 * or the input box right away in `paste` mode. Dismissing the input box brings the notification back, so the offer is not lost; dismissing
 * the notification leaves only the browser's callback.
 */
function codePrompt(
  host: string,
  immediate: boolean,
  delayMs: number,
  timers: Timers,
): (signal: AbortSignal) => Promise<string | undefined> {
  return async (signal) => {
    if (delayMs > 0 && !(await pause(delayMs, signal, timers))) return undefined;
    for (let first = true; !signal.aborted; first = false) {
      if (!(immediate && first)) {
        const pick = await vscode.window.showInformationMessage(
          'Finish signing in in your browser…',
          ENTER_CODE,
        );
        if (pick !== ENTER_CODE || signal.aborted) return undefined;
      }
      const code = await vscode.window.showInputBox(
        {
          title: `Hub Notebooks: signing in to ${host}`,
          prompt: 'Paste the code the sign-in page in your browser shows.',
          placeHolder: 'Sign-in code',
          ignoreFocusOut: true,
        },
        toCancellationToken(signal),
      );
      if (code?.trim()) return code;
    }
    return undefined;
  };
}

/**
 * Opens a URL in the browser exactly as written. `vscode.Uri` decodes and re-encodes the query, which turns
 * the start URL's encoded `redirect_uri` (itself a URL with a query, such as code-server's
 * `/callback?vscode-reqid=…&vscode-scheme=…`) into several top-level parameters. The extension host's
 * `openExternal` also accepts the URL as a string, and then passes that string on untouched.
 */
function openExactly(url: string): Thenable<boolean> {
  if (opened.has(url)) return Promise.resolve(false);
  opened.add(url);
  return vscode.env.openExternal(url as unknown as vscode.Uri);
}

/**
 * The start URLs already handed to `openExternal` in this extension host. Each carries one sign-in's state and
 * PKCE challenge, so it is opened at most once: asked again, openExactly refuses (the sign-in then fails as
 * "no browser" and the user starts a fresh one). Bounded by the sign-ins started, a few per session.
 */
const opened = new Set<string>();
