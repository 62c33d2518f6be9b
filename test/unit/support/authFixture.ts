// Builds the auth adapters over the fake vscode module, with an in-memory hub transport instead of the network.
import { fake } from '../../support/useFakeVscode';
import { FakeSecretStorage } from '../../support/fakeVscode';
import type { StoredSession } from '../../../src/core/auth';
import type { HubTransport, HubTransportOptions } from '../../../src/core/hub';
import type { Logger } from '../../../src/core/logger';
import type { AuthDeps } from '../../../src/vscode/auth/authDeps';
import { HubAuthProvider } from '../../../src/vscode/auth/authProvider';
import { Settings } from '../../../src/vscode/app/settings';
import { UriCallbackRouter } from '../../../src/vscode/auth/uriCallbacks';
import { HubAccounts } from '../../../src/vscode/hub/hubAccounts';
import { EXAMPLE_HUB } from '../../support/hubUrls';
import { fakeTransport, type HubAnswer, type HubCall } from './fakeTransport';
import { FakeTimers } from './fakeTimers';

export { fake };

export const HUB = EXAMPLE_HUB;
export const EXTENSION_ID = 'hub-notebooks.hub-notebooks';

/** A Logger that keeps its lines, to check what was logged and that no secret was. */
export function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const line =
    (level: string) =>
    (m: unknown, ...args: unknown[]) =>
      lines.push(`${level} ${String(m)} ${args.map(String).join(' ')}`.trim());
  return {
    lines,
    logger: {
      trace: line('trace'),
      debug: line('debug'),
      info: line('info'),
      warn: line('warn'),
      error: line('error'),
    },
  };
}

export type { HubAnswer, HubCall } from './fakeTransport';

/** A createHubTransport stand-in over the one fake transport: every request goes to `answer`, and is recorded. */
export function fakeHub(answer: (call: HubCall) => HubAnswer = () => ({ status: 404 })) {
  const calls: HubCall[] = [];
  const hub = { calls, answer };
  const createTransport = (options: HubTransportOptions): HubTransport =>
    fakeTransport({ baseUrl: options.baseUrl, getToken: options.getToken, calls }, (call) =>
      hub.answer(call),
    );
  return Object.assign(hub, { createTransport });
}

/** A stored session with sensible values; tests override what they look at. */
export function storedSession(overrides: Partial<StoredSession> = {}): StoredSession {
  return {
    id: 'session-1',
    hubUrl: HUB,
    user: 'alice',
    token: 'secret-token-alice',
    tokenId: 'a1',
    scopes: ['access:servers!user=alice'],
    expiresAt: null,
    method: 'browser',
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** Puts sessions into a secret storage the way SessionStore keeps them. */
export async function seed(secrets: FakeSecretStorage, sessions: StoredSession[]): Promise<void> {
  await secrets.store('hubNotebooks.sessions', JSON.stringify(sessions));
}

export interface ProviderSetup {
  secrets?: FakeSecretStorage;
  deps?: Partial<AuthDeps>;
  hub?: ReturnType<typeof fakeHub>;
}

/** A provider over its own or a shared secret storage, as one window of VS Code would build it. */
export function makeProvider(setup: ProviderSetup = {}) {
  const secrets = setup.secrets ?? new FakeSecretStorage();
  const hub = setup.hub ?? fakeHub();
  const log = recordingLogger();
  const settings = new Settings(log.logger);
  const callbacks = new UriCallbackRouter(EXTENSION_ID, log.logger);
  const registration = callbacks.register();
  let logShown = 0;
  let ids = 0;
  const provider = new HubAuthProvider({
    secrets: secrets,
    settings,
    callbacks,
    logger: log.logger,
    showLog: () => void logShown++,
    deps: {
      createTransport: hub.createTransport,
      randomId: () => `id-${++ids}`,
      now: () => new Date('2026-06-01T12:00:00.000Z'),
      codeOfferDelayMs: 0,
      timers: new FakeTimers(),
      startLoopback: () => Promise.reject(new Error('no loopback in this test')),
      ...setup.deps,
    },
  });
  // The accounts over this provider, as the extension builds them: connections and clients per account.
  const accounts = new HubAccounts({
    auth: provider,
    settings,
    logger: log.logger,
    makeTransport: setup.deps?.createTransport ?? hub.createTransport,
  });
  const dispose = () => {
    accounts.dispose();
    provider.dispose();
    registration.dispose();
    callbacks.dispose();
    settings.dispose();
  };
  return { provider, accounts, secrets, hub, settings, callbacks, log, logShown: () => logShown, dispose };
}

export { settle, until } from './waits';

/** The sessions stored in a secret storage, as SessionStore wrote them. */
export function storedIn(secrets: FakeSecretStorage): StoredSession[] {
  const raw = secrets.values.get('hubNotebooks.sessions');
  return raw ? (JSON.parse(raw) as StoredSession[]) : [];
}
