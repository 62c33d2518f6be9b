import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { test, type TestContext } from 'node:test';
import {
  ContentsConflictError,
  ContentsContentError,
  ContentsExistsError,
  ContentsPathError,
  ContentsPermissionError,
  createContentsClient,
} from '../../../../src/core/contents';
import type { ContentsApi } from '../../../../src/core/contents/types';
import {
  HubAuthError,
  HubNotFoundError,
  InvalidHubResponseError,
  ServerNotRunningError,
  createHubTransport,
} from '../../../../src/core/hub';
import { json, startStub, type HttpStub, type SeenRequest } from '../../../support/httpStub';
import { TRAVERSAL_CORPUS } from '../../../support/traversalCorpus';

type Answer = [status: number, body?: unknown, headers?: Record<string, string>];
type Routes = Record<string, Answer | ((req: SeenRequest) => Answer)>;

const T0 = '2026-11-25T18:53:20.689644Z';
const T1 = '2026-11-25T19:00:00.000001Z';

/** A model as jupyter_server 2.11+ sends it (`hash` present); `hash: undefined` drops the key, as 1.x does. */
function model(path: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const name = path.split('/').pop() ?? '';
  const type = path.endsWith('.ipynb') ? 'notebook' : 'file';
  const m: Record<string, unknown> = {
    name,
    path,
    type,
    last_modified: T0,
    created: T0,
    size: 10,
    writable: true,
    mimetype: null,
    format: null,
    content: null,
    hash: null,
    hash_algorithm: null,
    ...extra,
  };
  if (extra.hash === undefined && 'hash' in extra) {
    delete m.hash;
    delete m.hash_algorithm;
  }
  return m;
}

/** A stub jupyter server answering `METHOD /url` from `routes`; anything else is a 599 the test will see. */
async function server(
  t: TestContext,
  routes: Routes,
  options: { root?: string; user?: string; serverName?: string } = {},
): Promise<{ stub: HttpStub; client: ContentsApi }> {
  const stub = await startStub((req, res: ServerResponse) => {
    const route = routes[`${req.method} ${req.url}`];
    if (!route) return json(res, 599, { message: `unexpected ${req.method} ${req.url}` });
    const [status, body, headers] = typeof route === 'function' ? route(req) : route;
    if (typeof body === 'string')
      res.writeHead(status, { 'Content-Type': 'text/html', ...headers }).end(body);
    else if (body === undefined) res.writeHead(status, headers).end();
    else json(res, status, body, headers);
  });
  t.after(() => stub.close());
  const transport = createHubTransport({ baseUrl: stub.url, getToken: () => 'tok' });
  const client = createContentsClient({
    transport,
    user: options.user ?? 'alice',
    root: options.root ?? 'alice',
    ...(options.serverName ? { serverName: options.serverName } : {}),
  });
  return { stub, client };
}

const C = '/user/alice/api/contents/alice';
const bytesOf = (s: string): Uint8Array => new TextEncoder().encode(s);
const textOf = (b: Uint8Array): string => new TextDecoder().decode(b);

test('read asks for the raw text with a hash, encodes each segment, and strips the root', async (t) => {
  const text = '{\n "cells": [],\n "metadata": {"é": 1}\n}\n';
  const url = `${C}/my%20dir/r%C3%A9%23port%3F.ipynb?type=file&format=text&content=1&hash=1`;
  const { stub, client } = await server(t, {
    [`GET ${url}`]: [
      200,
      model('alice/my dir/ré#port?.ipynb', { type: 'file', content: text, format: 'text', hash: 'abc' }),
    ],
  });
  const file = await client.read('my dir/ré#port?.ipynb');
  assert.equal(textOf(file.bytes), text);
  assert.deepEqual(file.entry, {
    path: 'my dir/ré#port?.ipynb',
    name: 'ré#port?.ipynb',
    type: 'notebook',
    lastModified: T0,
    created: T0,
    size: 10,
    writable: true,
    hash: 'abc',
  });
  assert.equal(stub.seen.length, 1);
  assert.equal(stub.seen[0]?.headers.authorization, 'token tok');
});

test('a named server, an odd user name and an empty root build the right URL', async (t) => {
  const { stub, client } = await server(
    t,
    {
      'GET /user/j%20doe/lab%2F2/api/contents?type=directory&content=1': [
        200,
        { ...model('', { type: 'directory' }), name: '', content: [model('x.ipynb')] },
      ],
    },
    { user: 'j doe', serverName: 'lab/2', root: '' },
  );
  const entries = await client.list('');
  assert.deepEqual(
    entries.map((e) => e.path),
    ['x.ipynb'],
  );
  assert.equal(stub.seen.length, 1);
});

