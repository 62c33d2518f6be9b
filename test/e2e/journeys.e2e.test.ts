// UI journeys in a real VS Code (code-server 4.100.3 in Debian Chromium), against a real JupyterHub and the
// hub-notebooks service, with the extension installed from the VSIX users get. The journeys build on each
// other, in order, in one window: sign in, browse, open a supported notebook, run a notebook, edit and save,
// run a teammate's notebook, sign out (and sign in as dave, who has no team). A screenshot marks each key
// step (test-results/e2e/). HUB_E2E_FLAVOR=debian3 runs them against Debian's JupyterHub 3.0.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test as nodeTest } from 'node:test';

import { createContentsClient } from '../../src/core/contents';
import type { Locator, Page } from 'playwright-core';

import { createCatalogClient } from '../../src/core/catalog';
import { createHubTransport, type HubTransport } from '../../src/core/hub';
import { extensionTokenScopes } from '../../src/service/config';
import { adminClient } from '../integration/clients';
import { freePort } from '../support/ports';
import { extensionLogText, startCodeServer, type CodeServerHandle } from './harness/codeServer';
import {
  accountStatus,
  activeTab,
  cellText,
  focusCell,
  notebookEditor,
  openHubNotebooks,
  outputFrame,
  runAll,
  signInThroughHub,
  treeRow,
  treeTexts,
  welcome,
} from './harness/hubUi';
import {
  RESULTS_DIR,
  escapeRegExp,
  answerDialogs,
  openWorkbench,
  runCommand,
  screenshot,
  type Workbench,
} from './harness/workbench';
import { SERVICE_NAME, startHub, type HubFlavor, type HubHandle } from '../hub/harness';
import { hubEnv } from '../hub/fixture';
import { SANDBOX_VERSIONS, seedSupportedNotebooks } from '../hub/seedCatalog';

const VSIX = path.resolve(__dirname, '..', '..', 'dist', 'hub-notebooks.vsix');
const FLAVOR = (process.env['HUB_E2E_FLAVOR'] ?? 'pypi') as HubFlavor;
const HOST = '127.0.0.2';
const ID = crypto.randomBytes(3).toString('hex');
// The journeys' own notebooks are written only after the browse screenshot, which shows a team's hub as a
// user sees it: the sandbox's sample notebooks (test/hub/notebooks/) in alice's home and in bob's.
const SAMPLE_NOTEBOOKS = ['analysis.ipynb', 'notes.ipynb', 'team-key.ipynb', 'welcome.ipynb'];
const OWN_NOTEBOOK = /^e2e-(run|whoami|copy)-/; // this file's notebooks, of any run
const RUN_NOTEBOOK = `e2e-run-${ID}.ipynb`; // alice's: Run All, then edit and save
const WHOAMI_NOTEBOOK = `e2e-whoami-${ID}.ipynb`; // bob's, run by alice
const COPY_NOTEBOOK = `e2e-copy-${ID}.ipynb`; // alice's "Save a Copy" of bob's
const CREATED = [
  `/home/alice/${RUN_NOTEBOOK}`,
  `/home/bob/${WHOAMI_NOTEBOOK}`,
  `/home/alice/${COPY_NOTEBOOK}`,
];
const STEP = { timeout: 180_000 };
/** Screenshots of a run against another flavour than the default are told apart by a prefix. */
const SHOT_PREFIX = FLAVOR === 'pypi' ? '' : `${FLAVOR}-`;
const shot = (page: Page, name: string): Promise<string> => screenshot(page, `${SHOT_PREFIX}${name}`);

/** A journey step; when it fails, a screenshot of the window shows where (failed-<step>.png). */
function test(name: string, options: { timeout: number }, body: () => Promise<void>): void {
  nodeTest(name, options, async () => {
    try {
      await body();
    } catch (err) {
      if (wb) await shot(wb.page, `failed-${name.slice(0, 40)}`).catch(() => undefined);
      throw err;
    }
  });
}

let hub: HubHandle;
let cs: CodeServerHandle;
let wb: Workbench;

