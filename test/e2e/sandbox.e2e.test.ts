// `npm start`, the one-command sandbox, run as a real child process the way npm runs it (after `npm run
// package`): `node --import tsx test/hub/cli.ts start` in its own process group, with a fresh state dir.
// The test reads what it prints, checks each thing it claims (VS Code with the extension and the hub in its
// settings, the hub, the logins, the supported catalog, the welcome notebook), then presses Ctrl-C (SIGINT
// to the group, as a terminal does) and checks that every process it started is gone.
//
// The catalog and the welcome notebook's kernel are used as alice, with a token she mints herself through
// the hub's REST API after logging in with her printed password on the hub's login form (and revokes after):
// the test needs no secret the sandbox did not print. Of the run's settings file it reads only the ports.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { createCatalogClient, type CatalogApi } from '../../src/core/catalog';
import { HubClient, createHubTransport, type HubTransport } from '../../src/core/hub';
import { createKernelClient } from '../../src/core/kernels';
import { parseNotebook, parseNotebookHeader } from '../../src/core/notebook';
import { extensionTokenScopes } from '../../src/service/config';
import { DEMO_USERS, REPO_ROOT, SERVICE_NAME, TEAM_API_KEY, type DemoUser } from '../hub/harness';
import { descendants, isAlive, readCmdline, terminate, type ProcRef } from '../hub/procs';
import { SANDBOX_VERSIONS, sandboxSupportedNotebooks } from '../hub/seedCatalog';
import { runToEnd, stdoutOf } from '../integration/support/kernels';
import { HubBrowser } from '../integration/support/hubBrowser';
import { EXTENSION_ID } from './harness/codeServer';

const VSIX = path.join(REPO_ROOT, 'dist', 'hub-notebooks.vsix');
// Generous bounds for a busy 2-core machine; they only turn a hang into a failure.
const START_TIMEOUT_MS = 300_000;
const STOP_TIMEOUT_MS = 120_000;

interface Printed {
  vscodeUrl: string; // http://127.0.0.1:PORT, no trailing slash
  hubUrl: string; // http://127.0.0.2:PORT, no trailing slash
  passwords: Record<DemoUser, string>;
  hubStateDir: string;
  vscodeStateDir: string;
}

let tmp: string;
let stateDir: string;
let child: ChildProcess;
let output = '';
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
let printed: Printed;
let started: ProcRef[] = []; // the sandbox's process tree, for the final checks and for cleanup

