// Authoring in a real VS Code (code-server in Debian Chromium) against a real JupyterHub and the service, as
// alice: New Notebook from Template shows the header's findings; a quick fix assigns a parameter; a fake key
// typed into a cell is found and replaced by a read of the environment; the team key printed by a cell is
// saved as [REDACTED]; a local notebook goes to the hub with Move to Hub; a drag in the tree moves it into a
// folder; a checkpoint is restored. A screenshot marks each step (test-results/e2e/authoring-*.png).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test as nodeTest } from 'node:test';
import type { Page } from 'playwright-core';

import { TEAM_API_KEY } from '../hub/settings';
import { adminClient } from '../integration/clients';
import { freePort } from '../support/ports';
import { startCodeServer, type CodeServerHandle } from './harness/codeServer';
import {
  activeTab,
  focusCell,
  notebookEditor,
  openHubNotebooks,
  outputFrame,
  signInThroughHub,
  treeRow,
} from './harness/hubUi';
import { answerDialogs, openWorkbench, runCommand, screenshot, type Workbench } from './harness/workbench';
import { startHub, type HubFlavor, type HubHandle } from '../hub/harness';
import { hubEnv } from '../hub/fixture';

const VSIX = path.resolve(__dirname, '..', '..', 'dist', 'hub-notebooks.vsix');
const FLAVOR = (process.env['HUB_E2E_FLAVOR'] ?? 'pypi') as HubFlavor;
const HOST = '127.0.0.2';
const ID = crypto.randomBytes(3).toString('hex');
const HOME = '/home/alice';
const NOTEBOOK = `e2e-auth-${ID}`;
const LOCAL = `e2e-local-${ID}.ipynb`;
const FOLDER = `e2e-dir-${ID}`;
// A fake GitHub token: the shape secretlint knows (ghp_ and 36 characters), the value nobody's.
const FAKE_KEY = `ghp_${'A1b2C3d4E5'.repeat(3)}xYz789`;
const STEP = { timeout: 180_000 };
const PREFIX = FLAVOR === 'pypi' ? 'authoring' : `${FLAVOR}-authoring`;
const shot = (page: Page, name: string) => screenshot(page, `${PREFIX}-${name}`);

let hub: HubHandle;
let cs: CodeServerHandle;
let wb: Workbench;

function test(name: string, body: () => Promise<void>): void {
  nodeTest(name, STEP, async () => {
    try {
      await body();
    } catch (err) {
      if (wb) await shot(wb.page, `failed-${name.slice(0, 40)}`).catch(() => undefined);
      throw err;
    }
  });
}

before(async () => {
  const port = await freePort();
  hub = await startHub({
    flavor: FLAVOR,
    publicHost: HOST,
    serviceEnv: {
      HUB_NOTEBOOKS_ALLOWED_REDIRECT_ORIGINS: `http://127.0.0.1:${port}`,
      HUB_NOTEBOOKS_HANDOFF_TTL_SECONDS: '60',
    },
  });
  Object.assign(process.env, hubEnv(hub));
  // Starting a server from VS Code is the main journeys' part; this file starts with alice's running.
  await adminClient(hub).startServer('alice');
  cs = await startCodeServer({
    vsix: VSIX,
    port,
    userSettings: { 'hubNotebooks.hubs': [`${hub.url}/`], 'files.autoSave': 'off' },
  });
  fs.writeFileSync(path.join(cs.workspaceDir, LOCAL), localNotebook());
  wb = await openWorkbench(cs);
});

after(async () => {
  try {
    await wb?.close();
    await cs?.stop();
    if (hub)
      await adminClient(hub)
        .stopServer('alice')
        .catch(() => undefined);
    await hub?.stop();
  } finally {
    for (const dir of [HOME, path.join(HOME, '.ipynb_checkpoints')]) {
      for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
        if (name.includes(ID)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
      }
    }
  }
});