test('every traversal input is refused by every method before anything is sent', async (t) => {
  const { stub, client } = await server(t, {});
  const cases = TRAVERSAL_CORPUS.filter((c) => c.symlink === undefined);
  for (const { label, path } of cases) {
    const calls: [string, () => Promise<unknown>][] = [
      ['list', () => client.list(path)],
      ['stat', () => client.stat(path)],
      ['read', () => client.read(path)],
      ['write', () => client.write(path, bytesOf('{}'))],
      ['createDirectory', () => client.createDirectory(path)],
      ['rename from', () => client.rename(path, 'ok.ipynb')],
      ['rename to', () => client.rename('ok.ipynb', path)],
      ['delete', () => client.delete(path)],
      ['listCheckpoints', () => client.listCheckpoints(path)],
      ['createCheckpoint', () => client.createCheckpoint(path)],
      ['restoreCheckpoint', () => client.restoreCheckpoint(path, 'checkpoint')],
    ];
    for (const [method, call] of calls) {
      await assert.rejects(call(), (err: unknown) => {
        assert.ok(err instanceof ContentsPathError, `${method} ${label}: ${String(err)}`);
        assert.equal(err.kind, 'invalid-path');
        assert.ok(err.message.length > 10);
        return true;
      });
    }
  }
  await assert.rejects(client.restoreCheckpoint('ok.ipynb', '..'), ContentsPathError);
  assert.equal(stub.seen.length, 0, 'no request reached the server');
  assert.throws(
    () =>
      createContentsClient({
        transport: createHubTransport({ baseUrl: stub.url, getToken: () => 't' }),
        user: 'alice',
        root: '../bob',
      }),
    TypeError,
  );
  assert.throws(
    () =>
      createContentsClient({
        transport: createHubTransport({ baseUrl: stub.url, getToken: () => 't' }),
        user: '..',
      }),
    TypeError,
  );
});

const STAT_NB = `GET ${C}/a.ipynb?type=notebook&content=0&hash=1`;
const PUT_NB = `PUT ${C}/a.ipynb`;

test('with hashes on both sides, a different hash is a conflict and nothing is written', async (t) => {
  const { stub, client } = await server(t, { [STAT_NB]: [200, model('alice/a.ipynb', { hash: 'theirs' })] });
  await assert.rejects(
    client.write('a.ipynb', bytesOf('{}'), { expected: { lastModified: T0, hash: 'mine' } }),
    (err: unknown) => {
      assert.ok(err instanceof ContentsConflictError);
      assert.equal(err.kind, 'conflict');
      assert.equal(err.current?.hash, 'theirs');
      assert.equal(err.current?.path, 'a.ipynb');
      return true;
    },
  );
  assert.deepEqual(
    stub.seen.map((r) => r.method),
    ['GET'],
  );
});

test('with hashes on both sides, an equal hash wins over a changed last_modified', async (t) => {
  const { stub, client } = await server(t, {
    [STAT_NB]: () => [
      200,
      model('alice/a.ipynb', {
        hash: stub.seen.filter((r) => r.method === 'PUT').length ? 'new' : 'same',
        last_modified: T1,
      }),
    ],
    [PUT_NB]: [200, model('alice/a.ipynb', { last_modified: T1 })],
  });
  const entry = await client.write('a.ipynb', bytesOf('{"cells": []}'), {
    expected: { lastModified: T0, hash: 'same' },
  });
  assert.deepEqual(
    stub.seen.map((r) => r.method),
    ['GET', 'PUT', 'GET'],
    'check, write, then fetch the new hash',
  );
  assert.equal(entry.hash, 'new');
  assert.deepEqual(JSON.parse(stub.seen[1]?.body ?? ''), {
    type: 'notebook',
    format: 'json',
    content: { cells: [] },
  });
});

