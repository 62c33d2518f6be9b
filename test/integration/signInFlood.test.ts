// Regression test for an outside probe's finding, against the real hub and the built service (test 5 of the
// series in serviceHardening.test.ts): a flood of well-formed sign-ins from one address meets the per-client
// rate limit (a forged X-Forwarded-For buys no new budget, each endpoint has its own), and pushes out only
// the flooder's own pending sign-ins, not one that another address started before it.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';

import { signInWithBrowser, startLoopbackReceiver } from '../../src/core/auth';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { HubBrowser, type Landing } from './support/hubBrowser';
import {
  ServiceRequests,
  assertUnframeable,
  jsonOf,
  run,
  startRoute,
  type Answer,
} from './support/serviceRequests';
import { anonymousTransport } from './support/signIn';

/** HUB_NOTEBOOKS_SIGN_IN_RATE_LIMIT as test/hub/settings.ts sets it: requests per client, endpoint and minute. */
const SIGN_IN_RATE_LIMIT = 200;
/** No other test sends from this loopback address, so its rate-limit budget is whole when the flood starts. */
const FLOODER = '127.0.0.5';

let hub: HubHandle;
/** Requests to the service; every token a test obtained through it is revoked at the end. */
let service: ServiceRequests;

before(async () => {
  hub = await useHub();
  service = new ServiceRequests(hub);
});

after(async () => {
  await service.revokeAll();
});

/** What a flood of valid `auth/start` requests from one address got, in order. */
interface Flood {
  statuses: number[];
  /** The service's own `state` in each 302's authorize URL: the key of that pending sign-in. */
  states: string[];
  firstRefusal: Answer | undefined;
}

async function floodStart(from: string, count: number): Promise<Flood> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const flood: Flood = { statuses: [], states: [], firstRefusal: undefined };
  try {
    for (let i = 0; i < count; i++) {
      const answer = await service.request(startRoute({ state: `flood-${run}-${i}` }), {
        localAddress: from,
        agent,
      });
      flood.statuses.push(answer.status);
      if (answer.status === 302) {
        const location = new URL(answer.headers.get('location') ?? '', hub.url);
        flood.states.push(location.searchParams.get('state') ?? '');
      } else flood.firstRefusal ??= answer;
    }
  } finally {
    agent.destroy();
  }
  return flood;
}

test('5. a sign-in flood from one address meets the rate limit and pushes out only its own sign-ins', async () => {
  const browser = new HubBrowser(hub.url);
  await browser.login('alice', hub.passwords.alice);
  const receiver = await startLoopbackReceiver({ timeoutMs: 120_000 });
  let flood: Flood | undefined;
  let walked: Promise<Landing> | undefined;
  const grant = await signInWithBrowser({
    transport: anonymousTransport(hub),
    receiver,
    openBrowser: async (url) => {
      // Alice's auth/start and the hub's consent: her sign-in is now pending at the service…
      const atCallback = await browser.walk(url, { stopAt: (u) => u.pathname.endsWith('/oauth_callback') });
      // …while another address floods auth/start with well-formed requests…
      flood = await floodStart(FLOODER, SIGN_IN_RATE_LIMIT + 20);
      // …and only then does her browser come back to the service's callback.
      walked = browser.walk(atCallback.url);
      return true;
    },
  });
  service.keep(grant);
  assert.equal(grant.user, 'alice', 'the sign-in started before the flood completed after it');
  assert.equal((await walked)?.status, 200);
  assert.ok(flood);
  // The whole flood fits in one minute's window, so exactly the limit gets through and the rest waits.
  const accepted = flood.statuses.indexOf(429);
  assert.equal(accepted, SIGN_IN_RATE_LIMIT, `statuses: ${flood.statuses.join(' ')}`);
  assert.ok(
    flood.statuses.every((s, i) => s === (i < SIGN_IN_RATE_LIMIT ? 302 : 429)),
    `statuses: ${flood.statuses.join(' ')}`,
  );
  const refusal = flood.firstRefusal;
  assert.ok(refusal);
  const retryAfter = Number(refusal.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  assert.equal(refusal.headers.get('x-hub-notebooks-error'), 'slow_down');
  assert.match(refusal.body, /Too many sign-in requests/);
  assertUnframeable(refusal.headers, 'the 429 page');
  // What a client writes into X-Forwarded-For proves nothing: the proxy's own entry (the last) counts.
  const forged = await service.request(startRoute(), {
    localAddress: FLOODER,
    headers: { 'X-Forwarded-For': '203.0.113.9' },
  });
  assert.equal(forged.status, 429, 'a forged X-Forwarded-For does not buy a new budget');
  // Each sign-in endpoint has its own budget: the flooder may still redeem (here, a code that does not exist).
  const redeem = await service.request('auth/token', {
    method: 'POST',
    localAddress: FLOODER,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code: 'no-such-code', code_verifier: 'v'.repeat(43) }),
  });
  assert.equal(redeem.status, 400, redeem.body);
  assert.equal(jsonOf(redeem).error, 'invalid_grant');
  // The flooder's first pending sign-in was pushed out by its own later ones; its newest is still pending.
  const first = await service.request(
    `oauth_callback?${new URLSearchParams({ state: flood.states[0] ?? '', error: 'access_denied' })}`,
  );
  assert.equal(first.status, 400, 'the flooder’s oldest sign-in is no longer pending');
  assert.match(first.headers.get('x-hub-notebooks-error') ?? '', /^(expired|unknown)_state$/);
  const last = await service.request(
    `oauth_callback?${new URLSearchParams({ state: flood.states.at(-1) ?? '', error: 'access_denied' })}`,
  );
  assert.equal(last.status, 200, 'the flooder’s newest sign-in is still pending');
  assert.equal(last.headers.get('x-hub-notebooks-error'), 'access_denied');
  // 127.0.0.1, where every other sign-in comes from, is not blocked by the flood.
  assert.equal((await service.signIn('bob')).user, 'bob');
});
