// Tests inside code-server's real extension host against a real JupyterHub 5 (pypi flavour): sign in with an
// API token through the real command (the page is driven from here: "Open" on VS Code's external-link dialog,
// then the token typed into the extension's input box), then the file system provider's read-only rules and
// the kernel controllers with their outputs, all through the real vscode API (test/e2e/host/hub.host.js).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { extensionTokenScopes } from '../../src/service/config';
import { startHub, SERVICE_NAME, type HubHandle } from '../hub/harness';
import { hubEnv } from '../hub/fixture';
import { seedSupportedNotebooks } from '../hub/seedCatalog';
import { adminClient } from '../integration/clients';
import { recordIssuedToken } from '../integration/support/secrets';
import { startCodeServer, type CodeServerHandle } from './harness/codeServer';
import { runExtensionHostTests } from './harness/extensionHost';
import { screenshot, type Workbench } from './harness/workbench';

const ROOT = path.resolve(__dirname, '..', '..');
const VSIX = path.join(ROOT, 'dist', 'hub-notebooks.vsix');
const BOB_NOTEBOOK = '/home/bob/analysis.ipynb';
// Every file the host entries create in alice's home starts with this, and jupyter_server's delete moves it
// to her trash: both places are cleaned here whatever happened.
const OWN_PREFIX = 'hubnb-e2e-host-';
let hub: HubHandle;
let cs: CodeServerHandle;
let token: { token: string; id: string } | undefined;
let signedInShown = false;

before(async () => {
  hub = await startHub({ flavor: 'pypi', publicHost: '127.0.0.2' });
  Object.assign(process.env, hubEnv(hub)); // the admin client's trace log goes to the hub's state dir
  await seedSupportedNotebooks(hub);
  // The server runs before the window opens, so no "Start Server?" toast waits for an answer.
  await adminClient(hub).startServer('alice');
  token = await adminClient(hub).createToken('alice', {
    note: 'hub-notebooks e2e: extension host sign-in',
    expiresInSeconds: 900,
    scopes: extensionTokenScopes(SERVICE_NAME),
  });
  recordIssuedToken(token.token);
  cs = await startCodeServer({
    vsix: VSIX,
    userSettings: { 'hubNotebooks.hubs': [`${hub.url}/`] },
    // The extension host inherits code-server's environment: the hub's address (never a token) and where
    // the homes are, for the on-disk checks.
    env: { HUB_NOTEBOOKS_E2E_HUB: `${hub.url}/`, HUB_NOTEBOOKS_E2E_HOMES: '/home' },
  });
});

after(async () => {
  await cs?.stop();
  if (token)
    await adminClient(hub)
      .revokeToken('alice', token.id)
      .catch(() => undefined);
  removeOwnFiles();
  await hub?.stop();
});

/**
 * Types the token into the extension's input box once it shows, and checks that the status bar then names
 * alice. No "open the external website?" dialog to answer: VS Code refuses dialogs while it runs extension
 * tests, so hub.host.js trusts the hub's origin first (answerDialogs would find nothing to click).
 */
async function answerTokenPrompt(wb: Workbench, hubUrl: string, secret: string): Promise<void> {
  const page = wb.page;
  const host = new URL(hubUrl).host;
  const title = `Hub Notebooks: sign in to ${host} with an API token`;
  const box = page
    .locator('.quick-input-widget')
    .filter({ has: page.locator('.quick-input-title', { hasText: title }) });
  await box.waitFor({ state: 'visible', timeout: 90_000 }).catch(async (err: unknown) => {
    await screenshot(page, 'failed-token-prompt');
    throw err;
  });
  const input = box.locator('.quick-input-box input');
  await input.fill(secret);
  await input.press('Enter');
  const status = page.locator('.statusbar-item', { hasText: `alice @ ${host}` });
  await status
    .first()
    .waitFor({ timeout: 30_000 })
    .catch(async (err: unknown) => {
      await screenshot(page, 'failed-token-status');
      throw err;
    });
  signedInShown = true;
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function removeOwnFiles(): void {
  const dirs = ['/home/alice', '/home/alice/.local/share/Trash/files', '/home/alice/.local/share/Trash/info'];
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir))
      if (name.startsWith(OWN_PREFIX)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

/** The extension's own log (its LogOutputChannel, which never holds a token), for failure messages. */
function extensionLog(): string {
  const logs = path.join(cs.userDataDir, 'logs');
  if (!fs.existsSync(logs)) return '(no logs)';
  return fs
    .readdirSync(logs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('Hub Notebooks.log'))
    .map((f) => fs.readFileSync(path.join(logs, f), 'utf8'))
    .join('\n');
}

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (fs.readFileSync(file).includes(needle)) found.push(file);
  }
  return found;
}

test('sign-in with an API token, read-only files and hub kernels through the real vscode API', async (t) => {
  assert.ok(token);
  const secret = token.token;
  const bobBefore = sha256(BOB_NOTEBOOK);
  const result = await runExtensionHostTests(cs, {
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(__dirname, 'host', 'hub.host.js'),
    timeoutMs: 300_000,
    drive: (wb) => answerTokenPrompt(wb, hub.url, secret),
  });
  const logs = result.logs.join('\n');
  assert.equal(result.exitCode, 0, `${logs}\n--- Hub Notebooks.log ---\n${extensionLog()}`);
  for (const line of [
    'hub.host: signed in with an API token as alice @ 127.0.0.2',
    'hubFiles.host: /team/bob/analysis.ipynb is read-only',
    'hubFiles.host: /supported/churn-check/current.ipynb is read-only',
    '(checked on disk)',
    'hubKernels.host: stdout, stderr, text/plain, error and image/png outputs as expected',
    'hub.host: all hub checks passed in the real extension host',
  ])
    assert.ok(logs.includes(line), `the host printed "${line}":\n${logs}`);
  for (const line of result.logs) if (/^hub\w*\.host: /.test(line)) t.diagnostic(line);
  assert.ok(signedInShown, 'the status bar named alice after the token was typed');
  assert.equal(sha256(BOB_NOTEBOOK), bobBefore, "bob's notebook is unchanged on disk");
  assert.deepEqual(
    filesContaining(cs.stateDir, secret),
    [],
    'the token is in no code-server log or state file',
  );
});