before(async () => {
  const port = await freePort();
  // The service must accept code-server's origin as a redirect target: asExternalUri maps the extension's
  // vscode:// callback to http://127.0.0.1:<code-server port>/callback?vscode-…
  hub = await startHub({
    flavor: FLAVOR,
    publicHost: HOST,
    serviceEnv: {
      HUB_NOTEBOOKS_ALLOWED_REDIRECT_ORIGINS: `http://127.0.0.1:${port}`,
      HUB_NOTEBOOKS_HANDOFF_TTL_SECONDS: '60',
    },
  });
  Object.assign(process.env, hubEnv(hub));
  await seedSupportedNotebooks(hub);
  cs = await startCodeServer({
    vsix: VSIX,
    port,
    // VS Code in the browser saves after a delay by default; desktop VS Code does not, and the journeys save
    // with Ctrl+S as desktop users do.
    userSettings: { 'hubNotebooks.hubs': [`${hub.url}/`], 'files.autoSave': 'off' },
  });
  wb = await openWorkbench(cs);
});

after(async () => {
  try {
    await wb?.close();
    await cs?.stop();
    if (aliceToken)
      await adminClient(hub)
        .revokeToken('alice', aliceToken.id)
        .catch(() => undefined);
    if (hub)
      await adminClient(hub)
        .stopServer('alice')
        .catch(() => undefined);
    await hub?.stop();
  } finally {
    // Even when stopping something failed: the notebooks this file made must not stay in the demo homes.
    for (const file of CREATED) fs.rmSync(file, { force: true });
    // Saves through her server leave jupyter_server checkpoints behind.
    for (const home of ['/home/alice', '/home/bob']) {
      const checkpoints = path.join(home, '.ipynb_checkpoints');
      for (const name of fs.existsSync(checkpoints) ? fs.readdirSync(checkpoints) : [])
        if (name.includes(ID)) fs.rmSync(path.join(checkpoints, name), { force: true });
    }
  }
});

// ---------------------------------------------------------------------------------------------------------

test(
  'sign in: the welcome button opens the hub login in a new tab, and VS Code gets the account',
  STEP,
  async () => {
    const page = wb.page;
    await openHubNotebooks(page);
    await welcome(page, 'mine')
      .locator('a', { hasText: /^Sign In$/ })
      .waitFor();
    // The pointer leaves the activity bar icon it clicked, so its tooltip is not in the screenshot.
    await page.mouse.move(700, 450);
    await page.locator('.workbench-hover-container').waitFor({ state: 'hidden', timeout: 5000 });
    await shot(page, '01-welcome');
    await signInThroughHub(
      page,
      wb.context,
      { user: 'alice', password: hub.passwords.alice, host: HOST },
      { prefix: `${SHOT_PREFIX}02` },
    );
    assert.equal(await hubNotebookTokens('alice'), 1, 'the hub holds one Hub Notebooks token for alice');

    await page.locator('.activitybar .action-item a[aria-label^="Accounts"]').click();
    const account = page.locator('.context-view .action-label', {
      hasText: new RegExp(`alice @ ${escapeRegExp(HOST)}.*Hub Notebooks`),
    });
    await account.first().waitFor({ timeout: 10_000 });
    await animationsDone();
    await shot(page, '03-accounts-menu');
    await page.keyboard.press('Escape');
    // The trees fill: the team and the supported notebooks come from the service.
    await treeRow(page, 'team', 'bob').waitFor({ timeout: 30_000 });
    await treeRow(page, 'supported', 'monthly-sales').waitFor({ timeout: 30_000 });
  },
);

