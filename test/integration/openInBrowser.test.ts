// "Open in Browser" opens a notebook in JupyterLab on the hub: the URL browserUrl() builds for a tree node,
// `<hub>/user/<viewer>/lab/tree/<owner>/<path>`. Here alice logs in through the hub's own login form, as a
// person would in the browser that URL opens in, and follows the single-user server's OAuth redirects to the
// page. The pypi flavour's venv has JupyterLab (requirements-jh5.txt), so the page is JupyterLab's. Debian 12
// packages no JupyterLab (`apt-cache policy jupyterlab python3-jupyterlab` finds neither), so on the debian3
// flavour the same URL answers 404: test/hub/README.md lists that limitation, and the debian3 test asserts it,
// so that it is noticed if Debian's hub ever gains JupyterLab.
// The fake vscode module must load before notebookCommands.ts, which imports vscode.
import '../support/useFakeVscode';

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ContentsEntry } from '../../src/core/contents/types';
import { browserUrl } from '../../src/vscode/catalog/notebookCommands';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { flavorFromEnv } from '../hub/settings';
import { adminClient } from './clients';
import { HubBrowser, type Landing } from './support/hubBrowser';
import { hubUrl } from '../support/hubUrls';

const FLAVOR = flavorFromEnv();
let hub: HubHandle;

before(async () => {
  hub = await useHub();
  await adminClient(hub).startServer('alice');
});

after(async () => {
  // Leave the hub as the next file expects it: alice's server stopped (this file starts it).
  if (hub)
    await adminClient(hub)
      .stopServer('alice')
      .catch(() => undefined);
});

const entry = (path: string): ContentsEntry => ({
  path,
  name: path.split('/').at(-1) ?? path,
  type: 'notebook',
  lastModified: new Date(0).toISOString(),
  created: undefined,
  size: undefined,
  writable: true,
  hash: undefined,
});

/** The Open in Browser URLs of alice's own analysis.ipynb and of bob's, which she reads as a teammate. */
function urls(): { own: string; teammate: string } {
  const signedIn = { hubUrl: hubUrl(`${hub.url}/`), user: 'alice' };
  const own = browserUrl({ kind: 'myEntry', hub: signedIn, entry: entry('analysis.ipynb') });
  const teammate = browserUrl({
    kind: 'teamEntry',
    hub: signedIn,
    owner: 'bob',
    entry: { path: 'analysis.ipynb', name: 'analysis.ipynb', type: 'notebook', size: 0, lastModified: '' },
  });
  assert.ok(own && teammate);
  return { own, teammate };
}

/** Logs alice in on the hub's login form, then opens `url` as her browser would. */
async function openAsAlice(url: string): Promise<Landing> {
  const browser = new HubBrowser(hub.url);
  await browser.login('alice', hub.passwords.alice);
  return browser.walk(url);
}

if (FLAVOR === 'pypi') {
  test("pypi flavour: Open in Browser's lab/tree URL gives alice JupyterLab's page for her notebook and bob's", async () => {
    const { own, teammate } = urls();
    assert.equal(own, `${hub.url}/user/alice/lab/tree/alice/analysis.ipynb`);
    for (const [url, treePath] of [
      [own, 'alice/analysis.ipynb'],
      [teammate, 'bob/analysis.ipynb'],
    ] as const) {
      const page = await openAsAlice(url);
      assert.equal(page.status, 200, `${page.trail.join(' → ')}\n${page.body.slice(0, 500)}`);
      assert.equal(page.url, url, 'after the OAuth redirects, the page is the URL itself');
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      // JupyterLab's page carries its config as JSON: the app's name and the file it opens.
      assert.match(page.body, /"appName": "JupyterLab"/);
      assert.match(page.body, new RegExp(`"treePath": "${treePath}"`));
    }
  });
} else {
  test('debian3 flavour: Debian 12 has no JupyterLab, so the lab/tree URL answers 404 (a documented limitation)', async () => {
    const page = await openAsAlice(urls().own);
    assert.equal(page.status, 404, `${page.trail.join(' → ')}\n${page.body.slice(0, 500)}`);
    assert.doesNotMatch(page.body, /"appName": "JupyterLab"/);
  });
}
