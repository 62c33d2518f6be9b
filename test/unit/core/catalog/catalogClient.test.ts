import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { test, type TestContext } from 'node:test';
import { CatalogError, createCatalogClient } from '../../../../src/core/catalog';
import {
  IPYNB_MEDIA_TYPE,
  LAST_MODIFIED_HEADER,
  type SupportedVersion,
} from '../../../../src/core/catalog/schemas';
import type { CatalogApi } from '../../../../src/core/catalog/types';
import {
  HubAuthError,
  HubUnavailableError,
  InvalidHubResponseError,
  createHubTransport,
  type HubTransport,
} from '../../../../src/core/hub';
import { json, startStub, type HttpStub, type SeenRequest } from '../../../support/httpStub';
import { TRAVERSAL_CORPUS } from '../../../support/traversalCorpus';

type Answer = [status: number, body?: unknown, headers?: Record<string, string>];
type Routes = Record<string, Answer | ((req: SeenRequest) => Answer)>;

const S = '/services/hub-notebooks/api';
const WHEN = '2026-11-25T18:53:20.689Z';

async function service(
  t: TestContext,
  routes: Routes,
  options: { servicePath?: string; prefix?: string; wrap?: (tr: HubTransport) => HubTransport } = {},
): Promise<{ stub: HttpStub; client: CatalogApi }> {
  const stub = await startStub((req, res: ServerResponse) => {
    const route = routes[`${req.method} ${req.url}`];
    if (!route) return json(res, 599, { error: 'test', message: `unexpected ${req.method} ${req.url}` });
    const [status, body, headers] = typeof route === 'function' ? route(req) : route;
    if (body instanceof Uint8Array) res.writeHead(status, headers).end(body);
    else if (typeof body === 'string')
      res.writeHead(status, { 'Content-Type': 'text/html', ...headers }).end(body);
    else json(res, status, body, headers);
  });
  t.after(() => stub.close());
  const transport = createHubTransport({
    baseUrl: `${stub.url}${options.prefix ?? ''}`,
    getToken: () => 'tok',
  });
  const client = createCatalogClient({
    transport: options.wrap ? options.wrap(transport) : transport,
    ...(options.servicePath === undefined ? {} : { servicePath: options.servicePath }),
  });
  return { stub, client };
}

const version: SupportedVersion = {
  name: 'churn',
  version: '1.2.0',
  sha256: 'ab'.repeat(32),
  size: 12,
  publishedBy: 'carol',
  publishedAt: WHEN,
  header: { title: 'Churn' },
};

test('names and paths travel as query parameters, encoded by URLSearchParams', async (t) => {
  const listing = { user: 'bob', path: 'sub dir', entries: [] };
  const { stub, client } = await service(t, {
    [`GET ${S}/team/list?user=bob&path=sub+dir`]: [200, listing],
    [`GET ${S}/team/stat?user=bob&path=sub+dir%2Fr%C3%A9%26p%3D1.ipynb`]: [
      200,
      { path: 'sub dir/ré&p=1.ipynb', name: 'ré&p=1.ipynb', type: 'notebook', size: 3, lastModified: WHEN },
    ],
    [`GET ${S}/search?q=a+%26+b`]: [200, { hits: [] }],
    [`GET ${S}/supported/versions?name=churn`]: [
      200,
      { name: 'churn', currentVersion: '1.2.0', versions: [version] },
    ],
    [`POST ${S}/supported/rollback?name=churn&version=1.0.0`]: [
      200,
      { name: 'churn', currentVersion: '1.0.0', versions: [version] },
    ],
    [`GET ${S}/supported/audit?name=churn`]: [200, { events: [] }],
  });
  assert.deepEqual(await client.listTeamFolder('bob', 'sub dir'), listing);
  assert.equal((await client.statTeamEntry('bob', 'sub dir/ré&p=1.ipynb')).name, 'ré&p=1.ipynb');
  assert.deepEqual(await client.search('a & b'), []);
  assert.equal((await client.getSupported('churn')).currentVersion, '1.2.0');
  assert.equal((await client.rollback('churn', '1.0.0')).currentVersion, '1.0.0');
  assert.deepEqual(await client.audit('churn'), []);
  assert.deepEqual(await client.search('  '), [], 'an empty search is answered without a request');
  assert.equal(stub.seen.length, 6);
  assert.ok(stub.seen.every((r) => r.headers.authorization === 'token tok'));
});