test('browse: my notebooks, bob under Team, supported notebooks with their versions', STEP, async () => {
  const page = wb.page;
  // Her server is stopped at first: the view says so and offers to start it.
  const start = welcome(page, 'mine').locator('a', { hasText: /^Start Server$/ });
  await start.waitFor({ timeout: 30_000 });
  await start.click();
  await treeRow(page, 'mine', 'welcome.ipynb').waitFor({ timeout: 90_000 });
  const mine = await treeTexts(page, 'mine');
  for (const name of SAMPLE_NOTEBOOKS)
    assert.ok(mine.includes(name), `My Notebooks lists ${name}: ${mine.join(' | ')}`);

  await treeRow(page, 'team', 'bob').click();
  await treeRow(page, 'team', 'welcome.ipynb').waitFor({ timeout: 30_000 });
  const team = await treeTexts(page, 'team');
  for (const name of SAMPLE_NOTEBOOKS)
    assert.ok(
      team.some((t) => t === name || t.startsWith(`${name} `)),
      `bob's ${name} is listed: ${team.join(' | ')}`,
    );
  assert.ok(
    team.some((t) => t.startsWith('analysis.ipynb Analysis by bob')),
    team.join(' | '),
  );
  assert.ok(!team.some((t) => t.startsWith('dave')), 'dave shares no group with alice');
  // The screenshot shows the hub as a user sees it: no notebook of this file's, of this run or a killed one.
  for (const rows of [mine, team])
    assert.ok(
      !rows.some((t) => OWN_NOTEBOOK.test(t)),
      `no e2e notebook in the trees (leftovers in the demo homes?): ${rows.join(' | ')}`,
    );

  await treeRow(page, 'supported', 'monthly-sales').click();
  const current = SANDBOX_VERSIONS[SANDBOX_VERSIONS.length - 1] ?? '';
  await treeRow(page, 'supported', current).waitFor({ timeout: 30_000 });
  const supported = await treeTexts(page, 'supported');
  assert.ok(
    supported.some((t) => t.startsWith('monthly-sales Monthly sales by region')),
    supported.join(' | '),
  );
  for (const version of SANDBOX_VERSIONS) {
    const row = supported.find((t) => t.startsWith(`${version} `));
    assert.ok(row, `version ${version} is listed: ${supported.join(' | ')}`);
    assert.equal(/current/.test(row), version === current, `only ${current} is marked current: ${row}`);
  }
  await shot(page, '04-signed-in-trees');
});

test('Open Supported Notebook: F1, pick it by its purpose; it opens read-only', STEP, async () => {
  const page = wb.page;
  await runCommand(page, 'Hub Notebooks: Open Supported Notebook');
  const picker = page.locator('.quick-input-widget');
  await picker.locator('.monaco-list-row').first().waitFor({ timeout: 30_000 });
  // "flag regions" is only in monthly-sales' Purpose, not in its title or name.
  await page.keyboard.type('flag regions');
  const rows = picker.locator('.monaco-list-row');
  await rows.filter({ hasText: 'Monthly sales by region' }).first().waitFor();
  assert.equal(await rows.count(), 1, `one match: ${(await rows.allInnerTexts()).join(' | ')}`);
  await shot(page, '05-open-supported-quick-pick');
  await page.keyboard.press('Enter');
  const current = SANDBOX_VERSIONS[SANDBOX_VERSIONS.length - 1] ?? '';
  // The tab reads the notebook's name, not its version (issue 14 §6).
  const tab = await activeTab(page, 'monthly-sales.ipynb');
  assert.equal(await isReadOnlyTab(tab), true, 'the tab is marked read-only');
  const published = await supportedBytes('monthly-sales', current);

  // Type into the parameters cell and save: the editor refuses the edit, and nothing reaches the store.
  await typeIntoReadOnlyCellAndSave(1, 'EDITED = True\n');
  await shot(page, '06-supported-read-only');
  assert.ok((await supportedBytes('monthly-sales', current)).equals(published), 'the store is unchanged');
  await closeEditor();
});

