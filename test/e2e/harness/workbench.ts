// Drives the code-server workbench in Debian's Chromium through playwright-core (which downloads no browser:
// never run `npx playwright install`), with a fresh browser profile per window.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { chromium, type BrowserContext, type Page } from 'playwright-core';

import type { CodeServerHandle } from './codeServer';

/** Debian's chromium package; Playwright's own builds cannot be downloaded here. */
export const CHROMIUM = process.env['HUB_CHROMIUM'] ?? '/usr/bin/chromium';
/** Where screenshots go (gitignored). */
export const RESULTS_DIR = path.resolve(__dirname, '..', '..', '..', 'test-results', 'e2e');

// Measured to work headless as root in a container: no sandbox (root), no GPU, no /dev/shm (small in
// containers), and nothing that phones home.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
const WORKBENCH_TIMEOUT_MS = 60_000;

export interface WorkbenchOptions {
  folder?: string; // absolute path on the code-server machine; the handle's workspaceDir when absent
  payload?: [string, string][]; // VS Code's `payload` query parameter, e.g. extensionTestsPath
  expose?: Record<string, (...args: never[]) => unknown>; // page.exposeFunction'd before the page loads
  waitForWorkbench?: boolean; // default true
}

export interface Workbench {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>; // idempotent: closes the browser and removes its profile
}

/** Open code-server's workbench (`/?folder=…&payload=…`) in a fresh headless Chromium. */
export async function openWorkbench(
  cs: CodeServerHandle,
  options: WorkbenchOptions = {},
): Promise<Workbench> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-notebooks-chromium-'));
  // Chromium dies with our process (Playwright owns its pipe), but its profile dir would stay behind.
  const removeProfile = (): void => fs.rmSync(profile, { recursive: true, force: true });
  process.once('exit', removeProfile);
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
    });
  } catch (err) {
    process.removeListener('exit', removeProfile);
    removeProfile();
    throw err;
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= context.close().finally(() => {
      process.removeListener('exit', removeProfile);
      removeProfile();
    });
    return closing;
  };
  try {
    // A persistent context opens with one blank page already: use it rather than leave it behind.
    const page = context.pages()[0] ?? (await context.newPage());
    for (const [name, fn] of Object.entries(options.expose ?? {})) await page.exposeFunction(name, fn);
    await page.goto(workbenchUrl(cs, options));
    if (options.waitForWorkbench ?? true)
      await page.locator('.monaco-workbench').waitFor({ timeout: WORKBENCH_TIMEOUT_MS });
    return { context, page, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The workbench URL for a folder and an optional payload, as VS Code's web embedder reads them. */
export function workbenchUrl(cs: CodeServerHandle, options: WorkbenchOptions = {}): string {
  const params = new URLSearchParams({ folder: options.folder ?? cs.workspaceDir });
  if (options.payload) params.set('payload', JSON.stringify(options.payload));
  return `${cs.url}/?${params.toString()}`;
}

/** Run a command palette entry by its title (category included, e.g. "Hub Notebooks: Show Log"). */
export async function runCommand(page: Page, title: string, timeoutMs = 10_000): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await page.keyboard.press('F1');
  await widget.waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type(title);
  // The palette sorts fuzzy matches its own way ("View: Close Editor" comes after "View: Close All Editor
  // Groups"): pick the row whose label is exactly the title.
  const exact = new RegExp(`^${escapeRegExp(title)}$`);
  const row = widget.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: exact }) });
  await row.first().click({ timeout: timeoutMs });
}

/** The messages of the notification toasts on screen now. */
export async function notifications(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
}

/** Save a PNG of the page as test-results/e2e/<name>.png and return its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Clicks the named buttons of modal dialogs as they come, until `done` settles. */
export async function answerDialogs(page: Page, buttons: string[], done: Promise<unknown>): Promise<void> {
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

/** `text` as a regular expression that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