test('the service path is relative to the hub, keeps its prefix, and cannot climb out', async (t) => {
  const { stub, client } = await service(
    t,
    { 'GET /jhub/services/other/api/me': [200, { name: 'alice', groups: ['team'], maintainer: false }] },
    { prefix: 'jhub/', servicePath: '/services/other' },
  );
  assert.equal((await client.me()).name, 'alice');
  assert.equal(stub.seen.length, 1);
  const transport = createHubTransport({ baseUrl: stub.url, getToken: () => 'tok' });
  for (const bad of ['../hub/api/', 'services/../hub/', '', '/', 'services/x?y=1/']) {
    assert.throws(() => createCatalogClient({ transport, servicePath: bad }), TypeError, bad);
  }
});

test('bad paths, users, names and versions are refused before anything is sent', async (t) => {
  const { stub, client } = await service(t, {});
  for (const { label, path } of TRAVERSAL_CORPUS.filter((c) => c.symlink === undefined)) {
    for (const call of [
      () => client.listTeamFolder('bob', path),
      () => client.statTeamEntry('bob', path),
      () => client.readTeamFile('bob', path),
    ]) {
      await assert.rejects(call(), (err: unknown) => {
        assert.ok(err instanceof CatalogError, `${label}: ${String(err)}`);
        assert.equal(err.code, 'invalid_path');
        assert.equal(err.status, undefined);
        return true;
      });
    }
  }
  for (const user of ['', '..', '../bob', 'bob/x', '.hidden']) {
    await assert.rejects(client.listTeamFolder(user, ''), (e: unknown) => e instanceof CatalogError);
  }
  for (const name of ['../x', 'Churn', '', 'a/b']) {
    await assert.rejects(
      client.getSupported(name),
      (e: unknown) => e instanceof CatalogError && e.code === 'invalid_name',
    );
  }
  for (const v of ['1.0', 'latest', '1.0.0/../2', '01.0.0']) {
    await assert.rejects(
      client.readSupportedFile('churn', v),
      (e: unknown) => e instanceof CatalogError && e.code === 'invalid_version',
    );
  }
  assert.equal(stub.seen.length, 0);
});

test('files arrive byte for byte, with their modification time', async (t) => {
  const bytes = Buffer.concat([
    Buffer.from('{"cells": [], "x": "é'),
    Buffer.from([0xff, 0xfe]),
    Buffer.from('"}'),
  ]);
  const { client } = await service(t, {
    [`GET ${S}/team/file?user=bob&path=a.ipynb`]: [
      200,
      bytes,
      { 'Content-Type': IPYNB_MEDIA_TYPE, [LAST_MODIFIED_HEADER]: WHEN },
    ],
    [`GET ${S}/supported/file?name=churn`]: [
      200,
      bytes,
      { 'Last-Modified': 'Wed, 25 Nov 2026 18:53:20 GMT' },
    ],
    [`GET ${S}/supported/file?name=churn&version=1.2.0`]: [200, bytes],
  });
  const team = await client.readTeamFile('bob', 'a.ipynb');
  assert.ok(Buffer.from(team.bytes).equals(bytes), 'not decoded and re-encoded');
  assert.equal(team.lastModified, WHEN);
  assert.equal((await client.readSupportedFile('churn', undefined)).lastModified, '2026-11-25T18:53:20.000Z');
  await assert.rejects(client.readSupportedFile('churn', '1.2.0'), InvalidHubResponseError);
});