before(async () => {
  assert.ok(fs.existsSync(VSIX), `no ${VSIX}: run npm run package first`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-notebooks-sandbox-test-'));
  stateDir = path.join(tmp, 'hub');
  child = spawn(process.execPath, ['--import', 'tsx', 'test/hub/cli.ts', 'start', '--state-dir', stateDir], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) stream?.on('data', (d: Buffer) => (output += String(d)));
  exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await waitForOutput(/Press Ctrl-C to stop everything/, START_TIMEOUT_MS);
  printed = parsePrinted(output);
  started = descendants([child.pid ?? 0]);
});

after(async () => {
  // A failed test may leave the sandbox up: Ctrl-C it, then kill what is left of its group.
  if (child?.exitCode === null && child.signalCode === null) {
    signalGroup('SIGINT');
    if (!(await within(exited, STOP_TIMEOUT_MS))) signalGroup('SIGKILL');
  }
  // The hub and code-server have process groups of their own: if the sandbox died without stopping them,
  // stop them here, so that a failure leaves nothing running.
  await terminate(undefined, started.filter(isAlive), 5000);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('it prints the VS Code URL, the hub URL, every login with its password, the fake secret and Ctrl-C', () => {
  assert.match(printed.vscodeUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(printed.hubUrl, /^http:\/\/127\.0\.0\.2:\d+$/);
  assert.deepEqual(Object.keys(printed.passwords), [...DEMO_USERS]);
  assert.match(output, /Fake secret: +TEAM_API_KEY /);
  assert.equal(printed.hubStateDir, stateDir);
  for (const step of ['JupyterHub', 'supported notebooks', 'VS Code'])
    assert.match(output, new RegExp(`^Start.*${step}|^Publish.*${step}`, 'm'), `a progress line for ${step}`);
});

test('code-server answers /healthz, has the packaged extension installed and the hub in its settings', async () => {
  const health = await fetch(`${printed.vscodeUrl}/healthz`);
  await health.arrayBuffer();
  assert.equal(health.status, 200);
  const page = await fetch(`${printed.vscodeUrl}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /vs\/code\/browser\/workbench\/workbench/, 'the workbench page');

  const version = (
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
  ).version;
  const installed = path.join(printed.vscodeStateDir, 'extensions', `${EXTENSION_ID}-${version}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
  };
  assert.equal(`${manifest.publisher}.${manifest.name}`, EXTENSION_ID);
  assert.ok(fs.existsSync(path.join(installed, 'dist', 'extension.js')), 'the packaged build is installed');

  const settingsFile = path.join(printed.vscodeStateDir, 'user-data', 'User', 'settings.json');
  const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  assert.deepEqual(settings['hubNotebooks.hubs'], [`${printed.hubUrl}/`]);
});

test('the hub answers /hub/api, and the printed password logs alice in (a wrong one does not)', async () => {
  const api = await fetch(`${printed.hubUrl}/hub/api`);
  assert.equal(api.status, 200);
  assert.match(((await api.json()) as { version: string }).version, /^\d+\.\d+/);
  const wrong = await logIn('alice', `${printed.passwords.alice}-wrong`, 'wrong');
  assert.ok(!wrong.loggedIn, `a wrong password is refused (status ${wrong.status})`);
  for (const user of DEMO_USERS) {
    const right = await logIn(user, printed.passwords[user]);
    assert.ok(right.loggedIn, `${user} logs in with the printed password (status ${right.status})`);
  }
});

test('the catalog lists the demo supported notebooks with three versions each; homes hold welcome.ipynb', async () => {
  await asAlice(async ({ catalog }) => {
    const expected = sandboxSupportedNotebooks().map((n) => n.name);
    assert.ok(expected.length >= 2, 'the sandbox has several supported notebooks');
    const listed = await catalog.listSupported();
    assert.deepEqual(listed.map((n) => n.name).sort(), expected);
    assert.equal(SANDBOX_VERSIONS.length, 3);
    for (const name of expected) {
      const notebook = await catalog.getSupported(name);
      assert.deepEqual(
        notebook.versions.map((v) => v.version),
        [...SANDBOX_VERSIONS].reverse(),
        `${name}: every version, newest first`,
      );
      assert.equal(notebook.currentVersion, SANDBOX_VERSIONS[SANDBOX_VERSIONS.length - 1]);
      for (const v of notebook.versions) {
        assert.equal(v.publishedBy, 'carol');
        assert.ok(v.header.title && v.header.purpose && v.header.audience, `${name} ${v.version} header`);
      }
    }
    // bob's welcome notebook, read as a teammate through the service.
    const bobs = await catalog.listTeamFolder('bob', '');
    assert.ok(
      bobs.entries.some((e) => e.name === 'welcome.ipynb'),
      bobs.entries.map((e) => e.name).join(', '),
    );
  });
  const file = '/home/alice/welcome.ipynb';
  const parsed = parseNotebook(fs.readFileSync(file, 'utf8'));
  assert.ok(parsed.ok, `${file} parses`);
  const header = parseNotebookHeader(parsed.notebook);
  assert.match(header.title ?? '', /alice/, 'the {{USER}} placeholder was filled in');
  for (const field of ['purpose', 'audience', 'dataSources', 'description', 'references'] as const)
    assert.ok(header[field], `welcome.ipynb has a ${field}`);
  assert.equal(fs.statSync(file).uid, fs.statSync('/home/alice').uid, 'alice owns it');
});

test("welcome.ipynb runs on alice's hub server, as alice, sees TEAM_API_KEY without printing it, and draws a PNG chart", async () => {
  const notebook = parseNotebook(fs.readFileSync('/home/alice/welcome.ipynb', 'utf8'));
  assert.ok(notebook.ok);
  const cells = notebook.notebook.cells
    .filter((c) => c.cell_type === 'code')
    .map((c) => (Array.isArray(c.source) ? c.source.join('') : String(c.source)));
  await asAlice(async ({ transport, getToken }) => {
    await new HubClient(transport).startServer('alice');
    const kernels = createKernelClient({ transport, user: 'alice', getToken });
    const { session } = await kernels.openSession({ path: 'alice/welcome.ipynb', kernelName: 'python3' });
    try {
      const printing = cells.slice(0, -1);
      const chart = cells.at(-1) ?? '';
      const out: string[] = [];
      for (const code of printing) out.push(await stdoutOf(session, code));
      const [where = '', secret = '', example = ''] = out;
      assert.match(where, /^alice \S+ \/home\/alice\n$/, 'the user, host and folder the kernel runs in');
      assert.match(secret, /^TEAM_API_KEY is set \(\d+ characters\)\n$/);
      assert.ok(!out.join('').includes(TEAM_API_KEY), 'the value is never printed');
      assert.equal(example, '[1, 4, 9, 16, 25] 55\n');
      // The last cell draws a chart of a small pandas DataFrame with matplotlib: one PNG image, no error.
      assert.match(chart, /import pandas[^]*plt\.show\(\)/, 'the last cell is the chart');
      const drawn = await runToEnd(session.execute(chart));
      assert.equal(drawn.done.status, 'ok', JSON.stringify(drawn.outputs).slice(0, 2000));
      const images = drawn.outputs.flatMap((o) =>
        o.type === 'display_data' && 'image/png' in o.data ? [o.data['image/png']] : [],
      );
      assert.equal(images.length, 1, `one image/png display: ${JSON.stringify(drawn.outputs).slice(0, 500)}`);
      const png = Buffer.from(String(images[0]), 'base64');
      assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'a PNG, by its signature');
    } finally {
      // The kernel and the server stay up: Ctrl-C, next, must stop them too.
      session.dispose();
    }
  });
});

test('Ctrl-C stops the hub, proxy, service, server, kernel and code-server, then exits 0 saying "Stopped."', async () => {
  started = descendants([child.pid ?? 0]);
  const named = (re: RegExp): ProcRef[] => started.filter((p) => re.test(readCmdline(p.pid)));
  const groups = {
    hub: named(/jupyterhub /),
    proxy: named(/configurable-http-proxy/),
    service: named(/dist\/service\.js/),
    codeServer: named(/code-server.*entry\.js/),
    "alice's server": named(/jupyterhub-singleuser/),
    kernel: named(/ipykernel_launcher/),
  };
  for (const [what, refs] of Object.entries(groups)) assert.ok(refs.length > 0, `found the ${what} process`);
  const ports = [portOf(printed.vscodeUrl), portOf(printed.hubUrl), ...internalPorts(stateDir)];

  signalGroup('SIGINT');
  const result = await within(exited, STOP_TIMEOUT_MS);
  assert.ok(result, `the sandbox did not exit within ${STOP_TIMEOUT_MS / 1000} s of Ctrl-C`);
  assert.deepEqual(result, { code: 0, signal: null }, shown(output.slice(output.indexOf('Press Ctrl-C'))));
  assert.match(output, /\nStopped\.\n$/);

  const alive = started.filter(isAlive).map((p) => `${p.pid} ${readCmdline(p.pid)}`);
  assert.deepEqual(alive, [], 'every process the sandbox started is gone');
  for (const [host, port] of ports)
    assert.equal(await connectResult(host, port), 'ECONNREFUSED', `${host}:${port}`);
  const leftovers = fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map((pid) => `${pid} ${readCmdline(Number(pid))}`)
    .filter((line) => line.includes(stateDir) || line.includes(printed.vscodeStateDir));
  assert.deepEqual(leftovers, [], 'no process names the state dirs');
  assert.ok(!fs.existsSync(printed.vscodeStateDir), "code-server's throwaway state dir is removed");
});

function parsePrinted(text: string): Printed {
  const find = (re: RegExp, what: string): string => {
    const found = re.exec(text)?.[1];
    assert.ok(found, `the sandbox printed no ${what}:\n${shown(text)}`);
    return found;
  };
  const passwords = {} as Record<DemoUser, string>;
  for (const user of DEMO_USERS) passwords[user] = find(new RegExp(`^ +${user} +password (\\S+)`, 'm'), user);
  return {
    vscodeUrl: find(/Open VS Code: +(http:\/\/\S+?)\/?$/m, 'VS Code URL'),
    hubUrl: find(/JupyterHub: +(http:\/\/\S+?)\/hub\/ /m, 'hub URL'),
    passwords,
    hubStateDir: find(/Hub state: +(\S+)/, 'hub state dir'),
    vscodeStateDir: find(/VS Code state: +(\S+)/, 'VS Code state dir'),
  };
}

/** The sandbox's output for a failure message, without the demo passwords. */
const shown = (text: string): string => text.replace(/(password )\S+/g, '$1…');

function waitForOutput(re: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no ${re} in ${timeoutMs / 1000} s:\n${shown(output)}`)),
      timeoutMs,
    );
    const check = (): void => {
      if (re.test(output)) finish();
    };
    const onExit = (code: number | null): void =>
      finish(new Error(`the sandbox exited (${code}) before printing ${re}:\n${shown(output)}`));
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    child.stdout?.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

/**
 * Logs in through the hub's login form, as a person with the printed password would; a password meant to be
 * wrong is submitted once (the hub refuses both it and 5.5.4's xsrf glitch with 403).
 */
async function logIn(
  user: string,
  password: string,
  meant: 'right' | 'wrong' = 'right',
): Promise<{ loggedIn: boolean; status: number; browser: HubBrowser }> {
  const browser = new HubBrowser(printed.hubUrl);
  const { status, cookies } =
    meant === 'right'
      ? await browser.submitRightLogin(user, password)
      : await browser.submitLogin(user, password);
  const loggedIn = status === 302 && cookies.some((c) => c.startsWith('jupyterhub-hub-login='));
  return { loggedIn, status, browser };
}

interface Alice {
  transport: HubTransport;
  getToken: () => string;
  catalog: CatalogApi;
}

/**
 * Runs `body` with alice's clients: she logs in with her printed password and, with that
 * browser session, mints a short-lived token with the extension's scopes; it is revoked afterwards and
 * never leaves this process's memory.
 */
async function asAlice(body: (alice: Alice) => Promise<void>): Promise<void> {
  const session = await logIn('alice', printed.passwords.alice);
  assert.ok(session.loggedIn);
  const tokens = 'users/alice/tokens';
  const res = await session.browser.api(tokens, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      note: 'sandbox e2e test',
      expires_in: 300,
      scopes: extensionTokenScopes(SERVICE_NAME),
    }),
  });
  const made = (await res.json()) as { token?: string; id?: string; message?: string };
  assert.equal(res.status, 201, `alice could not mint a token: ${made.message ?? ''}`);
  const token = made.token ?? '';
  const getToken = (): string => token;
  const transport = createHubTransport({ baseUrl: printed.hubUrl, getToken });
  try {
    await body({ transport, getToken, catalog: createCatalogClient({ transport }) });
  } finally {
    // The extension's scopes do not include `tokens`, so the session that minted it revokes it.
    const revoked = await session.browser.api(`${tokens}/${encodeURIComponent(made.id ?? '')}`, {
      method: 'DELETE',
    });
    await revoked.arrayBuffer();
    assert.equal(revoked.status, 204, 'the test token is revoked');
  }
}

function signalGroup(signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid ?? 0), signal);
  } catch {
    // The group is gone already.
  }
}

/** `promise`'s value, or undefined after `ms`; the timer does not outlive the race. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const portOf = (url: string): [string, number] => {
  const u = new URL(url);
  return [u.hostname, Number(u.port)];
};

/** The hub's, the proxy API's and the service's loopback ports, from the run's settings in the state dir. */
function internalPorts(dir: string): [string, number][] {
  const settings = JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')) as {
    hubPort: number;
    proxyApiUrl: string;
    hubNotebooks: { url: string };
  };
  return [['127.0.0.1', settings.hubPort], portOf(settings.proxyApiUrl), portOf(settings.hubNotebooks.url)];
}

function connectResult(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
  });
}
