// schemathesis fuzzes every operation of the service's OpenAPI document against the real service behind the
// real hub, with five kinds of token: valid (alice, and carol who maintains), none, foreign (never issued),
// revoked (through the service's own auth/revoke, right after a use put it in the service's cache), and one
// with only an unrelated scope. It must find no 5xx, no answer that breaks the document, and no operation that
// answers without the authentication the document says it needs. Named zy- so it runs after the other
// files (it publishes and starts sign-ins at random) and before the token-hygiene check.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createCatalogClient } from '../../src/core/catalog';
import { createHubTransport } from '../../src/core/hub';
import { OPERATIONS } from '../../src/service/operations';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { SANDBOX_SUPPORTED_DIR } from '../hub/seedCatalog';
import { adminClient } from './clients';
import { runSchemathesis, schemathesisBin, type FuzzResult, type FuzzRun } from './fuzz/schemathesis';
import { recordIssuedToken } from './support/secrets';
import { signInAs } from './support/signIn';

/** Test cases per operation and phase; `npm run fuzz` runs many more. */
const EXAMPLES = Number(process.env['HUB_NOTEBOOKS_FUZZ_EXAMPLES'] ?? 8);
const SEED = Number(process.env['HUB_NOTEBOOKS_FUZZ_SEED'] ?? 20261203);
const SERVICE_API = '/services/hub-notebooks/';

let hub: HubHandle;
const results: FuzzResult[] = [];

before(async () => {
  schemathesisBin(); // fails here, loudly, when setup.sh did not install it
  hub = await useHub();
});

after(() => {
  const operations = new Set(results.flatMap((r) => [...r.operations]));
  const requests = results.reduce((n, r) => n + r.requests, 0);
  const failures = results.reduce((n, r) => n + r.failures.length, 0);
  console.log(
    `schemathesis on ${hub.flavor} ${hub.version}: ${results.length} runs, ${operations.size} operations, ` +
      `${requests} requests, ${failures} failures`,
  );
});

async function fuzz(run: FuzzRun): Promise<void> {
  const result = await runSchemathesis(hub.url, run);
  results.push(result);
  console.log(
    `schemathesis, ${run.label}: ${result.operations.size} operations, ${result.requests} requests, ` +
      `${result.failures.length} failures`,
  );
  assert.deepEqual(result.failures, [], `${run.label}:\n${result.output.slice(-6000)}`);
  assert.equal(
    result.exitCode,
    0,
    `${run.label}: schemathesis exited ${result.exitCode}\n${result.output.slice(-6000)}`,
  );
  assert.ok(result.requests > 0, `${run.label}: schemathesis made no request`);
}

/** Every operation of the document but `leaveOut`, as ids and as schemathesis labels them (HEAD ones included). */
function documented(leaveOut: readonly string[] = []): { ids: string[]; labels: string[] } {
  const ops = OPERATIONS.filter((op) => !leaveOut.includes(op.id));
  return {
    ids: ops.flatMap((op) => [op.id, ...(op.head ? [`${op.id}Head`] : [])]),
    labels: ops
      .flatMap((op) => [`${op.method} /${op.path}`, ...(op.head ? [`HEAD /${op.path}`] : [])])
      .sort(),
  };
}

async function apiToken(user: string, scopes: string[]): Promise<string> {
  const made = await adminClient(hub).createToken(user, { note: 'fuzzing', expiresInSeconds: 900, scopes });
  recordIssuedToken(made.token);
  return made.token;
}

/** Publishes the document's example notebook (monthly-sales 1.0.0) so its examples reach real data. */
async function seedExample(carolToken: string): Promise<void> {
  const catalog = createCatalogClient({
    transport: createHubTransport({ baseUrl: hub.url, getToken: () => carolToken }),
  });
  const text = fs.readFileSync(path.join(SANDBOX_SUPPORTED_DIR, 'monthly-sales.ipynb'), 'utf8');
  await catalog
    .publish('monthly-sales', '1.0.0', Buffer.from(text.replaceAll('{{VERSION}}', '1.0.0')))
    .catch((err: Error) => assert.match(err.message, /already|greater|exists/i));
}

test('the document served is the one generated from the operations', async () => {
  const res = await fetch(`${hub.url}${SERVICE_API}openapi.json`);
  assert.equal(res.status, 200);
  const doc = (await res.json()) as { paths: Record<string, Record<string, { operationId: string }>> };
  const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((o) => o.operationId));
  assert.deepEqual(ids.filter((id) => !id.endsWith('Head')).sort(), OPERATIONS.map((o) => o.id).sort());
});

/** Tokens for every run, made before any fuzzing: the fuzzer exhausts the sign-in rate limit of 127.0.0.1. */
interface Tokens {
  alice: string;
  carol: string;
  spare: string;
  revoked: string;
  unrelated: string;
}

let tokens: Tokens;

test('the tokens: four sign-ins, one revoked through auth/revoke right after a use, one unrelated scope', async () => {
  const alice = (await signInAs(hub, 'alice')).grant.token;
  const carol = (await signInAs(hub, 'carol')).grant.token;
  const spare = (await signInAs(hub, 'alice')).grant.token;
  const { grant } = await signInAs(hub, 'alice');
  const headers = { Authorization: `token ${grant.token}`, 'Content-Type': 'application/json' };
  // A use first, so the service has the token in its cache of checked tokens when it is revoked.
  assert.equal((await fetch(`${hub.url}${SERVICE_API}api/me`, { headers })).status, 200);
  const revoke = await fetch(`${hub.url}${SERVICE_API}auth/revoke`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ token_id: grant.token_id }),
  });
  assert.equal(revoke.status, 204);
  const unrelated = await apiToken('alice', ['read:users:name!user']);
  tokens = { alice, carol, spare, revoked: grant.token, unrelated };
  await seedExample(carol);
});

test('valid tokens, alice and carol who maintains: every operation but sign-out', async () => {
  const { ids, labels } = documented(['revokeToken']);
  for (const [label, token, seed] of [
    ['valid token (alice)', tokens.alice, SEED],
    ['valid token (carol, maintainer)', tokens.carol, SEED + 1],
  ] as const) {
    await fuzz({ label, token, expect: 'accepted', maxExamples: EXAMPLES, seed, operationIds: ids });
    assert.deepEqual([...(results.at(-1)?.operations ?? [])].sort(), labels, label);
  }
});

test('valid token, sign-out: the first revocation succeeds and every later request is refused cleanly', async () => {
  await fuzz({
    label: 'valid token, sign-out only',
    token: tokens.spare,
    expect: 'accepted',
    maxExamples: EXAMPLES,
    seed: SEED + 2,
    operationIds: ['revokeToken'],
  });
});

test('no token, a foreign one, a revoked one, one with an unrelated scope: every operation refuses', async () => {
  const runs: [string, string | undefined][] = [
    ['no token', undefined],
    ['foreign token', 'f0'.repeat(16)],
    ['revoked token', tokens.revoked],
    ['unrelated-scope token', tokens.unrelated],
  ];
  const { ids, labels } = documented();
  for (const [label, token] of runs) {
    await fuzz({ label, token, expect: 'refused', maxExamples: EXAMPLES, seed: SEED + 3, operationIds: ids });
    assert.deepEqual([...(results.at(-1)?.operations ?? [])].sort(), labels, label);
  }
});
