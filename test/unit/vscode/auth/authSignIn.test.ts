// Browser sign-in through the provider: the real core flow over the URI handler, choosing the hub, the
// callback modes, and how failures and cancellations reach the user.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { HUB, fake, fakeHub, makeProvider, storedIn, until } from '../../support/authFixture';
import { Uri } from '../../../support/fakeVscode';
import { FakeTimers } from '../../support/fakeTimers';
import { settle } from '../../support/waits';
import { SignInError, type BrowserSignInOptions, type CallbackReceiver } from '../../../../src/core/auth';

beforeEach(() => fake.reset());

const grant = {
  token: 'secret-from-browser',
  token_id: 'a7',
  expires_at: '2026-07-01T00:00:00.000Z',
  user: 'alice',
  scopes: ['access:servers!user=alice'],
  hub_url: 'https://internal.example.org/',
};

/** A core signIn stand-in that records its options and answers with `result`. */
function recordingSignIn(
  result: (options: BrowserSignInOptions) => Promise<typeof grant> = () => Promise.resolve(grant),
) {
  const calls: BrowserSignInOptions[] = [];
  const signIn = (options: BrowserSignInOptions) => {
    calls.push(options);
    return result(options);
  };
  return { calls, signIn };
}

test('the real core flow: browser opened, callback routed by state, code redeemed, session kept', async () => {
  fake.setSetting('hubNotebooks.hubs', [HUB]);
  const hub = fakeHub((call) =>
    call.path === 'services/hub-notebooks/auth/token' ? { status: 200, body: grant } : { status: 404 },
  );
  const w = makeProvider({ hub });
  let started: URL | undefined;
  fake.answer.openExternal = (url) => {
    started = new URL(url);
    const state = started.searchParams.get('state') ?? '';
    const redirect = started.searchParams.get('redirect_uri') ?? '';
    setImmediate(() =>
      w.callbacks.handleUri(Uri.parse(`${redirect}?code=handoff-code&state=${state}`) as never),
    );
    return true;
  };
  const events: unknown[] = [];
  w.provider.onDidChangeSessions((e) => events.push(e));

  const session = await w.provider.createSession([]);

  assert.equal(`${started?.origin}${started?.pathname}`, `${HUB}services/hub-notebooks/auth/start`);
  assert.equal(
    started?.searchParams.get('redirect_uri'),
    'vscode://hub-notebooks.hub-notebooks/auth-callback',
  );
  assert.deepEqual(
    fake.progress.map((p) => [p.title, p.cancellable, p.location]),
    [['Hub Notebooks: signing in to hub.example.org…', true, 15]],
  );
  const [redeem] = hub.calls;
  assert.equal(redeem?.token, undefined, 'the redeem request carries no token');
  const body = redeem?.body as { code: string; code_verifier: string };
  assert.equal(body.code, 'handoff-code');
  assert.match(body.code_verifier, /^[\w.~-]{43,128}$/);
  assert.equal(session.account.label, 'alice @ hub.example.org');
  assert.equal(session.accessToken, 'secret-from-browser');
  assert.deepEqual(storedIn(w.secrets), [
    {
      id: 'id-1',
      hubUrl: HUB,
      user: 'alice',
      token: 'secret-from-browser',
      tokenId: 'a7',
      scopes: ['access:servers!user=alice'],
      expiresAt: '2026-07-01T00:00:00.000Z',
      method: 'browser',
      createdAt: '2026-06-01T12:00:00.000Z',
    },
  ]);
  assert.equal(events.length, 1);
  const logged = w.log.lines.join('\n');
  assert.match(logged, /signed in to alice @ hub\.example\.org with the browser/);
  for (const secret of [
    'secret-from-browser',
    'handoff-code',
    body.code_verifier,
    started?.searchParams.get('state'),
  ]) {
    assert.ok(secret && !logged.includes(secret), 'no token, code, verifier or state is logged');
  }
  w.dispose();
});

