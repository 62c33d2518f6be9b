// Smoke test of the end-to-end harness itself, no journeys: install check, code-server with the packaged
// VSIX, the workbench in Chromium, the activity bar entry, the extension's activation time, and the
// extension-host test runner with an entry that passes and one that must fail.
// Run: node --import tsx test/e2e/harness/smoke.ts   (as root: it runs test/e2e/setup.sh first)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import type { Page } from 'playwright-core';

import { EXTENSION_ID, startCodeServer, type CodeServerHandle } from './codeServer';
import { runExtensionHostTests } from './extensionHost';
import { openWorkbench, runCommand, screenshot } from './workbench';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const VSIX = path.join(REPO_ROOT, 'dist', 'hub-notebooks.vsix');
const SMOKE_DIR = path.join(__dirname, 'smoke');

const timings: [string, number][] = [];
const results: { name: string; error?: string }[] = [];

async function timed<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const started = Date.now();
  try {
    return await fn();
  } finally {
    timings.push([label, Date.now() - started]);
  }
}

/** Record a check's outcome and carry on, so one run reports every failure. */
async function check(name: string, fn: () => Promise<string | void>): Promise<void> {
  try {
    const detail = await fn();
    results.push({ name });
    console.log(`ok   ${name}${detail ? `: ${detail}` : ''}`);
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    results.push({ name, error });
    console.log(`FAIL ${name}: ${error}`);
  }
}

function npm(script: string): void {
  execFileSync('npm', ['run', '--silent', script], { cwd: REPO_ROOT, stdio: 'inherit' });
}

/** The extension's row in "Developer: Show Running Extensions", which shows VS Code's own measurement. */
async function activationTime(page: Page): Promise<string> {
  await runCommand(page, 'Developer: Show Running Extensions');
  const row = page
    .locator('.runtime-extensions-editor .monaco-list-row')
    .filter({ hasText: 'Hub Notebooks' });
  const time = row.locator('.activation-time');
  await time.waitFor({ timeout: 15_000 });
  await screenshot(page, 'smoke-running-extensions');
  return (await time.innerText()).trim();
}

/** Why the extension activated, from the remote extension host's log (it logs no durations at info). */
function activationEvent(cs: CodeServerHandle): string {
  const logs = path.join(cs.userDataDir, 'logs');
  for (const session of fs.readdirSync(logs)) {
    const file = path.join(logs, session, 'exthost1', 'remoteexthost.log');
    if (!fs.existsSync(file)) continue;
    const line = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .find((l) => l.includes(`_doActivateExtension ${EXTENSION_ID},`));
    const event = line && /activationEvent: '([^']*)'/.exec(line)?.[1];
    if (event) return event;
  }
  return '(no activation line in remoteexthost.log)';
}

async function workbenchChecks(cs: CodeServerHandle): Promise<void> {
  const workbench = await timed('Chromium launch + page → .monaco-workbench', () => openWorkbench(cs));
  const { page } = workbench;
  try {
    const item = page.locator('.activitybar .action-item a[aria-label^="Hub Notebooks"]');
    await check('the activity bar has a Hub Notebooks item', async () => {
      await item.waitFor({ timeout: 30_000 });
      return (await item.getAttribute('aria-label')) ?? '';
    });
    await check('clicking it opens the Hub Notebooks view', async () => {
      await item.click();
      const title = page.locator('.sidebar .composite.title').filter({ hasText: /hub notebooks/i });
      await title.waitFor({ timeout: 15_000 });
      await page.mouse.move(700, 450); // away from the activity bar, so no hover covers the view
      return screenshot(page, 'smoke-view');
    });
    await check(`VS Code measured ${EXTENSION_ID}'s activation`, async () => {
      const time = await timed('activation time lookup', () => activationTime(page));
      return `${time} (Running Extensions editor); activated by ${activationEvent(cs)}`;
    });
  } finally {
    await workbench.close();
  }
}

async function extensionHostChecks(cs: CodeServerHandle): Promise<void> {
  const run = (entry: string): ReturnType<typeof runExtensionHostTests> =>
    runExtensionHostTests(cs, {
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: path.join(SMOKE_DIR, entry),
    });
  await check('an extension-host entry that passes exits 0', async () => {
    const { exitCode, logs } = await timed('extension-host run (pass)', () => run('pass.js'));
    const said = logs.find((l) => l.startsWith('smoke:')) ?? '(no smoke: line)';
    if (exitCode !== 0) throw new Error(`exit code ${exitCode}; logs:\n${logs.join('\n')}`);
    return said;
  });
  await check('an extension-host entry that fails exits non-zero', async () => {
    const { exitCode, logs } = await timed('extension-host run (fail)', () => run('fail.js'));
    if (exitCode === 0) throw new Error(`exit code 0; logs:\n${logs.join('\n')}`);
    return `exit code ${exitCode}, ${logs.some((l) => l.includes('fails on purpose')) ? 'with' : 'without'} its error`;
  });
}

async function main(): Promise<number> {
  await timed('install check (test/e2e/setup.sh)', () =>
    execFileSync('bash', [path.join(REPO_ROOT, 'test', 'e2e', 'setup.sh')], { stdio: 'inherit' }),
  );
  // The VSIX is what users install; the dev build is what extensionDevelopmentPath loads.
  if (!fs.existsSync(VSIX)) await timed('npm run package', () => npm('package'));
  await timed('npm run build', () => npm('build'));
  const cs = await timed('code-server start (VSIX install + /healthz)', () =>
    startCodeServer({ vsix: VSIX, log: (line) => console.log(line) }),
  );
  try {
    await workbenchChecks(cs);
    await extensionHostChecks(cs);
  } finally {
    await timed('code-server stop', () => cs.stop());
  }
  console.log('\ntimings:');
  for (const [label, ms] of timings) console.log(`  ${label.padEnd(45)} ${String(ms).padStart(6)} ms`);
  const failed = results.filter((r) => r.error !== undefined).length;
  console.log(`\n${results.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