test('without server hashes (jupyter_server 1.x), last_modified decides', async (t) => {
  const noHash = { hash: undefined };
  const { stub, client } = await server(t, {
    [STAT_NB]: [200, model('alice/a.ipynb', noHash)],
    [PUT_NB]: [200, model('alice/a.ipynb', { ...noHash, last_modified: T1 })],
  });
  await assert.rejects(
    client.write('a.ipynb', bytesOf('{}'), { expected: { lastModified: T1, hash: 'mine' } }),
    ContentsConflictError,
  );
  assert.equal(stub.seen.length, 1);
  const entry = await client.write('a.ipynb', bytesOf('{}'), {
    expected: { lastModified: T0, hash: undefined },
  });
  assert.deepEqual(
    stub.seen.map((r) => r.method),
    ['GET', 'GET', 'PUT'],
    'no re-stat when the server cannot hash',
  );
  assert.equal(entry.lastModified, T1);
  assert.equal(entry.hash, undefined);
});

test('a file deleted since it was read is a conflict; without `expected` the write goes straight through', async (t) => {
  const { stub, client } = await server(t, {
    [STAT_NB]: [404, { message: 'file or directory does not exist' }],
    [PUT_NB]: [201, model('alice/a.ipynb', { hash: undefined })],
  });
  await assert.rejects(
    client.write('a.ipynb', bytesOf('{}'), { expected: { lastModified: T0, hash: undefined } }),
    (err: unknown) => {
      assert.ok(err instanceof ContentsConflictError);
      assert.equal(err.current, undefined);
      assert.match(err.message, /deleted/);
      return true;
    },
  );
  await client.write('a.ipynb', bytesOf('{}'));
  assert.deepEqual(
    stub.seen.map((r) => r.method),
    ['GET', 'PUT'],
  );
});

test('text is saved as text, other bytes as base64, and a .ipynb that is not JSON is refused unsent', async (t) => {
  const { stub, client } = await server(t, {
    [`PUT ${C}/n.txt`]: [200, model('alice/n.txt', { hash: undefined })],
    [`PUT ${C}/b.bin`]: [200, model('alice/b.bin', { hash: undefined })],
  });
  await client.write('n.txt', bytesOf('\ufeffhé\n'));
  await client.write('b.bin', new Uint8Array([0xff, 0x00, 0xfe]));
  assert.deepEqual(JSON.parse(stub.seen[0]?.body ?? ''), {
    type: 'file',
    format: 'text',
    content: '\ufeffhé\n',
  });
  assert.deepEqual(JSON.parse(stub.seen[1]?.body ?? ''), { type: 'file', format: 'base64', content: '/wD+' });
  for (const bad of ['not json', '[1]', 'null']) {
    await assert.rejects(client.write('x.ipynb', bytesOf(bad)), ContentsContentError);
  }
  assert.equal(stub.seen.length, 2);
});

test('stat asks for a hash only for files, and only from servers that hash', async (t) => {
  const { stub, client } = await server(t, {
    [`GET ${C}/d?content=0`]: [200, model('alice/d', { type: 'directory', size: null })],
    [`GET ${C}/new.txt?content=0`]: [200, model('alice/new.txt')],
    [`GET ${C}/new.txt?type=file&content=0&hash=1`]: [200, model('alice/new.txt', { hash: 'h' })],
    [`GET ${C}/old.txt?content=0`]: [200, model('alice/old.txt', { hash: undefined })],
  });
  assert.equal((await client.stat('d')).type, 'directory');
  assert.equal((await client.stat('new.txt')).hash, 'h');
  assert.equal((await client.stat('old.txt')).hash, undefined);
  assert.equal(stub.seen.length, 4);
});

test('read falls back to the notebook model, or to base64, when the server refuses text', async (t) => {
  const nb = { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 };
  const { client } = await server(t, {
    [`GET ${C}/a.ipynb?type=file&format=text&content=1&hash=1`]: [400, { message: 'refused' }],
    [`GET ${C}/a.ipynb?type=notebook&content=1&hash=1`]: [
      200,
      model('alice/a.ipynb', { content: nb, format: 'json' }),
    ],
    [`GET ${C}/b.png?type=file&format=text&content=1&hash=1`]: [
      400,
      { message: 'b.png is not UTF-8 encoded' },
    ],
    [`GET ${C}/b.png?type=file&format=base64&content=1&hash=1`]: [
      200,
      model('alice/b.png', { content: '/wD+', format: 'base64' }),
    ],
  });
  assert.equal(textOf((await client.read('a.ipynb')).bytes), `${JSON.stringify(nb, null, 1)}\n`);
  assert.deepEqual([...(await client.read('b.png')).bytes], [0xff, 0x00, 0xfe]);
});