test('two sign-ins at once each get their own callback, routed by state', { timeout: 5000 }, async () => {
  const hub = fakeHub((call) => {
    const body = call.body as { code: string };
    return { status: 200, body: { ...grant, user: body.code === 'code-for-one' ? 'one' : 'two' } };
  });
  const w = makeProvider({ hub });
  const starts: URL[] = [];
  fake.answer.openExternal = (url) => {
    starts.push(new URL(url));
    return true;
  };
  const first = w.provider.createSession(['hub:https://one.example.org/']);
  const second = w.provider.createSession(['hub:https://two.example.org/']);
  await until(() => starts.length === 2);
  const reply = (start: URL | undefined, code: string) => {
    const state = start?.searchParams.get('state') ?? '';
    w.callbacks.handleUri(
      Uri.parse(`${start?.searchParams.get('redirect_uri')}?code=${code}&state=${state}`) as never,
    );
  };
  // Both flows run at once, so which opened its browser first is not fixed: find each by its hub.
  const startOn = (host: string) => starts.find((s) => s.host === host);
  assert.ok(startOn('one.example.org') && startOn('two.example.org'), 'each sign-in opened its own hub');
  // The second browser finishes first.
  reply(startOn('two.example.org'), 'code-for-two');
  reply(startOn('one.example.org'), 'code-for-one');
  assert.equal((await first).account.label, 'one @ one.example.org');
  assert.equal((await second).account.label, 'two @ two.example.org');
  w.dispose();
});

test('the hub comes from a hub: scope, else the only configured hub, else a pick among several', async () => {
  const { calls, signIn } = recordingSignIn();
  const w = makeProvider({ deps: { signIn } });
  fake.setSetting('hubNotebooks.hubs', ['https://one.example.org/', 'https://two.example.org/']);
  await w.provider.createSession(['hub:https://scoped.example.org/hub/']);
  assert.equal(fake.quickPicks.length, 0);
  fake.answer.quickPick = (items) => items[1];
  await w.provider.createSession([]);
  assert.deepEqual(
    (fake.quickPicks[0]?.items as { label: string }[]).map((i) => i.label),
    ['one.example.org', 'two.example.org'],
  );
  fake.setSetting('hubNotebooks.hubs', ['https://only.example.org']);
  await w.provider.createSession([]);
  assert.deepEqual(
    calls.map((c) => c.transport.baseUrl.href),
    ['https://scoped.example.org/', 'https://two.example.org/', 'https://only.example.org/'],
  );
  assert.equal(fake.quickPicks.length, 1);
  w.dispose();
});

test('with no hub configured, a typed URL is checked, used, and offered for the user settings', async () => {
  const { calls, signIn } = recordingSignIn();
  const w = makeProvider({ deps: { signIn } });
  fake.answer.inputBox = () => 'https://typed.example.org/hub/home';
  fake.answer.message = (m) => (m.items.includes('Add') ? 'Add' : undefined);
  await w.provider.createSession([]);
  assert.equal(calls[0]?.transport.baseUrl.href, 'https://typed.example.org/');
  const validate = fake.inputBoxes[0]?.validateInput as (v: string) => string | undefined;
  assert.match(validate('http://evil.example/') ?? '', /plain http/);
  assert.equal(validate('https://ok.example.org/'), undefined);
  await until(() => fake.settings.get('hubNotebooks.hubs') !== undefined);
  assert.deepEqual(fake.settings.get('hubNotebooks.hubs'), { global: ['https://typed.example.org/'] });
  w.dispose();
});

test('dismissing the hub choice cancels quietly', async () => {
  const { calls, signIn } = recordingSignIn();
  const w = makeProvider({ deps: { signIn } });
  fake.setSetting('hubNotebooks.hubs', ['https://one.example.org/', 'https://two.example.org/']);
  fake.answer.quickPick = () => undefined;
  await assert.rejects(
    w.provider.createSession([]),
    (e: unknown) => e instanceof SignInError && e.kind === 'cancelled',
  );
  assert.equal(calls.length, 0);
  assert.equal(fake.messages.filter((m) => m.kind === 'error').length, 0);
  w.dispose();
});

test('loopback and uri modes use their receiver and offer no code prompt', async () => {
  const loopback: CallbackReceiver = {
    redirectUri: 'http://127.0.0.1:5555/auth-callback',
    wait: () => new Promise(() => undefined),
    dispose: () => undefined,
  };
  const { calls, signIn } = recordingSignIn();
  const w = makeProvider({ deps: { signIn, startLoopback: () => Promise.resolve(loopback) } });
  fake.setSetting('hubNotebooks.hubs', [HUB]);
  fake.setSetting('hubNotebooks.signIn.callback', 'loopback');
  await w.provider.createSession([]);
  fake.setSetting('hubNotebooks.signIn.callback', 'uri');
  await w.provider.createSession([]);
  assert.equal(calls[0]?.receiver, loopback);
  assert.equal(calls[1]?.receiver.redirectUri, 'vscode://hub-notebooks.hub-notebooks/auth-callback');
  assert.deepEqual(
    calls.map((c) => c.promptForCode),
    [undefined, undefined],
  );
  w.dispose();
});

