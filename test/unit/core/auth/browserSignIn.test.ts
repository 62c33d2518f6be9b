// The extension's side of the browser sign-in, against a stub broker and a scripted receiver, and the real
// loopback receiver on 127.0.0.1.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  SignInError,
  signInWithBrowser,
  startLoopbackReceiver,
  type CallbackReceiver,
} from '../../../../src/core/auth';
import { createHubTransport } from '../../../../src/core/hub';
import { json, startStub } from '../../../support/httpStub';
import { FakeTimers } from '../../support/fakeTimers';

const GRANT = {
  token: 'minted-token',
  token_id: 'a42',
  expires_at: '2026-12-02T00:00:00Z',
  user: 'alice',
  scopes: ['servers!user=alice'],
  hub_url: 'http://hub/',
};

/** A receiver that answers with whatever `reply` makes of the start URL the browser was sent to. */
function scriptedReceiver(): CallbackReceiver & { deliver(p: URLSearchParams): void; disposed: boolean } {
  let resolve: (p: URLSearchParams) => void = () => undefined;
  const promise = new Promise<URLSearchParams>((r) => (resolve = r));
  const receiver = {
    redirectUri: 'http://127.0.0.1:1/auth-callback',
    disposed: false,
    wait: (signal?: AbortSignal) =>
      new Promise<URLSearchParams>((res, rej) => {
        const cancel = () => rej(new SignInError('cancelled', 'Sign-in was cancelled.'));
        if (signal?.aborted) cancel();
        signal?.addEventListener('abort', cancel);
        void promise.then(res);
      }),
    deliver: (p: URLSearchParams) => resolve(p),
    dispose: () => void (receiver.disposed = true),
  };
  return receiver;
}

/** Runs the sign-in against a stub broker with the given receiver and browser. */
function signInVia(
  stubUrl: string,
  receiver: CallbackReceiver,
  openBrowser: (url: string) => Promise<boolean>,
  extra: Partial<Parameters<typeof signInWithBrowser>[0]> = {},
) {
  const transport = createHubTransport({ baseUrl: stubUrl, getToken: () => undefined });
  return signInWithBrowser({ transport, receiver, openBrowser, ...extra });
}

async function brokerStub(answer: (body: Record<string, string>) => [number, unknown]) {
  return startStub((req, res) => {
    if (req.method === 'POST' && req.url === '/services/hub-notebooks/auth/token') {
      const [status, body] = answer(JSON.parse(req.body) as Record<string, string>);
      json(res, status, body);
    } else json(res, 404, { message: 'no' });
  });
}

test('happy path: the verifier redeemed is the one behind the challenge in the browser URL', async (t) => {
  let challenge = '';
  const stub = await brokerStub((body) => {
    const ok =
      createHash('sha256')
        .update(body.code_verifier ?? '')
        .digest('base64url') === challenge;
    return ok && body.code === 'handoff-1' ? [200, GRANT] : [400, { error: 'invalid_grant', message: 'no' }];
  });
  t.after(() => stub.close());
  const receiver = scriptedReceiver();
  const grant = await signInVia(stub.url, receiver, (url) => {
    const start = new URL(url);
    assert.equal(start.pathname, '/services/hub-notebooks/auth/start');
    assert.equal(start.searchParams.get('redirect_uri'), receiver.redirectUri);
    challenge = start.searchParams.get('code_challenge') ?? '';
    receiver.deliver(
      new URLSearchParams({ code: 'handoff-1', state: start.searchParams.get('state') ?? '' }),
    );
    return Promise.resolve(true);
  });
  assert.deepEqual(grant, GRANT);
  assert.ok(receiver.disposed, 'the receiver is closed afterwards');
  assert.ok(!stub.seen[0]?.url.includes('verifier'), 'the verifier travels in the body only');
});

test('a typed handoff code competes with the receiver and wins when it comes first', async (t) => {
  const stub = await brokerStub((body) => (body.code === 'pasted' ? [200, GRANT] : [400, {}]));
  t.after(() => stub.close());
  const grant = await signInWithBrowser({
    transport: createHubTransport({ baseUrl: stub.url, getToken: () => undefined }),
    receiver: scriptedReceiver(),
    openBrowser: () => Promise.resolve(true),
    promptForCode: () => Promise.resolve('  pasted  '),
  });
  assert.equal(grant.user, 'alice');
});