test('a Permission denied 403 is a permission error, any other 403 an auth error', async (t) => {
  const { client } = await server(t, {
    [`PUT ${C}/mine.txt`]: [403, { message: 'Permission denied: alice/mine.txt', reason: null }],
    [`GET ${C}/x.txt?content=0`]: [403, { message: 'Forbidden', reason: null }],
  });
  await assert.rejects(client.write('mine.txt', bytesOf('x')), (err: unknown) => {
    assert.ok(err instanceof ContentsPermissionError);
    assert.equal(err.serverMessage, 'Permission denied: alice/mine.txt');
    assert.match(err.message, /Permission denied: alice\/mine\.txt/);
    return true;
  });
  await assert.rejects(client.stat('x.txt'), HubAuthError);
});

test('a stopped server is ServerNotRunningError for reads (424) and for writes (the hub answers HTML)', async (t) => {
  const html = '<html><title>JupyterHub</title><h1>403 : Forbidden</h1></html>';
  const stopped: Answer = [424, { message: 'JupyterHub server no longer running at /user/alice/api/status' }];
  const { stub, client } = await server(t, {
    [`GET ${C}/a.txt?type=file&format=text&content=1&hash=1`]: [
      302,
      undefined,
      { Location: `/hub${C}/a.txt` },
    ],
    [`GET /hub${C}/a.txt`]: [424, { message: 'JupyterHub server no longer running' }],
    [`PUT ${C}/a.txt`]: [403, html],
    [`DELETE ${C}/a.txt`]: [405, html.replace('403 : Forbidden', '405 : Method Not Allowed')],
    'GET /user/alice/api/status': stopped,
  });
  await assert.rejects(client.read('a.txt'), ServerNotRunningError);
  await assert.rejects(client.write('a.txt', bytesOf('x')), ServerNotRunningError);
  await assert.rejects(client.delete('a.txt'), ServerNotRunningError);
  assert.deepEqual(
    stub.seen.map((r) => `${r.method} ${r.url.split('?')[0]}`),
    [
      `GET ${C}/a.txt`,
      `GET /hub${C}/a.txt`,
      `PUT ${C}/a.txt`,
      'GET /user/alice/api/status',
      `DELETE ${C}/a.txt`,
      'GET /user/alice/api/status',
    ],
  );
});

test('an HTML 403 from a running server stays an auth error', async (t) => {
  const { client } = await server(t, {
    [`PUT ${C}/a.txt`]: [403, '<html><title>Forbidden</title></html>'],
    'GET /user/alice/api/status': [200, { started: T0 }],
  });
  await assert.rejects(client.write('a.txt', bytesOf('x')), HubAuthError);
});

test('missing files, renames onto existing ones and foreign entries are typed', async (t) => {
  const { stub, client } = await server(t, {
    [`GET ${C}/gone.txt?content=0`]: [404, 'file or directory does not exist'],
    [`PATCH ${C}/a.ipynb`]: [409, { message: 'File already exists: alice/b.ipynb' }],
    [`PATCH ${C}/c.ipynb`]: [200, model('alice/d.ipynb')],
    [`GET ${C}?type=directory&content=1`]: [
      200,
      model('alice', { type: 'directory', content: [model('bob/x.ipynb')] }),
    ],
  });
  await assert.rejects(client.stat('gone.txt'), HubNotFoundError);
  await assert.rejects(client.rename('a.ipynb', 'b.ipynb'), ContentsExistsError);
  assert.deepEqual(JSON.parse(stub.seen[1]?.body ?? ''), { path: 'alice/b.ipynb' });
  assert.equal((await client.rename('c.ipynb', 'd.ipynb')).path, 'd.ipynb');
  await assert.rejects(client.list(''), InvalidHubResponseError);
});

test('checkpoints: list, create and restore at their URLs', async (t) => {
  const cp = { id: 'checkpoint', last_modified: T0 };
  const { stub, client } = await server(t, {
    [`GET ${C}/a%20b.ipynb/checkpoints`]: [200, [cp]],
    [`POST ${C}/a%20b.ipynb/checkpoints`]: [201, cp],
    [`POST ${C}/a%20b.ipynb/checkpoints/checkpoint`]: [204],
  });
  assert.deepEqual(await client.listCheckpoints('a b.ipynb'), [{ id: 'checkpoint', lastModified: T0 }]);
  assert.deepEqual(await client.createCheckpoint('a b.ipynb'), { id: 'checkpoint', lastModified: T0 });
  await client.restoreCheckpoint('a b.ipynb', 'checkpoint');
  assert.equal(stub.seen.length, 3);
});
