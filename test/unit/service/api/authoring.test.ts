// `GET api/authoring` on the real service with a stub hub: the built-in template, the operator's template read
// from HUB_NOTEBOOKS_HEADER_TEMPLATE on every request, a template that is not usable (a 500 that says why and
// never the path), and the names of the environment variables to redact, checked when the service starts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { silentLogger } from '../../../../src/core/logger';
import { parseNotebookHeader } from '../../../../src/core/notebook';
import { loadServiceConfig } from '../../../../src/service/config';
import { createServiceServer } from '../../../../src/service/server';
import { json, startStub } from '../../../support/httpStub';

const ALICE = {
  name: 'alice',
  kind: 'user',
  groups: ['team'],
  scopes: ['access:services!service=hub-notebooks'],
  token_id: 'tok-1',
};

async function serve(t: TestContext, extra: Record<string, string>): Promise<string> {
  const hub = await startStub((_req, res) => json(res, 200, ALICE));
  t.after(() => hub.close());
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'authoring-test-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const config = loadServiceConfig({
    JUPYTERHUB_API_URL: `${hub.url}hub/api`,
    JUPYTERHUB_API_TOKEN: 'service-secret',
    JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:10101',
    HUB_NOTEBOOKS_DATA_DIR: path.join(tmp, 'data'),
    HUB_NOTEBOOKS_HOME: path.join(tmp, '{username}'),
    ...extra,
  });
  const server = createServiceServer(config, '0.0.0-test', silentLogger);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${config.prefix}api/authoring`;
}

const get = (url: string) => fetch(url, { headers: { authorization: 'token a' } });

function templateFile(t: TestContext, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'template-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'header.ipynb');
  fs.writeFileSync(file, content);
  return file;
}

const notebook = (source: string, type = 'markdown') =>
  JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [{ cell_type: type, metadata: {}, source }],
  });

test('without a setting: the built-in template, and nothing to redact', async (t) => {
  const res = await get(await serve(t, {}));
  assert.equal(res.status, 200);
  const body = (await res.json()) as {
    template: { source: string; notebook: never };
    redactEnvironment: string[];
  };
  assert.equal(body.template.source, 'default');
  const header = parseNotebookHeader(body.template.notebook);
  assert.equal(header.title, 'Notebook Name');
  assert.deepEqual(header.parameters, ['PARAM_1', 'PARAM_2']);
  assert.deepEqual(body.redactEnvironment, []);
});

test("the operator's template is read on every request, and the names to redact are listed once each", async (t) => {
  const file = templateFile(t, notebook('# Team Report\n\n## Purpose\nWhy.\n'));
  const url = await serve(t, {
    HUB_NOTEBOOKS_HEADER_TEMPLATE: file,
    HUB_NOTEBOOKS_REDACT_ENV: 'A_KEY, B_TOKEN,A_KEY',
  });
  const first = (await (await get(url)).json()) as {
    template: { source: string; notebook: never };
    redactEnvironment: string[];
  };
  assert.equal(first.template.source, 'operator');
  assert.equal(parseNotebookHeader(first.template.notebook).title, 'Team Report');
  assert.deepEqual(first.redactEnvironment, ['A_KEY', 'B_TOKEN']);
  fs.writeFileSync(file, notebook('# Edited\n'));
  const second = (await (await get(url)).json()) as { template: { notebook: never } };
  assert.equal(parseNotebookHeader(second.template.notebook).title, 'Edited', 'no restart needed');
});

for (const [what, content, why] of [
  ['not JSON', '{', /not a usable notebook\. The file/],
  ['a first cell that is code', notebook('x = 1', 'code'), /first cell is a code cell/],
  ['missing', undefined, /cannot be read \(ENOENT\)/],
] as const) {
  test(`a template that is ${what} is a 500 that says why, without its path`, async (t) => {
    const file =
      content === undefined ? '/nonexistent/hub-notebooks/template.ipynb' : templateFile(t, content);
    const res = await get(await serve(t, { HUB_NOTEBOOKS_HEADER_TEMPLATE: file }));
    assert.equal(res.status, 500);
    const body = (await res.json()) as { error: string; message: string };
    assert.equal(body.error, 'template_unusable');
    assert.match(body.message, why);
    assert.match(body.message, /HUB_NOTEBOOKS_HEADER_TEMPLATE/);
    assert.ok(!body.message.includes(file), 'the path stays in the log');
  });
}

test('a name to redact that is not an environment variable name stops the service at start', () => {
  assert.throws(
    () =>
      loadServiceConfig({
        JUPYTERHUB_API_URL: 'http://127.0.0.1:1/hub/api',
        JUPYTERHUB_API_TOKEN: 'x',
        JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:10101',
        HUB_NOTEBOOKS_REDACT_ENV: 'GOOD,not-a-name',
      }),
    /HUB_NOTEBOOKS_REDACT_ENV/,
  );
});