test(
  'Run All on a hub kernel: text, a PNG, input() through the input box, an error traceback',
  STEP,
  async () => {
    const page = wb.page;
    // The journey's own notebook, written now (after the browse screenshot); the tree shows it on refresh.
    writeNotebook('alice', RUN_NOTEBOOK, runNotebookCells());
    await runCommand(page, 'Hub Notebooks: Refresh My Notebooks');
    await treeRow(page, 'mine', RUN_NOTEBOOK).waitFor({ timeout: 30_000 });
    await treeRow(page, 'mine', RUN_NOTEBOOK).click();
    await activeTab(page, RUN_NOTEBOOK);
    await runAll(page);
    await pickHubKernelIfAsked();
    const input = page.locator('.quick-input-widget', { hasText: 'Your name?' });
    await input.waitFor({ timeout: 90_000 });
    assert.match(await input.innerText(), /The kernel asks for input/);
    await page.keyboard.type('Ada');
    await page.keyboard.press('Enter');

    // The last cell fails; bring it on screen so its output renders.
    const last = await focusCell(page, 4);
    await last.locator('.codicon-notebook-state-error, .codicon-error').first().waitFor({ timeout: 60_000 });
    const out = outputFrame(page);
    await out.locator('.output.error', { hasText: 'ZeroDivisionError' }).waitFor({ timeout: 30_000 });
    await out.locator('.output-stream', { hasText: 'answered: Ada' }).waitFor();
    // The screenshots show the notebook, not the trees that list the journey's own notebook; wider, it
    // reflows, so it is scrolled to its end again for the last cell's traceback.
    await setSideBarVisible(false);
    await scrollNotebookToEnd(last);
    await out.locator('.output.error', { hasText: 'ZeroDivisionError' }).waitFor();
    await out.locator('.output-stream', { hasText: 'answered: Ada' }).waitFor();
    await shot(page, '07-notebook-outputs');
    await focusCell(page, 1);
    await out.locator('.output-stream', { hasText: 'hello from alice' }).waitFor();
    const image = out.locator('.output img').first();
    await image.waitFor();
    const size = await image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
    assert.deepEqual(size, [64, 32], 'the PNG the kernel built is decoded by the browser');
    await out.locator('.output-stream', { hasText: 'a PNG built with plain Python' }).waitFor();
    await shot(page, '08-notebook-outputs-top');
    await setSideBarVisible(true);
  },
);

test('edit and save my notebook: the change is on the hub and there when it is reopened', STEP, async () => {
  const page = wb.page;
  const marker = `# edited in VS Code ${ID}`;
  const cell = await focusCell(page, 1);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+End');
  await page.keyboard.type(`\n${marker}`);
  await page.keyboard.press('Escape');
  const dirty = page.locator('.tabs-container .tab.active.dirty');
  await dirty.waitFor({ state: 'attached', timeout: 10_000 });
  await page.keyboard.press('Control+s');
  await dirty.waitFor({ state: 'detached', timeout: 30_000 });
  assert.match(await cellText(cell), new RegExp(marker));

  const onHub = JSON.parse(await readAliceFile(RUN_NOTEBOOK)) as { cells: { source: string | string[] }[] };
  const source = onHub.cells[1]?.source ?? '';
  assert.match(
    Array.isArray(source) ? source.join('') : source,
    new RegExp(marker),
    'the contents API has it',
  );

  await closeEditor();
  await treeRow(page, 'mine', RUN_NOTEBOOK).click();
  await activeTab(page, RUN_NOTEBOOK);
  await page.waitForTimeout(1000);
  assert.equal(
    await page.locator('.tabs-container .tab.active.dirty').count(),
    0,
    'reopened, it is not dirty',
  );
  const reopened = await focusCell(page, 1);
  assert.match(await cellText(reopened), new RegExp(marker), 'reopened, the cell has it');
  // Seen in code-server 4.100.3 on both hubs: a few seconds after a saved notebook with outputs is reopened,
  // it turns dirty by itself, with nothing changed on screen, no action of ours in the extension's log, and
  // the hub's copy the saved one (probably VS Code's ipynb support syncing metadata). Reported; the close
  // answers "Don't Save" so the next journey starts clean.
  if ((await page.locator('.tabs-container .tab.active.dirty').count()) > 0)
    console.log('# noticed: the reopened notebook turned dirty by itself');
  assert.match(JSON.stringify(JSON.parse(await readAliceFile(RUN_NOTEBOOK))), new RegExp(marker));
  await closeEditor({ discard: true });
});