test('a transport without a byte mode still works for UTF-8 notebooks', async (t) => {
  const text = '{"cells": [], "x": "é漢"}\n';
  const { client } = await service(
    t,
    {
      [`GET ${S}/team/file?user=bob&path=a.ipynb`]: [
        200,
        Buffer.from(text),
        { [LAST_MODIFIED_HEADER]: WHEN },
      ],
    },
    { wrap: (tr) => ({ baseUrl: tr.baseUrl, request: (r) => tr.request(r), stream: (r) => tr.stream(r) }) },
  );
  assert.equal(Buffer.from((await client.readTeamFile('bob', 'a.ipynb')).bytes).toString('utf8'), text);
});

test('publish sends the notebook bytes as they are, as application/x-ipynb+json', async (t) => {
  const text = '{\n "cells": [],\n "metadata": {"title": "é"}\n}\n';
  const { stub, client } = await service(t, {
    [`PUT ${S}/supported/publish?name=churn&version=1.2.0`]: [201, version],
  });
  assert.deepEqual(await client.publish('churn', '1.2.0', new TextEncoder().encode(text)), version);
  assert.equal(stub.seen[0]?.body, text);
  assert.equal(stub.seen[0]?.headers['content-type'], IPYNB_MEDIA_TYPE);
});

test('service errors become CatalogError with the message verbatim; auth and proxy failures keep hub types', async (t) => {
  const { client } = await service(t, {
    [`PUT ${S}/supported/publish?name=churn&version=1.2.0`]: [
      403,
      { error: 'forbidden', message: 'Only members of notebook-maintainers may publish' },
    ],
    [`GET ${S}/team/stat?user=bob&path=gone.ipynb`]: [404, { error: 'not_found', message: 'No such file' }],
    [`GET ${S}/me`]: [401, { error: 'unauthorized', message: 'The hub refused your token: sign in again.' }],
    [`GET ${S}/team`]: [403, { message: 'Forbidden' }],
    [`GET ${S}/supported`]: [503, '<html><title>503 Service Unavailable</title></html>'],
    [`GET ${S}/search?q=x`]: [200, { hits: [{ kind: 'team' }] }],
  });
  await assert.rejects(client.publish('churn', '1.2.0', new Uint8Array([123, 125])), (err: unknown) => {
    assert.ok(err instanceof CatalogError);
    assert.equal(err.kind, 'permission', 'a forbidden code is the common permission kind');
    assert.equal(err.code, 'forbidden');
    assert.equal(err.status, 403);
    assert.equal(err.serviceMessage, 'Only members of notebook-maintainers may publish');
    assert.match(
      err.message,
      /^Only members of notebook-maintainers may publish\. If you should have access/,
    );
    return true;
  });
  await assert.rejects(
    client.statTeamEntry('bob', 'gone.ipynb'),
    (e: unknown) => e instanceof CatalogError && e.code === 'not_found',
  );
  await assert.rejects(client.me(), (err: unknown) => {
    assert.ok(err instanceof HubAuthError);
    assert.match(err.message, /sign in again/i);
    return true;
  });
  await assert.rejects(client.listTeammates(), HubAuthError);
  await assert.rejects(client.listSupported(), HubUnavailableError);
  await assert.rejects(client.search('x'), InvalidHubResponseError);
});

test('a hub without the service is told apart from a missing file', async (t) => {
  // JupyterHub redirects an unknown /services/<name>/ to /hub/services/<name>/ and answers 404 with its page.
  const { client } = await service(t, {
    [`GET ${S}/me`]: [302, '', { Location: '/hub/services/hub-notebooks/api/me' }],
    'GET /hub/services/hub-notebooks/api/me': [
      404,
      '<html><title>JupyterHub</title><h1>404 : Not Found</h1></html>',
    ],
  });
  await assert.rejects(client.me(), (err: unknown) => {
    assert.ok(err instanceof CatalogError);
    assert.equal(err.code, 'service_missing');
    assert.match(
      err.message,
      /no hub-notebooks service at \/services\/hub-notebooks\/.*operator.*docs\/operators\.md/,
    );
    return true;
  });
});