test('auto falls back to loopback when asExternalUri fails, but not in a remote window', async () => {
  const loopback: CallbackReceiver = {
    redirectUri: 'http://127.0.0.1:5555/auth-callback',
    wait: () => new Promise(() => undefined),
    dispose: () => undefined,
  };
  let loopbacks = 0;
  const { calls, signIn } = recordingSignIn();
  const startLoopback = () => {
    loopbacks++;
    return Promise.resolve(loopback);
  };
  const w = makeProvider({ deps: { signIn, startLoopback } });
  fake.setSetting('hubNotebooks.hubs', [HUB]);
  fake.env.asExternalUri = () => {
    throw new Error('no external URI here');
  };
  await w.provider.createSession([]);
  assert.equal(calls[0]?.receiver, loopback);
  assert.match(w.log.lines.join('\n'), /using a loopback listener/);

  fake.env.remoteName = 'ssh-remote';
  await assert.rejects(w.provider.createSession([]), /no external URI here/);
  assert.equal(loopbacks, 1);
  assert.equal(calls.length, 1);
  assert.equal(fake.messages.filter((m) => m.kind === 'error').length, 1);
  w.dispose();
});

test('auto offers "Enter Code…", whose input box returns the typed code', async () => {
  fake.setSetting('hubNotebooks.hubs', [HUB]);
  let typed: string | undefined;
  const { signIn } = recordingSignIn(async (options) => {
    typed = await options.promptForCode?.(new AbortController().signal);
    return grant;
  });
  const w = makeProvider({ deps: { signIn } });
  fake.answer.message = (m) => (m.items.includes('Enter Code…') ? 'Enter Code…' : undefined);
  fake.answer.inputBox = () => 'typed-code';
  await w.provider.createSession([]);
  assert.equal(typed, 'typed-code');
  const offer = fake.messages.find((m) => m.items.includes('Enter Code…'));
  assert.equal(offer?.message, 'Finish signing in in your browser…');
  assert.equal(fake.inputBoxes[0]?.ignoreFocusOut, true);
  w.dispose();
});

test('paste mode shows the code input at once', async () => {
  fake.setSetting('hubNotebooks.hubs', [HUB]);
  fake.setSetting('hubNotebooks.signIn.callback', 'paste');
  let typed: string | undefined;
  const { calls, signIn } = recordingSignIn(async (options) => {
    typed = await options.promptForCode?.(new AbortController().signal);
    return grant;
  });
  const w = makeProvider({ deps: { signIn } });
  fake.answer.inputBox = () => 'pasted-code';
  await w.provider.createSession([]);
  assert.equal(typed, 'pasted-code');
  assert.equal(fake.messages.filter((m) => m.items.includes('Enter Code…')).length, 0);
  assert.equal(calls[0]?.receiver.redirectUri, 'vscode://hub-notebooks.hub-notebooks/auth-callback');
  w.dispose();
});

test('cancelling the progress notification cancels the sign-in without an error message', async () => {
  fake.setSetting('hubNotebooks.hubs', [HUB]);
  fake.setSetting('hubNotebooks.signIn.callback', 'uri');
  const w = makeProvider();
  const pending = w.provider.createSession([]);
  await until(() => fake.opened.length === 1);
  fake.progress[0]?.cancel();
  await assert.rejects(pending, (e: unknown) => e instanceof SignInError && e.kind === 'cancelled');
  assert.equal(fake.messages.filter((m) => m.kind === 'error').length, 0);
  assert.equal(w.callbacks.pendingCount, 0);
  assert.deepEqual(storedIn(w.secrets), []);
  w.dispose();
});