test('a dismissed prompt leaves the receiver in charge', async (t) => {
  const stub = await brokerStub((body) => (body.code === 'via-receiver' ? [200, GRANT] : [400, {}]));
  t.after(() => stub.close());
  const receiver = scriptedReceiver();
  let deliverLater: () => void = () => undefined;
  const grant = await signInVia(
    stub.url,
    receiver,
    (url) => {
      const state = new URL(url).searchParams.get('state') ?? '';
      deliverLater = () => receiver.deliver(new URLSearchParams({ code: 'via-receiver', state }));
      return Promise.resolve(true);
    },
    {
      // The prompt is dismissed first; the browser's callback comes after.
      promptForCode: () => {
        setImmediate(deliverLater);
        return Promise.resolve(undefined);
      },
    },
  );
  assert.equal(grant.token, 'minted-token');
});

test('cancelling, a browser that will not open, and broker refusals each give their own error', async (t) => {
  const stub = await brokerStub(() => [
    400,
    { error: 'invalid_grant', message: 'This sign-in code has expired' },
  ]);
  t.after(() => stub.close());
  const transport = createHubTransport({ baseUrl: stub.url, getToken: () => undefined });
  const controller = new AbortController();
  const cancelled = signInWithBrowser({
    transport,
    receiver: scriptedReceiver(),
    openBrowser: () => Promise.resolve(true),
    signal: controller.signal,
  });
  controller.abort();
  await assert.rejects(cancelled, (e) => e instanceof SignInError && e.kind === 'cancelled');
  await assert.rejects(
    signInWithBrowser({ transport, receiver: scriptedReceiver(), openBrowser: () => Promise.resolve(false) }),
    (e) =>
      e instanceof SignInError && e.kind === 'no-browser' && /browser could not be opened/.test(e.message),
  );
  const refused = scriptedReceiver();
  await assert.rejects(
    signInWithBrowser({
      transport,
      receiver: refused,
      openBrowser: (url) => {
        refused.deliver(
          new URLSearchParams({ code: 'c', state: new URL(url).searchParams.get('state') ?? '' }),
        );
        return Promise.resolve(true);
      },
    }),
    (e) =>
      e instanceof SignInError &&
      e.kind === 'rejected' &&
      e.code === 'invalid_grant' &&
      /expired/.test(e.message),
  );
});

test('a hub without the service gives "service-missing" with the API-token way forward', async (t) => {
  const stub = await startStub((_req, res) => json(res, 404, { message: 'Not Found' }));
  t.after(() => stub.close());
  const receiver = scriptedReceiver();
  await assert.rejects(
    signInWithBrowser({
      transport: createHubTransport({ baseUrl: stub.url, getToken: () => undefined }),
      receiver,
      openBrowser: (url) => {
        receiver.deliver(
          new URLSearchParams({ code: 'c', state: new URL(url).searchParams.get('state') ?? '' }),
        );
        return Promise.resolve(true);
      },
    }),
    (e) => e instanceof SignInError && e.kind === 'service-missing' && /API Token/.test(e.message),
  );
});

test('the loopback receiver takes one callback on its path, ignores others, then closes', async () => {
  const receiver = await startLoopbackReceiver({ timeoutMs: 5_000 });
  const redirect = new URL(receiver.redirectUri);
  assert.equal(redirect.hostname, '127.0.0.1');
  assert.equal(redirect.pathname, '/auth-callback');
  const waiting = receiver.wait();
  assert.equal((await fetch(new URL('/favicon.ico', redirect))).status, 404);
  const page = await fetch(`${receiver.redirectUri}?code=abc&state=s1`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /return to VS Code/);
  const params = await waiting;
  assert.equal(params.get('code'), 'abc');
  await receiver.closed;
  await assert.rejects(fetch(receiver.redirectUri), 'the listener has closed');
});

test('the loopback receiver times out, and closes on abort', async () => {
  const timers = new FakeTimers();
  const slow = await startLoopbackReceiver({ timeoutMs: 300_000, timers });
  const slowWait = slow.wait();
  timers.tick(300_000);
  await assert.rejects(slowWait, (e) => e instanceof SignInError && e.kind === 'timeout');
  await slow.closed;
  const aborted = await startLoopbackReceiver({ timeoutMs: 5_000 });
  const controller = new AbortController();
  const waiting = aborted.wait(controller.signal);
  controller.abort();
  await assert.rejects(waiting, (e) => e instanceof SignInError && e.kind === 'cancelled');
  await aborted.closed;
  await assert.rejects(fetch(aborted.redirectUri));
});