function localNotebook(): string {
  const nb = {
    cells: [{ cell_type: 'markdown', id: 'a1', metadata: {}, source: ['# Laptop notebook\n'] }],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
  return `${JSON.stringify(nb, null, 1)}\n`;
}

/** The Problems panel's rows, as text. */
async function problems(page: Page): Promise<string[]> {
  return page.locator('.markers-panel .monaco-list-row').allInnerTexts();
}

async function showProblems(page: Page): Promise<void> {
  await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
  await page.locator('.markers-panel').waitFor();
}

/**
 * Opens the problem's place in the editor (Enter on a row of the Problems panel moves the focus there, where a
 * click only previews it), then the quick fixes at the cursor, and applies the one titled `title`.
 */
async function applyFix(page: Page, problem: RegExp, title: string | RegExp): Promise<void> {
  // The menu's pointer block takes clicks while it opens; the keyboard picks the row, as a user can.
  const focused = page.locator('.action-widget .monaco-list-row.focused .title');
  // The editor takes the focus a moment after Enter; until it has it, Ctrl+. opens nothing: ask again.
  for (let attempt = 1; ; attempt++) {
    await page.locator('.markers-panel .monaco-list-row', { hasText: problem }).first().click();
    await page.keyboard.press('Enter');
    await page.waitForTimeout(700 * attempt);
    await page.keyboard.press('Control+.');
    const shown = await focused.waitFor({ timeout: 5000 }).then(
      () => true,
      () => false,
    );
    if (shown) break;
    if (attempt === 3) throw new Error('the quick fixes did not open');
    await page.keyboard.press('Escape');
  }
  for (let i = 0; i < 12; i++) {
    const text = (await focused.textContent()) ?? '';
    if (typeof title === 'string' ? text.includes(title) : title.test(text)) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no quick fix titled ${String(title)}`);
}

const onDisk = (name: string) => fs.readFileSync(path.join(HOME, name), 'utf8');

test('alice signs in', async () => {
  await openHubNotebooks(wb.page);
  await signInThroughHub(wb.page, wb.context, { user: 'alice', password: hub.passwords.alice, host: HOST });
  await treeRow(wb.page, 'mine', 'analysis.ipynb').waitFor({ timeout: 60_000 });
});

test("New Notebook from Template: the team's header, and its findings in Problems", async () => {
  const page = wb.page;
  await runCommand(page, 'Hub Notebooks: New Notebook from Template');
  const box = page.locator('.quick-input-widget input');
  await box.waitFor();
  await box.fill(NOTEBOOK);
  await page.keyboard.press('Enter');
  await activeTab(page, `${NOTEBOOK}.ipynb`);
  assert.match(onDisk(`${NOTEBOOK}.ipynb`), /## Purpose/);
  await showProblems(page);
  await page
    .locator('.markers-panel .monaco-list-row', { hasText: /Purpose/ })
    .first()
    .waitFor({ timeout: 30_000 });
  const rows = await problems(page);
  assert.ok(
    rows.some((r) => /PARAM_1/.test(r)),
    rows.join('\n'),
  );
  await shot(page, '01-template-and-header-findings');
  await runCommand(page, 'Hub Notebooks: Create Checkpoint');
  await page
    .locator('.notifications-toasts', { hasText: /Created a checkpoint/ })
    .waitFor({ timeout: 30_000 });
});

test('a quick fix assigns PARAM_1 in the parameters cell, and its finding goes', async () => {
  const page = wb.page;
  await applyFix(page, /PARAM_1 is listed/, /Assign PARAM_1 in the parameters cell/);
  await page.waitForFunction(
    () =>
      !Array.from(document.querySelectorAll('.markers-panel .monaco-list-row')).some((r) =>
        /PARAM_1 is/.test(r.textContent ?? ''),
      ),
    undefined,
    { timeout: 30_000 },
  );
  await shot(page, '02-quick-fix-assigned-parameter');
});

test('a fake key typed into a cell is found; the fix reads it from the environment, and the finding goes', async () => {
  const page = wb.page;
  const row = await focusCell(page, 1);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type(`api_key = "${FAKE_KEY}"`);
  await showProblems(page);
  await page
    .locator('.markers-panel .monaco-list-row', { hasText: /GitHub personal access token/ })
    .first()
    .waitFor({ timeout: 30_000 });
  const rows = await problems(page);
  assert.ok(!rows.some((r) => r.includes(FAKE_KEY)), 'the finding does not show the key');
  await shot(page, '03-secret-found');
  await applyFix(page, /GitHub personal access token/, /from the environment/);
  await page
    .locator('.notifications-toasts', { hasText: /Spawner\.environment/ })
    .waitFor({ timeout: 15_000 });
  assert.match(await row.innerText(), /os\.environ\["API_KEY"\]/);
  await page.waitForFunction(
    (key) =>
      !Array.from(document.querySelectorAll('.markers-panel .monaco-list-row')).some(
        (r) => /GitHub/.test(r.textContent ?? '') || (r.textContent ?? '').includes(key),
      ),
    FAKE_KEY,
    { timeout: 30_000 },
  );
  await shot(page, '04-secret-fixed');
  await page.keyboard.press('Control+S');
  await page.waitForFunction(() => !document.querySelector('.tab.active.dirty'), undefined, {
    timeout: 30_000,
  });
  assert.ok(!onDisk(`${NOTEBOOK}.ipynb`).includes(FAKE_KEY), 'the key never reached the file');
  assert.match(onDisk(`${NOTEBOOK}.ipynb`), /os\.environ\[\\"API_KEY\\"\]/);
});

test('the team key printed by a cell shows, and is saved, as [REDACTED]', async () => {
  const page = wb.page;
  await focusCell(page, 1);
  // "+ Code" adds a code cell below the focused one, in edit mode.
  await notebookEditor(page)
    .locator('.notebook-toolbar-container .action-item', { hasText: /^\s*Code\s*$/ })
    .first()
    .click();
  await page.waitForTimeout(500);
  await page.keyboard.type("import os\nprint('key:', os.environ['TEAM_API_KEY'])");
  // Shift+Enter runs the cell from its editor (Ctrl+Enter there inserts a line).
  await page.keyboard.press('Shift+Enter');
  const picker = page.locator('.quick-input-widget', { hasText: /kernel/i });
  await picker
    .locator('.monaco-list-row', { hasText: 'hub: alice' })
    .first()
    .click({ timeout: 10_000 })
    .catch(() => undefined);
  await outputFrame(page)
    .locator('.output-stream', { hasText: 'key: [REDACTED]' })
    .waitFor({ timeout: 90_000 });
  await shot(page, '05-team-key-redacted');
  await page.keyboard.press('Control+S');
  await page.waitForFunction(() => !document.querySelector('.tab.active.dirty'), undefined, {
    timeout: 30_000,
  });
  const saved = onDisk(`${NOTEBOOK}.ipynb`);
  assert.ok(!saved.includes(TEAM_API_KEY), 'the value never reached the file');
  assert.match(saved, /key: \[REDACTED\]/);
});

test('Move to Hub: the local notebook goes to My Notebooks, and the local copy once the hub copy reads back', async () => {
  const page = wb.page;
  const local = path.join(cs.workspaceDir, LOCAL);
  const bytes = fs.readFileSync(local);
  await runCommand(page, 'View: Show Explorer');
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: LOCAL });
  await row.waitFor({ timeout: 15_000 });
  await row.click({ button: 'right' });
  // The menu's pointer block can take a click while it opens: hover the entry, then choose it by keyboard.
  await page.locator('.context-view .action-label', { hasText: /^Move to Hub$/ }).hover();
  await page.keyboard.press('Enter');
  const pick = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'My Notebooks' });
  await pick.first().click({ timeout: 30_000 });
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'reads back byte for byte' });
  await dialog.waitFor({ timeout: 60_000 });
  await shot(page, '06-move-to-hub-verified');
  // code-server's file system has no trash for the workspace: a second question asks to delete for good.
  const deleted = (async () => {
    for (let i = 0; i < 50 && fs.existsSync(local); i++) await page.waitForTimeout(200);
  })();
  await dialog.locator('.monaco-button', { hasText: /^Delete Local Copy$/ }).click();
  await answerDialogs(page, ['Delete Permanently'], deleted);
  for (let i = 0; i < 50 && fs.existsSync(local); i++) await page.waitForTimeout(200);
  assert.ok(!fs.existsSync(local), 'the local copy is gone');
  assert.ok(fs.readFileSync(path.join(HOME, LOCAL)).equals(bytes), 'the hub copy is the local bytes');
});

test('a drag in My Notebooks moves the uploaded notebook into a new folder', async () => {
  const page = wb.page;
  await runCommand(page, 'Hub Notebooks: New Folder…');
  const box = page.locator('.quick-input-widget input');
  await box.waitFor();
  await box.fill(FOLDER);
  await page.keyboard.press('Enter');
  await openHubNotebooks(page);
  const source = treeRow(page, 'mine', LOCAL);
  const target = treeRow(page, 'mine', FOLDER);
  await source.waitFor({ timeout: 30_000 });
  await target.waitFor({ timeout: 30_000 });
  await source.dragTo(target);
  const moved = path.join(HOME, FOLDER, LOCAL);
  for (let i = 0; i < 75 && !fs.existsSync(moved); i++) await page.waitForTimeout(200);
  assert.ok(fs.existsSync(moved), 'moved into the folder on the hub');
  assert.ok(!fs.existsSync(path.join(HOME, LOCAL)));
  await target.click();
  await treeRow(page, 'mine', LOCAL).waitFor({ timeout: 30_000 });
  await shot(page, '07-dragged-into-folder');
});

test('Restore Checkpoint puts back the notebook as it was made, and the editor shows it', async () => {
  const page = wb.page;
  await openHubNotebooks(page);
  const row = treeRow(page, 'mine', `${NOTEBOOK}.ipynb`);
  await row.click();
  await activeTab(page, `${NOTEBOOK}.ipynb`);
  // From the notebook's own menu in My Notebooks; the palette would need the focus out of the cell editor.
  await row.click({ button: 'right' });
  await page.locator('.context-view .action-label', { hasText: /^Restore Checkpoint…$/ }).hover();
  await page.keyboard.press('Enter');
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'to its checkpoint of' });
  await dialog.waitFor({ timeout: 30_000 });
  await shot(page, '08-restore-checkpoint-confirm');
  await dialog.locator('.monaco-button', { hasText: /^Restore$/ }).click();
  await page.locator('.notifications-toasts', { hasText: /Restored/ }).waitFor({ timeout: 30_000 });
  assert.ok(!onDisk(`${NOTEBOOK}.ipynb`).includes('API_KEY'), 'the file is the checkpoint again');
  await page.waitForFunction(
    () =>
      !Array.from(document.querySelectorAll('.notebook-editor .view-lines')).some((l) =>
        /API_KEY/.test(l.textContent ?? ''),
      ),
    undefined,
    { timeout: 30_000 },
  );
  await shot(page, '09-checkpoint-restored');
});

test('Save to Hub: an untitled notebook, with its cell, becomes a notebook in My Notebooks', async () => {
  const page = wb.page;
  await runCommand(page, 'Create: New Jupyter Notebook');
  await activeTab(page, 'Untitled');
  await focusCell(page, 0);
  await page.keyboard.press('Enter');
  await page.keyboard.type(`print("made on ${ID}")`);
  await page.keyboard.press('Escape');
  await runCommand(page, 'Hub Notebooks: Save to Hub…');
  const box = page.locator('.quick-input-widget input');
  await box.waitFor();
  await box.fill(`e2e-saved-${ID}.ipynb`);
  await page.keyboard.press('Enter');
  await activeTab(page, `e2e-saved-${ID}.ipynb`);
  const saved = onDisk(`e2e-saved-${ID}.ipynb`);
  assert.match(saved, new RegExp(`made on ${ID}`));
  await shot(page, '10-saved-to-hub');
});
