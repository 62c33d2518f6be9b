// Page helpers for the Hub Notebooks UI in code-server: the views, the hub's own sign-in pages, notebooks and
// their outputs (which VS Code renders in a webview, two iframes deep).
import type { BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';

import { answerDialogs, escapeRegExp, runCommand, screenshot } from './workbench';

export const VIEW_TITLES = { mine: 'My Notebooks', team: 'Team', supported: 'Supported' } as const;
export type ViewKey = keyof typeof VIEW_TITLES;

/** Opens the Hub Notebooks container in the activity bar (a second click would close it). */
export async function openHubNotebooks(page: Page): Promise<void> {
  const icon = page.locator('.activitybar .action-item a[aria-label^="Hub Notebooks"]');
  const checked = page.locator('.activitybar .action-item.checked a[aria-label^="Hub Notebooks"]');
  if ((await checked.count()) === 0) await icon.click();
  await page.locator('.pane-header', { hasText: VIEW_TITLES.mine }).first().waitFor();
}

/** The pane of one of our views. */
export function pane(page: Page, view: ViewKey): Locator {
  return page.locator('.pane', {
    has: page.locator('.pane-header', { hasText: new RegExp(`^\\W*${VIEW_TITLES[view]}`, 'i') }),
  });
}

/** A tree row whose label is exactly `label` (the description, shown after it, may follow). */
export function treeRow(page: Page, view: ViewKey, label: string): Locator {
  return pane(page, view).locator('.monaco-list-row', {
    has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }),
  });
}

/** The rows of a view as "label description" lines. */
export async function treeTexts(page: Page, view: ViewKey): Promise<string[]> {
  return pane(page, view)
    .locator('.monaco-list-row')
    .evaluateAll((rows) =>
      rows.map((row) =>
        ['.label-name', '.label-description']
          .map((sel) => row.querySelector(sel)?.textContent?.trim() ?? '')
          .filter(Boolean)
          .join(' '),
      ),
    );
}

/** The welcome text a view shows instead of a tree. */
export function welcome(page: Page, view: ViewKey): Locator {
  return pane(page, view).locator('.welcome-view-content');
}

/**
 * Signs in from the welcome view's "Sign In" button through the hub's own login and consent pages, in the
 * tab VS Code opens, as a person would; resolves once the status bar names the account.
 */
export async function signInThroughHub(
  page: Page,
  context: BrowserContext,
  login: { user: string; password: string; host: string },
  shots?: { prefix: string },
): Promise<void> {
  await openHubNotebooks(page);
  const signIn = welcome(page, 'mine').locator('a', { hasText: /^Sign In$/ });
  await signIn.waitFor();
  const popup = context.waitForEvent('page', { timeout: 30_000 });
  await signIn.click();
  // VS Code asks before an extension signs in with a provider the first time ("Allow"), and before it opens
  // a site outside its trusted domains ("Open"), as it would for a real hub.
  await answerDialogs(page, ['Allow', 'Open'], popup);
  const tab = await popup;
  await tab.waitForURL(/\/hub\/login/, { timeout: 30_000 });
  if (shots) await screenshot(tab, `${shots.prefix}-hub-login`);
  const authorize = tab.locator('input[type="submit"][value="Authorize"], button:has-text("Authorize")');
  // JupyterHub 5.5.4 now and then serves its login page without the _xsrf cookie, and that login is refused
  // (test/integration/support/hubBrowser.ts); the refusal shows the form again, so a person types it again.
  for (let attempt = 0; attempt < 2; attempt++) {
    await tab.fill('input[name="username"]', login.user);
    await tab.fill('input[name="password"]', login.password);
    const [answer] = await Promise.all([
      tab.waitForResponse((r) => r.request().method() === 'POST' && /\/hub\/login/.test(r.url())),
      tab.click('[type="submit"]'),
    ]);
    if (answer.status() !== 403) break;
  }
  await authorize
    .first()
    .waitFor({ timeout: 30_000 })
    .catch(async (err: unknown) => {
      await screenshot(tab, `failed-consent-${login.user}`);
      throw new Error(`no consent page at ${new URL(tab.url()).pathname}: ${String(err)}`);
    });
  if (shots) await screenshot(tab, `${shots.prefix}-hub-consent`);
  await authorize.first().click();
  await page.bringToFront();
  await accountStatus(page, login)
    .waitFor({ timeout: 30_000 })
    .catch(async (err: unknown) => {
      await screenshot(page, `failed-after-consent-${login.user}`);
      throw new Error(`not signed in; the sign-in tab is at ${new URL(tab.url()).pathname}: ${String(err)}`);
    });
  await tab.close();
}

/** The status bar entry naming the signed-in account. */
export function accountStatus(page: Page, login: { user: string; host: string }): Locator {
  return page
    .locator('.statusbar-item', { hasText: new RegExp(`${login.user} @ ${escapeRegExp(login.host)}`) })
    .first();
}

/** The notebook editor on screen (VS Code keeps hidden ones in the DOM). */
export function notebookEditor(page: Page): Locator {
  return page.locator('.notebook-editor:visible');
}

/** The document inside the visible notebook's output webview. */
export function outputFrame(page: Page): FrameLocator {
  return page.frameLocator('.notebook-editor:visible iframe.webview.ready').frameLocator('#active-frame');
}

/** Waits for the editor tab with this label to be the active one. */
export async function activeTab(page: Page, label: string): Promise<Locator> {
  const tab = page.locator('.tabs-container .tab.active', { hasText: label });
  await tab.waitFor({ timeout: 30_000 });
  return tab;
}

/**
 * Focuses cell `index` (0-based) of the active notebook in command mode, as a keyboard user would: focus the
 * editor, "Notebook: Focus First Cell", then Down until the focused row is the one. Returns that cell's row.
 * (Clicks are no good here: the list renders only the rows near the viewport, and a markdown cell's
 * rendering lives in the output webview.)
 */
export async function focusCell(page: Page, index: number): Promise<Locator> {
  const editor = notebookEditor(page);
  const focusedAt = async (): Promise<number> =>
    Number(await editor.locator('.monaco-list-row.focused').first().getAttribute('aria-posinset'));
  // The palette offers notebook commands only while the notebook has focus; after an open from a tree or the
  // quick pick, focus can still be there, or in the output webview.
  // Focusing the editor group usually gives it; if not yet, the palette is closed and focus asked again.
  for (let attempt = 1; ; attempt++) {
    try {
      await runCommand(page, 'View: Focus First Editor Group');
      await runCommand(page, 'Notebook: Focus First Cell', 3000);
      break;
    } catch (err) {
      if (attempt === 4) throw err;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
    }
  }
  for (let tries = 0; tries < 20; tries++) {
    const at = (await focusedAt()) - 1;
    if (at === index) break;
    await page.keyboard.press(at < index ? 'ArrowDown' : 'ArrowUp');
  }
  const row = editor.locator(`.monaco-list-row[aria-posinset="${index + 1}"]`);
  await row.and(page.locator('.focused')).waitFor({ state: 'attached', timeout: 5000 });
  return row;
}

/** The text of a code cell's editor (Monaco renders spaces as non-breaking ones). */
export async function cellText(row: Locator): Promise<string> {
  return (await row.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
}

/** Clicks "Run All" on the notebook's toolbar. */
export async function runAll(page: Page): Promise<void> {
  await notebookEditor(page)
    .locator('.notebook-toolbar-container .action-item', { hasText: /^\s*Run All\s*$/ })
    .first()
    .click();
}
