// The URI handler: one registration, receivers whose redirect URI went through asExternalUri, routing by
// state between concurrent sign-ins, timeouts, and callbacks nobody waits for.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { EXTENSION_ID, fake, recordingLogger } from '../../support/authFixture';
import { Uri } from '../../../support/fakeVscode';
import { SignInError } from '../../../../src/core/auth';
import { UriCallbackRouter } from '../../../../src/vscode/auth/uriCallbacks';
import { FakeTimers } from '../../support/fakeTimers';

beforeEach(() => fake.reset());

function makeRouter(ttlMs?: number) {
  const log = recordingLogger();
  const timers = new FakeTimers();
  const router = new UriCallbackRouter(EXTENSION_ID, log.logger, ttlMs, timers);
  const registration = router.register();
  return { router, registration, lines: log.lines, timers };
}

const callback = (query: string) => Uri.parse(`vscode://${EXTENSION_ID}/auth-callback?${query}`) as never;

test('register() installs the router as the URI handler; disposing removes it', () => {
  const before = fake.uriHandlers.length;
  const { router, registration } = makeRouter();
  assert.equal(fake.uriHandlers.at(-1), router);
  registration.dispose();
  assert.equal(fake.uriHandlers.length, before);
});

test('a receiver redirects to the editor URI as asExternalUri maps it', async () => {
  const asked: string[] = [];
  fake.env.asExternalUri = (uri) => {
    asked.push(uri.toString());
    return Uri.parse('https://vscode.dev/callback?vscode-reqid=7&vscode-scheme=vscode');
  };
  const { router } = makeRouter();
  const receiver = await router.createReceiver();
  assert.deepEqual(asked, [`vscode://${EXTENSION_ID}/auth-callback`]);
  assert.equal(receiver.redirectUri, 'https://vscode.dev/callback?vscode-reqid=7&vscode-scheme=vscode');
  receiver.dispose();
  assert.equal(router.pendingCount, 0);
});

test('the only pending sign-in gets the callback, even one that arrives before it waits', async () => {
  const { router, lines } = makeRouter();
  const receiver = await router.createReceiver();
  router.handleUri(callback('code=the-code&state=s1'));
  const params = await receiver.wait();
  assert.equal(params.get('code'), 'the-code');
  assert.equal(router.pendingCount, 0, 'a finished sign-in stops waiting');
  assert.doesNotMatch(lines.join('\n'), /the-code|s1/, 'query values are never logged');
});

test('the only pending sign-in gets a callback with another state, for its own state check to refuse', async () => {
  const { router } = makeRouter();
  const receiver = await router.createReceiver();
  receiver.expectState('mine');
  router.handleUri(callback('code=c&state=not-mine'));
  assert.equal((await receiver.wait()).get('state'), 'not-mine');
});

test('concurrent sign-ins are routed by state', async () => {
  const { router } = makeRouter();
  const first = await router.createReceiver();
  const second = await router.createReceiver();
  first.expectState('state-one');
  second.expectState('state-two');
  router.handleUri(callback('code=for-two&state=state-two'));
  assert.equal((await second.wait()).get('code'), 'for-two');
  assert.equal(router.pendingCount, 1, 'the other sign-in still waits');
  router.handleUri(callback('code=for-one&state=state-one'));
  assert.equal((await first.wait()).get('code'), 'for-one');
});

test('with several pending and no state match, the callback is ignored and logged without its values', async () => {
  const { router, lines } = makeRouter();
  const first = await router.createReceiver();
  const second = await router.createReceiver();
  first.expectState('a');
  second.expectState('b');
  router.handleUri(callback('code=stray-code&state=zzz'));
  assert.equal(router.pendingCount, 2);
  assert.match(lines.join('\n'), /ignored a sign-in callback no sign-in is waiting for \(2 pending\)/);
  assert.doesNotMatch(lines.join('\n'), /stray-code|zzz/);
  router.dispose();
  await assert.rejects(
    first.wait(),
    (err: unknown) => err instanceof SignInError && err.kind === 'cancelled',
  );
});

test('late callbacks and other paths are ignored', () => {
  const { router, lines } = makeRouter();
  router.handleUri(callback('code=late&state=x'));
  router.handleUri(Uri.parse(`vscode://${EXTENSION_ID}/somewhere-else?token=abc`) as never);
  assert.match(lines.join('\n'), /no sign-in is waiting for \(0 pending\)/);
  assert.match(lines.join('\n'), /unknown path \/somewhere-else/);
  assert.doesNotMatch(lines.join('\n'), /late|abc/);
});

test('a pending sign-in times out, and an abort cancels it', async () => {
  const { router, timers } = makeRouter(20_000);
  const slow = await router.createReceiver();
  const timingOut = slow.wait();
  timers.tick(19_999);
  assert.equal(router.pendingCount, 1, 'still waiting just before the limit');
  timers.tick(1);
  await assert.rejects(timingOut, (err: unknown) => err instanceof SignInError && err.kind === 'timeout');
  assert.equal(router.pendingCount, 0);

  const { router: other } = makeRouter();
  const aborted = await other.createReceiver();
  const controller = new AbortController();
  const waiting = aborted.wait(controller.signal);
  controller.abort();
  await assert.rejects(waiting, (err: unknown) => err instanceof SignInError && err.kind === 'cancelled');
  other.handleUri(callback('code=after-abort'));
  assert.equal(other.pendingCount, 0);
});

test('when the URI handler could not be registered, createReceiver refuses', async () => {
  const router = new UriCallbackRouter(EXTENSION_ID, recordingLogger().logger);
  await assert.rejects(router.createReceiver(), /not registered/);
});