test(
  "a teammate's notebook runs on alice's kernel, refuses a save, and Save a Copy works",
  STEP,
  async () => {
    const page = wb.page;
    // Bob's notebook, written now (after the browse screenshot); the Team tree shows it on refresh.
    writeNotebook('bob', WHOAMI_NOTEBOOK, [
      markdown(`# Who runs this\n\n## Purpose\nShows whose kernel runs a teammate's notebook.`),
      code("import getpass\nprint('kernel user:', getpass.getuser())"),
    ]);
    const original = fs.readFileSync(`/home/bob/${WHOAMI_NOTEBOOK}`);
    await runCommand(page, 'Hub Notebooks: Refresh Team Notebooks');
    const bob = treeRow(page, 'team', 'bob');
    await bob.waitFor({ timeout: 30_000 });
    if ((await bob.getAttribute('aria-expanded')) !== 'true') await bob.click();
    await treeRow(page, 'team', WHOAMI_NOTEBOOK).waitFor({ timeout: 30_000 });
    await treeRow(page, 'team', WHOAMI_NOTEBOOK).click();
    const tab = await activeTab(page, WHOAMI_NOTEBOOK);
    assert.equal(await isReadOnlyTab(tab), true, 'the tab is marked read-only');
    await runAll(page);
    await pickHubKernelIfAsked();
    // The first run of a teammate's notebook asks whether to run their code as alice.
    const consent = page.locator('.monaco-dialog-box', { hasText: "Run bob's code?" });
    await consent.waitFor({ timeout: 30_000 });
    await shot(page, '09a-run-teammate-code-consent');
    await consent.locator('.monaco-button', { hasText: /^Run$/ }).click();
    await focusCell(page, 1);
    await outputFrame(page)
      .locator('.output-stream', { hasText: 'kernel user: alice' })
      .waitFor({ timeout: 90_000 });
    await setSideBarVisible(false);
    await outputFrame(page).locator('.output-stream', { hasText: 'kernel user: alice' }).waitFor();
    await shot(page, '09-teammate-notebook-on-alice-kernel');
    await setSideBarVisible(true);

    await typeIntoReadOnlyCellAndSave(1, 'bob_would_not_like_this = 1\n');
    assert.ok(fs.readFileSync(`/home/bob/${WHOAMI_NOTEBOOK}`).equals(original), "bob's file is unchanged");

    await page.keyboard.press('Escape');
    await runCommand(page, 'Hub Notebooks: Save a Copy to My Notebooks');
    const box = page.locator('.quick-input-widget', { hasText: 'Save a Copy to My Notebooks' });
    await box.waitFor();
    await page.keyboard.press('Control+a');
    await page.keyboard.type(COPY_NOTEBOOK);
    await page.keyboard.press('Enter');
    await activeTab(page, COPY_NOTEBOOK);
    // My Notebooks follows the change made through the extension: the copy is listed without a Refresh.
    await treeRow(page, 'mine', COPY_NOTEBOOK).waitFor({ timeout: 15_000 });
    const copy = JSON.parse(await readAliceFile(COPY_NOTEBOOK)) as { cells: unknown[] };
    assert.equal(copy.cells.length, 2, "the copy has bob's cells");
    assert.equal(
      fs.statSync(`/home/alice/${COPY_NOTEBOOK}`).uid,
      fs.statSync('/home/alice').uid,
      'the copy is alice’s file',
    );
    await shot(page, '10-saved-copy');
    await closeEditor();
    await closeEditor();
  },
);

test('activation time in code-server, as VS Code measured it (Running Extensions)', STEP, async () => {
  const page = wb.page;
  await runCommand(page, 'Developer: Show Running Extensions');
  const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Hub Notebooks' });
  const time = row.locator('.activation-time');
  await time.waitFor({ timeout: 30_000 });
  const text = await time.innerText();
  const match = /Activation: (\d+)ms/.exec(text);
  assert.ok(match, `an activation time is shown: ${text}`);
  const ms = Number(match[1]);
  // The extension's own marks, in its log: how long its modules took to evaluate, and activate() itself.
  const marks =
    /vscode API ([\d.]+) ms, modules evaluated in ([\d.]+) ms, activate\(\) took ([\d.]+) ms/.exec(
      extensionLog(),
    );
  assert.ok(marks, 'the extension logged its activation marks');
  const [apiMs, evaluatedMs, activateMs] = [Number(marks[1]), Number(marks[2]), Number(marks[3])];
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(
    path.join(RESULTS_DIR, `${SHOT_PREFIX}activation.json`),
    JSON.stringify({ activationMs: ms, text, apiMs, evaluatedMs, activateMs }),
  );
  console.log(
    `# Hub Notebooks activation in code-server: ${ms} ms (${text}); ` +
      `its marks: vscode API ${apiMs} ms, modules evaluated in ${evaluatedMs} ms, activate() ${activateMs} ms`,
  );
  await closeEditor();
});

