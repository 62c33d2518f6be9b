// Starts and stops a real VS Code (code-server 4.100.3, installed by test/e2e/setup.sh) on loopback, with
// throwaway state and the extension installed from its VSIX, for tests that drive it through Chromium.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { freePort } from '../../support/ports';
import { descendants, isAlive, procRef, terminate, terminateSync, type ProcRef } from '../../hub/procs';

/** The code-server release the harness runs: VS Code 1.100.3, the newest that runs on Node 20. */
export const CODE_SERVER_VERSION = '4.100.3';
/** Where test/e2e/setup.sh installs it (HUB_CODE_SERVER_DIR overrides, for both). */
export const CODE_SERVER_DIR =
  process.env['HUB_CODE_SERVER_DIR'] ?? `/opt/hub-notebooks/code-server-${CODE_SERVER_VERSION}`;
/** The extension's id, `publisher.name` from package.json. */
export const EXTENSION_ID = 'hub-notebooks.hub-notebooks';

const ENTRY = path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5000;

export interface CodeServerOptions {
  vsix: string; // installed with --install-extension before the server starts
  userSettings?: Record<string, unknown>; // merged over QUIET_SETTINGS into User/settings.json
  workspaceDir?: string; // the folder `/` opens; an empty dir in the state dir when absent
  workspaceTrust?: boolean; // false (default) passes --disable-workspace-trust
  port?: number; // a free loopback port when absent
  env?: Record<string, string>;
  log?: (line: string) => void;
}

export interface CodeServerHandle {
  url: string; // http://127.0.0.1:PORT, no trailing slash
  port: number;
  stateDir: string;
  userDataDir: string;
  extensionsDir: string;
  workspaceDir: string;
  logFile: string; // code-server's stdout and stderr
  pid: number; // leader of code-server's process group
  stop(): Promise<void>; // idempotent; removes stateDir unless HUB_KEEP_STATE=1
}

/** Settings that keep a fresh profile from opening tabs or popping toasts that tests do not expect. */
const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
};

/** Start code-server on loopback with a fresh profile and the VSIX installed; resolves once /healthz is 200. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServerHandle> {
  if (!fs.existsSync(ENTRY))
    throw new Error(`code-server is not installed at ${CODE_SERVER_DIR}: run sudo bash test/e2e/setup.sh`);
  if (!fs.existsSync(options.vsix)) throw new Error(`no VSIX at ${options.vsix}: run npm run package`);
  const dirs = prepareState(options);
  const port = options.port ?? (await freePort());
  const configFile = path.join(dirs.stateDir, 'config.yaml');
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const cli = [
    '--config',
    configFile,
    '--user-data-dir',
    dirs.userDataDir,
    '--extensions-dir',
    dirs.extensionsDir,
  ];
  const env = serverEnv(dirs.stateDir, options.env);
  await installExtension(cli, env, options.vsix);
  const flags = ['--disable-telemetry', '--disable-update-check', '--ignore-last-opened'];
  if (!options.workspaceTrust) flags.push('--disable-workspace-trust');
  const logFile = path.join(dirs.stateDir, 'code-server.log');
  const leader = launch([...cli, ...flags, dirs.workspaceDir], env, logFile);
  const stopper = lifecycle(leader, dirs.stateDir);
  const url = `http://127.0.0.1:${port}`;
  const startedAt = Date.now();
  try {
    await waitForHealth(url, leader, logFile);
  } catch (err) {
    await stopper.stop(false); // keep the state dir: its log tells what went wrong
    throw err;
  }
  options.log?.(`[e2e] code-server ${CODE_SERVER_VERSION} up in ${Date.now() - startedAt} ms at ${url}`);
  return { url, port, ...dirs, logFile, pid: leader.pid, stop: () => stopper.stop(true) };
}

function prepareState(options: CodeServerOptions): {
  stateDir: string;
  userDataDir: string;
  extensionsDir: string;
  workspaceDir: string;
} {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-notebooks-e2e-'));
  const userDataDir = path.join(stateDir, 'user-data');
  const extensionsDir = path.join(stateDir, 'extensions');
  const workspaceDir = path.resolve(options.workspaceDir ?? path.join(stateDir, 'workspace'));
  for (const dir of [userDataDir, extensionsDir, workspaceDir, path.join(userDataDir, 'User')])
    fs.mkdirSync(dir, { recursive: true });
  const settings = { ...QUIET_SETTINGS, ...options.userSettings };
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  return { stateDir, userDataDir, extensionsDir, workspaceDir };
}

/**
 * The caller's environment minus what would make code-server act on something else: VSCODE_* (inside a
 * VS Code terminal, VSCODE_IPC_HOOK_CLI turns it into a client of that VS Code), PORT (overrides
 * bind-addr) and PASSWORD/HASHED_PASSWORD (override auth). XDG dirs keep it out of ~/.config and ~/.local.
 */
