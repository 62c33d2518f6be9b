// UI journeys in a real VS Code (code-server 4.100.3 in Debian Chromium), against the real hub and service:
// sign in from the welcome view through the hub's own login page, see the account, sign out.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import type { Page } from 'playwright-core';

import { adminClient } from '../integration/clients';
import { freePort } from '../support/ports';
import { startCodeServer, type CodeServerHandle } from './harness/codeServer';
import { openWorkbench, runCommand, screenshot, type Workbench } from './harness/workbench';
import { startHub, type HubHandle } from '../hub/harness';
import { hubEnv } from '../hub/fixture';

const VSIX = path.resolve(__dirname, '..', '..', 'dist', 'hub-notebooks.vsix');
let hub: HubHandle;
let cs: CodeServerHandle;
let wb: Workbench;

before(async () => {
  const port = await freePort();
  // The service must accept code-server's origin as a redirect target: asExternalUri maps the extension's
  // vscode:// callback to http://127.0.0.1:<code-server port>/callback?vscode-…
  hub = await startHub({
    flavor: 'pypi',
    publicHost: '127.0.0.2',
    serviceEnv: {
      HUB_NOTEBOOKS_ALLOWED_REDIRECT_ORIGINS: `http://127.0.0.1:${port}`,
      HUB_NOTEBOOKS_HANDOFF_TTL_SECONDS: '60',
    },
  });
  Object.assign(process.env, hubEnv(hub));
  cs = await startCodeServer({ vsix: VSIX, port, userSettings: { 'hubNotebooks.hubs': [`${hub.url}/`] } });
  wb = await openWorkbench(cs);
});

after(async () => {
  await wb?.close();
  await cs?.stop();
  await hub?.stop();
});

async function openHubNotebooksView(page: Page): Promise<void> {
  await page.locator('.activitybar .action-item a[aria-label^="Hub Notebooks"]').click();
  // A container with one view hides that view's header, so wait for the view's content instead.
  await page.locator('.welcome-view-content').first().waitFor();
}

/** Clicks the named buttons of modal dialogs as they come, until `done` settles. */
async function answerDialogs(page: Page, buttons: string[], done: Promise<unknown>): Promise<void> {
  let finished = false;
  void done.finally(() => (finished = true)).catch(() => undefined);
  const deadline = Date.now() + 30_000;
  while (!finished && Date.now() < deadline) {
    const dialog = page.locator('.monaco-dialog-box');
    if (await dialog.isVisible()) {
      for (const name of buttons) {
        const button = dialog.locator('.monaco-button', { hasText: new RegExp(`^${name}$`) });
        if (await button.isVisible()) await button.click();
      }
    }
    await page.waitForTimeout(200);
  }
}

async function hubNotebookTokens(): Promise<number> {
  const tokens = await adminClient(hub).listTokens('alice');
  return tokens.filter((t) => /^Hub Notebooks \(VS Code\)/.test(t.note ?? '')).length;
}

test('sign in from the welcome view through the hub login page, then sign out', async () => {
  const page = wb.page;
  await openHubNotebooksView(page);
  const signIn = page.locator('.welcome-view-content a', { hasText: /^Sign In$/ });
  await signIn.waitFor();
  await screenshot(page, '01-welcome');
  const popup = wb.context.waitForEvent('page', { timeout: 30_000 });
  await signIn.click();
  // VS Code may ask before the extension signs in with a provider the first time ("Allow"), and asks before
  // it opens a site outside its trusted domains ("Open"), as it would for a real hub.
  await answerDialogs(page, ['Allow', 'Open'], popup);
  const login = await popup;
  await login.waitForURL(/\/hub\/login/, { timeout: 30_000 });
  await screenshot(login, '02-hub-login');
  const authorize = login.locator('input[type="submit"][value="Authorize"], button:has-text("Authorize")');
  // JupyterHub 5.5.4 now and then serves its login page without the _xsrf cookie, and that login is refused
  // (test/integration/support/hubBrowser.ts); the refusal shows the form again, so a person types it again.
  for (let attempt = 0; attempt < 2; attempt++) {
    await login.fill('input[name="username"]', 'alice');
    await login.fill('input[name="password"]', hub.passwords.alice);
    const [answer] = await Promise.all([
      login.waitForResponse((r) => r.request().method() === 'POST' && /\/hub\/login/.test(r.url())),
      login.click('[type="submit"]'),
    ]);
    if (answer.status() !== 403) break;
  }
  await authorize
    .first()
    .waitFor({ timeout: 30_000 })
    .catch(async (err: unknown) => {
      await screenshot(login, 'failed-consent');
      throw new Error(`no consent page at ${new URL(login.url()).pathname}: ${String(err)}`);
    });
  await screenshot(login, '03-hub-consent');
  await authorize.first().click();
  await page.bringToFront();
  const status = page.locator('.statusbar-item', { hasText: /alice @ 127\.0\.0\.2/ });
  await status
    .first()
    .waitFor({ timeout: 30_000 })
    .catch(async (err: unknown) => {
      await screenshot(page, 'failed-after-consent');
      await screenshot(login, 'failed-after-consent-popup');
      throw new Error(`not signed in; popup at ${login.url()}: ${String(err)}`);
    });
  await page.locator('.welcome-view-content', { hasText: 'You are signed in' }).waitFor();
  await screenshot(page, '04-signed-in');
  assert.equal(await hubNotebookTokens(), 1, 'the hub holds one Hub Notebooks token for alice');

  await page.locator('.activitybar .action-item a[aria-label^="Accounts"]').click();
  const account = page.locator('.context-view .action-label', {
    hasText: /alice @ 127\.0\.0\.2.*Hub Notebooks/,
  });
  await account.first().waitFor({ timeout: 10_000 });
  await screenshot(page, '05-accounts-menu');
  await page.keyboard.press('Escape');

  await runCommand(page, 'Hub Notebooks: Sign Out');
  await page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Sign Out' }).click({ timeout: 10_000 });
  await page.locator('.welcome-view-content a', { hasText: /^Sign In$/ }).waitFor({ timeout: 30_000 });
  assert.equal(await hubNotebookTokens(), 0, 'sign-out revoked the token on the hub');
  await screenshot(page, '06-signed-out');
});