test('sign out revokes the token and the trees go back to the welcome; dave sees no team', STEP, async () => {
  const page = wb.page;
  await openHubNotebooks(page);
  await runCommand(page, 'Hub Notebooks: Sign Out');
  await page
    .locator('.monaco-dialog-box .monaco-button', { hasText: /^Sign Out$/ })
    .click({ timeout: 10_000 });
  await welcome(page, 'mine')
    .locator('a', { hasText: /^Sign In$/ })
    .waitFor({ timeout: 30_000 });
  await welcome(page, 'team').filter({ hasText: 'to see the notebooks your teammates share' }).waitFor();
  await welcome(page, 'supported').filter({ hasText: "to see your team's supported notebooks" }).waitFor();
  assert.equal(
    await accountStatus(page, { user: 'alice', host: HOST }).count(),
    0,
    'no account in the status bar',
  );
  assert.equal(await hubNotebookTokens('alice'), 0, 'sign-out revoked the token on the hub');
  await shot(page, '11-signed-out');

  // Signing out of VS Code leaves the browser logged in to the hub, as alice: a person logs out there too.
  await wb.context.clearCookies({ domain: HOST });
  await signInThroughHub(page, wb.context, { user: 'dave', password: hub.passwords.dave, host: HOST });
  await welcome(page, 'team')
    .filter({ hasText: 'No teammates share a group with you' })
    .waitFor({ timeout: 30_000 });
  await treeRow(page, 'supported', 'monthly-sales').waitFor({ timeout: 30_000 });
  await shot(page, '12-dave-no-team');
  await runCommand(page, 'Hub Notebooks: Sign Out');
  await page
    .locator('.monaco-dialog-box .monaco-button', { hasText: /^Sign Out$/ })
    .click({ timeout: 10_000 });
  await welcome(page, 'mine')
    .locator('a', { hasText: /^Sign In$/ })
    .waitFor({ timeout: 30_000 });
  assert.equal(await hubNotebookTokens('dave'), 0);
});

test(
  'sign in with an API token through the welcome view, sign out: the token gets 403 (3.0: the user is told to revoke it)',
  STEP,
  async () => {
    const page = wb.page;
    // As made on the hub's token page with no scopes picked: the user's own permissions, which include
    // revoking her own tokens (a token narrowed to the extension's scopes could not revoke itself).
    const made = await adminClient(hub).createToken('alice', {
      note: `hub-notebooks e2e pasted ${ID}`,
      expiresInSeconds: 600,
    });
    const withIt = () =>
      fetch(`${hub.url}/hub/api/user`, { headers: { Authorization: `token ${made.token}` } }).then(
        (r) => r.status,
      );
    assert.equal(await withIt(), 200, 'the pasted token works before');
    const link = welcome(page, 'mine').locator('a', { hasText: /^Sign in with API Token…$/ });
    await link.click();
    // The command opens the hub's token page ("Open" asks VS Code's consent), then asks for the token.
    const box = page.locator('.quick-input-widget', { hasText: 'with an API token' });
    await answerDialogs(page, ['Open'], box.waitFor({ timeout: 30_000 }));
    await box.waitFor();
    await page.keyboard.type(made.token);
    await page.keyboard.press('Enter');
    await accountStatus(page, { user: 'alice', host: HOST }).waitFor({ timeout: 30_000 });
    await runCommand(page, 'Hub Notebooks: Sign Out');
    await page
      .locator('.monaco-dialog-box .monaco-button', { hasText: /^Sign Out$/ })
      .click({ timeout: 10_000 });
    await welcome(page, 'mine')
      .locator('a', { hasText: /^Sign In$/ })
      .waitFor({ timeout: 30_000 });
    if (hub.flavor === 'debian3') {
      // JupyterHub 3.0 does not say which token a pasted one is, so it cannot be revoked from VS Code: the
      // user is told so, with the way to do it on the hub's token page.
      await page
        .locator('.notifications-toasts .notification-list-item-message', {
          hasText: 'could not revoke it',
        })
        .waitFor({ timeout: 30_000 });
      assert.equal(await withIt(), 200, 'on 3.0 the pasted token still works, as the warning says');
      await adminClient(hub).revokeToken('alice', made.id);
      return;
    }
    assert.equal(await withIt(), 403, 'sign-out revoked the token: the next API call with it is refused');
  },
);