test('a failed sign-in is shown with Try Again, API token and Show Log; Try Again starts over', async () => {
  fake.setSetting('hubNotebooks.hubs', [HUB]);
  let attempts = 0;
  const { signIn } = recordingSignIn(() =>
    ++attempts === 1
      ? Promise.reject(new SignInError('service-missing', 'This hub has no hub-notebooks service.'))
      : Promise.resolve(grant),
  );
  const w = makeProvider({ deps: { signIn } });
  fake.answer.message = (m) => (m.kind === 'error' ? 'Try Again' : undefined);
  await assert.rejects(w.provider.createSession([]), /no hub-notebooks service/);
  const [error] = fake.messages.filter((m) => m.kind === 'error');
  assert.deepEqual(error, {
    kind: 'error',
    message: 'This hub has no hub-notebooks service.',
    items: ['Try Again', 'Sign in with API Token…', 'Show Log'],
    modal: false,
  });
  await until(() => storedIn(w.secrets).length === 1);
  assert.equal(attempts, 2);
  w.dispose();
});

test('the failure buttons lead to the API-token sign-in and to the log', async () => {
  fake.setSetting('hubNotebooks.hubs', [HUB]);
  const { signIn } = recordingSignIn(() => Promise.reject(new SignInError('denied', 'Declined at the hub.')));
  const w = makeProvider({ deps: { signIn } });
  fake.answer.message = () => 'Show Log';
  await assert.rejects(w.provider.createSession([]));
  await until(() => w.logShown() === 1);
  fake.answer.message = (m) => (m.message === 'Declined at the hub.' ? 'Sign in with API Token…' : undefined);
  await assert.rejects(w.provider.createSession([]));
  await until(() => fake.inputBoxes.some((i) => i.password === true));
  assert.ok(fake.opened.includes(`${HUB}hub/token`));
  w.dispose();
});

test('auto waits before offering "Enter Code…", so a sign-in that returns quickly never shows it', async () => {
  fake.setSetting('hubNotebooks.hubs', [HUB]);
  const offers = () => fake.messages.filter((m) => m.items.includes('Enter Code…')).length;
  const timers = new FakeTimers();
  const quick = recordingSignIn(async (options) => {
    const controller = new AbortController();
    void options.promptForCode?.(controller.signal);
    await settle();
    timers.tick(59);
    controller.abort(); // the core ends the prompt's signal when the callback arrives
    return grant;
  });
  const w = makeProvider({ deps: { signIn: quick.signIn, codeOfferDelayMs: 60, timers } });
  await w.provider.createSession([]);
  timers.tick(1000);
  await settle();
  assert.equal(offers(), 0);
  w.dispose();

  const slow = recordingSignIn(async (options) => {
    await options.promptForCode?.(new AbortController().signal);
    return grant;
  });
  const v = makeProvider({ deps: { signIn: slow.signIn, codeOfferDelayMs: 60, timers } });
  const signingIn = v.provider.createSession([]);
  await settle();
  timers.tick(59);
  await settle();
  assert.equal(offers(), 0, 'not before the delay');
  timers.tick(1);
  await signingIn;
  assert.equal(offers(), 1, 'offered once it waited');
  v.dispose();
});

test('asked twice for one hub while its sign-in runs: one browser trip, one openExternal, one session', async () => {
  fake.setSetting('hubNotebooks.hubs', [HUB]);
  const { calls, signIn } = recordingSignIn(
    (options) =>
      new Promise((resolve) => {
        void options.openBrowser(`${HUB}services/hub-notebooks/auth/start?state=once`);
        setImmediate(() => resolve(grant));
      }),
  );
  const w = makeProvider({ deps: { signIn } });
  const [one, two] = await Promise.all([w.provider.createSession([]), w.provider.createSession([])]);
  assert.equal(calls.length, 1, 'the second request joined the first sign-in');
  assert.equal(one.id, two.id);
  assert.deepEqual(fake.opened, [`${HUB}services/hub-notebooks/auth/start?state=once`]);
  w.dispose();
});

test('a sign-in start URL is handed to openExternal once at most; asked again, it is refused', async () => {
  fake.setSetting('hubNotebooks.hubs', [HUB]);
  const url = `${HUB}services/hub-notebooks/auth/start?state=twice&code_challenge=c`;
  const answers: boolean[] = [];
  const { signIn } = recordingSignIn(async (options) => {
    answers.push(await options.openBrowser(url), await options.openBrowser(url));
    return grant;
  });
  const w = makeProvider({ deps: { signIn } });
  await w.provider.createSession([]);
  assert.deepEqual(answers, [true, false]);
  assert.deepEqual(fake.opened, [url], 'its one-time values reached VS Code once');
  w.dispose();
});