function serverEnv(stateDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('VSCODE_')) continue;
    if (['PORT', 'PASSWORD', 'HASHED_PASSWORD', 'CODE_SERVER_CONFIG', 'GITHUB_TOKEN'].includes(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    XDG_CONFIG_HOME: path.join(stateDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(stateDir, 'xdg-data'),
    ...extra,
  };
}

const execFileAsync = promisify(execFile);

async function installExtension(cli: string[], env: Record<string, string>, vsix: string): Promise<void> {
  const run = (args: string[]): Promise<{ stdout: string }> =>
    execFileAsync(process.execPath, [ENTRY, ...cli, ...args], { env, timeout: 60_000 });
  await run(['--install-extension', path.resolve(vsix), '--force']);
  const { stdout } = await run(['--list-extensions']);
  if (!stdout.split('\n').some((line) => line.trim() === EXTENSION_ID))
    throw new Error(`${EXTENSION_ID} is not listed after installing ${vsix}:\n${stdout}`);
}

function launch(args: string[], env: Record<string, string>, logFile: string): ProcRef {
  const logFd = fs.openSync(logFile, 'a', 0o600);
  // Our own node, not code-server's `#!/usr/bin/env node`: its native addons were built for this Node.
  // detached: its own process group, so stop() can signal code-server and everything that shares it.
  const child = spawn(process.execPath, [ENTRY, ...args], {
    env,
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  fs.closeSync(logFd);
  child.unref(); // the test process may exit while code-server runs; stop() and the exit hook clean up
  child.on('error', () => undefined); // reported through the dead pid and the log instead
  const ref = child.pid === undefined ? undefined : procRef(child.pid);
  if (!ref) throw new Error(`could not launch code-server; see ${logFile}`);
  return ref;
}

/**
 * stop() for the handle, plus an 'exit' hook that stops code-server if the process ends first. Both remove
 * the state dir (a workspaceDir passed in lives elsewhere and stays) unless HUB_KEEP_STATE=1.
 */
function lifecycle(leader: ProcRef, stateDir: string): { stop: (clean: boolean) => Promise<void> } {
  let stopping: Promise<void> | undefined;
  // The extension host, pty host and file watcher are forked into the group, but a terminal's shell gets
  // its own session: collect the whole tree while its parent links still exist, and kill those by pid too.
  const tree = (): ProcRef[] => descendants([leader.pid]);
  const cleanDir = (clean: boolean): void => {
    if (clean && process.env['HUB_KEEP_STATE'] !== '1') fs.rmSync(stateDir, { recursive: true, force: true });
  };
  const onExit = (): void => {
    terminateSync(leader, tree(), STOP_GRACE_MS);
    cleanDir(true);
  };
  process.once('exit', onExit);
  return {
    stop: (clean) => {
      stopping ??= (async () => {
        process.removeListener('exit', onExit);
        await terminate(leader, tree(), STOP_GRACE_MS);
        cleanDir(clean);
      })();
      return stopping;
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForHealth(url: string, leader: ProcRef, logFile: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const status = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
      async (res) => (await res.arrayBuffer(), res.status),
      () => 0,
    );
    if (status === 200) return;
    const dead = !isAlive(leader);
    if (dead || Date.now() > deadline) {
      const why = dead ? 'code-server exited' : `no 200 from /healthz in ${START_TIMEOUT_MS / 1000} s`;
      throw new Error(`${why}. Tail of ${logFile}:\n${logTail(logFile)}`);
    }
    await sleep(100);
  }
}

/** The last lines of a log file, for error messages. */
export function logTail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return `(cannot read ${file})`;
  }
}

/**
 * The text of the extension's log ("Hub Notebooks" output channel) in a code-server user data dir, every
 * window session's file, oldest first.
 */
export function extensionLogText(userDataDir: string): string {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'Hub Notebooks.log') found.push(full);
    }
  };
  walk(path.join(userDataDir, 'logs'));
  found.sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);
  return found.map((file) => fs.readFileSync(file, 'utf8')).join('\n');
}