// ---------------------------------------------------------------------------------------------------------

/** The journey's own notebook: text, a PNG built with plain Python, input(), and an error last. */
function runNotebookCells(): Cell[] {
  // The demo kernels have no matplotlib; the PNG is built by hand (zlib and struct only).
  const png = [
    'import struct, zlib',
    'from IPython.display import Image',
    "def chunk(kind, data): return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))",
    "rows = b''.join(b'\\x00' + bytes(v for x in range(64) for v in (x * 4, y * 8, 160)) for y in range(32))",
    "ihdr = struct.pack('>IIBBBBB', 64, 32, 8, 2, 0, 0, 0)",
    "display(Image(b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b'')))",
    "print('a PNG built with plain Python')",
  ].join('\n');
  return [
    markdown('# A journey\n\n## Purpose\nRuns text, an image, input and an error on a hub kernel.'),
    code("import getpass\nprint('hello from', getpass.getuser())"),
    code(png),
    code("answer = input('Your name? ')\nprint('answered:', answer)"),
    code('1 / 0'),
  ];
}

interface Cell {
  cell_type: 'markdown' | 'code';
  source: string;
}
const markdown = (source: string): Cell => ({ cell_type: 'markdown', source });
const code = (source: string): Cell => ({ cell_type: 'code', source });

/** Writes a notebook into a demo user's home as the setup script would: theirs, group team, mode 640. */
function writeNotebook(user: string, name: string, cells: Cell[]): void {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' },
      language_info: { name: 'python' },
    },
    cells: cells.map((c, i) => ({
      ...c,
      id: `cell-${i}`,
      metadata: {},
      ...(c.cell_type === 'code' ? { execution_count: null, outputs: [] } : {}),
    })),
  };
  const file = `/home/${user}/${name}`;
  fs.writeFileSync(file, JSON.stringify(notebook, null, 1), { mode: 0o640 });
  const home = fs.statSync(`/home/${user}`); // the user's, group team (test/hub/setup.sh)
  fs.chownSync(file, home.uid, home.gid);
}

/** A token of alice's own with the scopes a sign-in gets, for checking what the UI did through the APIs. */
let aliceToken: { token: string; id: string } | undefined;
async function aliceTransport(): Promise<HubTransport> {
  aliceToken ??= await adminClient(hub).createToken('alice', {
    note: `hub-notebooks e2e check ${ID}`,
    expiresInSeconds: 3600,
    scopes: extensionTokenScopes(SERVICE_NAME),
  });
  const { token } = aliceToken;
  return createHubTransport({ baseUrl: hub.url, getToken: () => token });
}

/** Alice's file as her server's contents API returns it. */
async function readAliceFile(name: string): Promise<string> {
  const contents = createContentsClient({ transport: await aliceTransport(), user: 'alice', root: 'alice' });
  return Buffer.from((await contents.read(name)).bytes).toString('utf8');
}

/** The published bytes of a supported notebook version, from the store through the service. */
async function supportedBytes(name: string, version: string): Promise<Buffer> {
  const catalog = createCatalogClient({ transport: await aliceTransport() });
  return Buffer.from((await catalog.readSupportedFile(name, version)).bytes);
}

async function hubNotebookTokens(user: string): Promise<number> {
  const tokens = await adminClient(hub).listTokens(user);
  return tokens.filter((t) => /^Hub Notebooks \(VS Code\)/.test(t.note ?? '')).length;
}

/**
 * Types into a cell of the active read-only notebook and presses Ctrl+S, as a person trying to change it
 * would: VS Code says it cannot edit, the cell keeps its text, and no editor becomes dirty.
 */
async function typeIntoReadOnlyCellAndSave(index: number, text: string): Promise<void> {
  const page = wb.page;
  const cell = await focusCell(page, index);
  const before = await cellText(cell);
  await page.keyboard.press('Enter');
  await page.keyboard.type(text);
  await page.keyboard.press('Control+s');
  await page
    .locator('.monaco-editor-overlaymessage', { hasText: 'Cannot edit in read-only editor' })
    .waitFor();
  assert.equal(await cellText(cell), before, 'the cell kept its text');
  assert.equal(await page.locator('.tabs-container .tab.dirty').count(), 0, 'no editor became dirty');
}

/** The extension's log in code-server's user data (the "Hub Notebooks" output channel). */
function extensionLog(): string {
  return extensionLogText(cs.userDataDir);
}

/** VS Code marks a read-only editor's tab label with "Read-only" (and a lock). */
async function isReadOnlyTab(tab: Locator): Promise<boolean> {
  const label = await tab.locator('.monaco-icon-label').first().getAttribute('aria-label');
  return /Read-only$/.test(label ?? '');
}

async function closeEditor(options: { discard?: boolean } = {}): Promise<void> {
  await runCommand(wb.page, 'View: Close Editor');
  if (!options.discard) return;
  const dontSave = wb.page.locator('.monaco-dialog-box .monaco-button', { hasText: "Don't Save" });
  await dontSave.click({ timeout: 3000 }).catch(() => undefined); // no dialog: nothing was dirty
}

/** Shows or hides the primary side bar (the Hub Notebooks trees); showing it again brings back the trees. */
async function setSideBarVisible(visible: boolean): Promise<void> {
  const page = wb.page;
  const bar = page.locator('.part.sidebar');
  if ((await bar.isVisible()) !== visible) await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
  await bar.waitFor({ state: visible ? 'visible' : 'hidden', timeout: 10_000 });
  if (visible) await page.locator('.pane-header', { hasText: 'My Notebooks' }).first().waitFor();
}

/**
 * Scrolls the visible notebook to its end with the mouse wheel over the cells' left margin, and waits until
 * the last cell's row (its outputs included) ends inside the cell list.
 */
async function scrollNotebookToEnd(lastRow: Locator): Promise<void> {
  const page = wb.page;
  const list = notebookEditor(page).locator('.cell-list-container').first();
  const box = await list.boundingBox();
  assert.ok(box, 'a notebook is on screen');
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.wheel(0, 5000);
  const [listEl, rowEl] = [await list.elementHandle(), await lastRow.elementHandle()];
  await page.waitForFunction(
    ([l, r]: (Element | null)[]) =>
      !!l && !!r && r.getBoundingClientRect().bottom <= l.getBoundingClientRect().bottom + 1,
    [listEl, rowEl],
    { timeout: 10_000 },
  );
}

/** Waits (2 s at most) for the page's finite animations to end, e.g. a menu fading in before a screenshot. */
async function animationsDone(): Promise<void> {
  await wb.page.evaluate(() => {
    const running = document
      .getAnimations()
      .filter((a) => a.effect?.getTiming().iterations !== Infinity)
      .map((a) => a.finished.catch(() => undefined));
    return Promise.race([Promise.all(running), new Promise((resolve) => setTimeout(resolve, 2000))]);
  });
}

/** VS Code asks which kernel when a notebook has none yet: pick alice's hub kernel. */
async function pickHubKernelIfAsked(): Promise<void> {
  const page = wb.page;
  const picker = page.locator('.quick-input-widget', { hasText: /kernel/i });
  if (await picker.isVisible().catch(() => false)) {
    await picker.locator('.monaco-list-row', { hasText: 'hub: alice' }).first().click();
  }
}
