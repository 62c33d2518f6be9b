// Starts and stops a real JupyterHub on loopback for tests: PAM users from test/hub/setup.sh, servers run
// as those users by LocalProcessSpawner, the hub-notebooks service managed by the hub.
// Two flavours: 'pypi' (JupyterHub 5 in /opt/hub-notebooks/venv-jh5) and 'debian3' (Debian 12's 3.0).
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { hubApi, serversOf } from './hubApi';
import { descendants, procRef, readCmdline, terminate } from './procs';
import { freePorts } from '../support/ports';
import {
  HUB_KIT_SRC,
  SERVICE_NAME,
  USERS_FILE,
  checkPrerequisites,
  defaultServiceCommand,
  flavorFromEnv,
  flavorSetup,
  serviceCommandFromEnv,
  writeSettings,
  type DemoUser,
  type FlavorSetup,
  type HubFlavor,
  type RunConfig,
} from './settings';
import { stopEverything, stopEverythingSync, type HubRun } from './shutdown';

export type { DemoUser, HubFlavor } from './settings';
export {
  ADMIN_USERS,
  MAINTAINER_GROUP,
  MAINTAINER_USERS,
  DEMO_USERS,
  REPO_ROOT,
  SERVICE_NAME,
  OPERATOR_SNIPPET,
  TEAM_API_KEY,
  TEAM_USERS,
  USERS_FILE,
  defaultServiceCommand,
} from './settings';

const HUB_START_TIMEOUT_MS = 60_000;

export interface HubHandle {
  flavor: HubFlavor;
  url: string; // public proxy URL, no trailing slash
  adminToken: string; // api_token of the `test-admin` service (admin role; tests only)
  serviceToken: string; // api_token of the hub-notebooks service
  passwords: Record<DemoUser, string>;
  stateDir: string;
  hubPid: number;
  version: string; // from GET /hub/api
  stop(): Promise<void>; // idempotent
}

export interface StartHubOptions {
  flavor?: HubFlavor;
  port?: number; // public proxy port; free one when absent
  // The proxy's loopback address; 127.0.0.1 by default. Web VS Code (code-server) routes what an extension
  // opens on localhost or 127.0.0.1 through its own /proxy/, which a hub cannot work behind; 127.0.0.2 is
  // loopback too but is opened as is, like a real hub's address.
  publicHost?: string;
  stateDir?: string; // a fresh temp dir when absent
  serviceCommand?: string[]; // [] = register the service but do not launch it (no health wait)
  serviceEnv?: Record<string, string>; // extra environment for the service, e.g. allowed redirect origins
  log?: (line: string) => void;
}

export function readPasswords(file = USERS_FILE): Record<DemoUser, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    // Not the parser's message: it may quote the file, and the file holds passwords.
    const why = (err as NodeJS.ErrnoException).code ?? 'not valid JSON';
    throw new Error(`cannot read test users' passwords from ${file} (${why}): run test/hub/setup.sh as root`);
  }
  const rec = (parsed ?? {}) as Record<string, unknown>;
  const pick = (u: DemoUser): string => {
    const pw = rec[u];
    if (typeof pw !== 'string') throw new Error(`${file} has no password for ${u}: re-run test/hub/setup.sh`);
    return pw;
  };
  return { alice: pick('alice'), bob: pick('bob'), carol: pick('carol'), dave: pick('dave') };
}

/** An earlier run in the same state dir may have left a hub behind: stop it and everything below it. */
async function stopStale(stateDir: string): Promise<void> {
  const stale: { file: string; marker: string }[] = [
    { file: 'hub.pid', marker: 'jupyterhub' },
    { file: 'proxy.pid', marker: 'configurable-http-proxy' },
  ];
  for (const { file, marker } of stale) {
    let pid = 0;
    try {
      pid = Number(fs.readFileSync(path.join(stateDir, file), 'utf8').trim());
    } catch {
      continue; // no pid file: nothing ran here
    }
    const ref = pid > 0 ? procRef(pid) : undefined;
    if (ref && readCmdline(pid).includes(marker)) await terminate(ref, descendants([pid]), 10_000);
  }
}

function launchHub(rc: RunConfig, setup: FlavorSetup, settingsFile: string): number {
  const logFd = fs.openSync(path.join(rc.stateDir, 'hub.log'), 'a', 0o600);
  const [cmd = '', ...args] = setup.hubCmd;
  const env: Record<string, string> = {
    // A clean PATH: no pyenv shims, and the node binary for the proxy's `#!/usr/bin/env node`.
    PATH: [
      path.dirname(process.execPath),
      '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    ].join(':'),
    LANG: 'C.UTF-8',
    HUB_NOTEBOOKS_SETTINGS: settingsFile,
    ...setup.env,
  };
  // detached: its own process group, so stop() can signal the hub and whatever shares its group.
  const child = spawn(cmd, [...args, '-f', path.join(rc.stateDir, 'jupyterhub_config.py')], {
    cwd: rc.stateDir,
    env,
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  fs.closeSync(logFd);
  child.unref(); // the test process may exit while the hub runs; stop() and the exit hook clean up
  child.on('error', () => undefined); // reported through the dead pid and the log instead
  if (child.pid === undefined) throw new Error(`could not launch ${cmd}`);
  return child.pid;
}

function logTail(stateDir: string, lines = 40): string {
  try {
    const text = fs.readFileSync(path.join(stateDir, 'hub.log'), 'utf8');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no hub.log)';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll `check` until it returns a value; fail early when the hub died, with the log's tail. */
async function pollUntil<T>(what: string, run: HubRun, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + HUB_START_TIMEOUT_MS;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    const dead = run.hub === undefined || procRef(run.hub.pid)?.startTime !== run.hub.startTime;
    if (dead || Date.now() > deadline) {
      const why = dead ? 'the hub exited' : `timed out after ${HUB_START_TIMEOUT_MS / 1000} s`;
      throw new Error(`${what}: ${why}. Tail of ${run.stateDir}/hub.log:\n${logTail(run.stateDir)}`);
    }
    await sleep(100);
  }
}

async function waitForHub(run: HubRun): Promise<string> {
  // The proxy answers 404 for /hub/api until the hub has added its route: only 200 counts.
  return pollUntil('JupyterHub did not answer GET /hub/api with 200', run, async () => {
    const res = await fetch(`${run.url}/hub/api`, { signal: AbortSignal.timeout(2000) });
    const body = (await res.json().catch(() => ({}))) as { version?: unknown };
    return res.status === 200 && typeof body.version === 'string' ? body.version : undefined;
  });
}

async function waitForService(run: HubRun): Promise<void> {
  const healthUrl = `${run.url}/services/${SERVICE_NAME}/health`;
  await pollUntil(`the ${SERVICE_NAME} service did not answer ${healthUrl} with 200`, run, async () => {
    const res = await fetch(healthUrl, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200 ? true : undefined;
  });
}

/** Copy new lines of hub.log to `log`, without keeping the process alive. */
function followLog(stateDir: string, log: (line: string) => void): NodeJS.Timeout {
  const file = path.join(stateDir, 'hub.log');
  let offset = 0;
  let partial = '';
  const timer = setInterval(() => {
    let chunk = '';
    try {
      const fd = fs.openSync(file, 'r');
      const buf = Buffer.alloc(Math.max(0, fs.fstatSync(fd).size - offset));
      offset += fs.readSync(fd, buf, 0, buf.length, offset);
      fs.closeSync(fd);
      chunk = buf.toString('utf8');
    } catch {
      return;
    }
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) log(line);
  }, 250);
  timer.unref();
  return timer;
}

function prepareStateDir(stateDir: string | undefined): string {
  if (!stateDir) return fs.mkdtempSync(path.join(os.tmpdir(), 'hub-notebooks-'));
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  return path.resolve(stateDir);
}

/**
 * Copies docs/hub-kit/*.py where the spawned unix users can read them: the state dir is 700 and holds
 * secrets, so the copy lives in its own 755 temp dir, removed when this process exits. jupyterhub_config.py
 * puts it on the PYTHONPATH of the named servers 'nodelay' and 'unthrottled'.
 */
function copyHubKit(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-notebooks-kit-'));
  fs.chmodSync(dir, 0o755);
  for (const name of fs.readdirSync(HUB_KIT_SRC).filter((n) => n.endsWith('.py'))) {
    fs.copyFileSync(path.join(HUB_KIT_SRC, name), path.join(dir, name));
    fs.chmodSync(path.join(dir, name), 0o644);
  }
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function newRunConfig(
  opts: StartHubOptions,
  flavor: HubFlavor,
  serviceCommand: string[],
): Promise<RunConfig> {
  const stateDir = prepareStateDir(opts.stateDir);
  await stopStale(stateDir);
  const [hubPort = 0, proxyApiPort = 0, servicePort = 0, freePublic = 0] = await freePorts(4);
  return {
    flavor,
    ports: { hub: hubPort, proxyApi: proxyApiPort, service: servicePort },
    stateDir,
    url: `http://${opts.publicHost ?? '127.0.0.1'}:${opts.port ?? freePublic}`,
    adminToken: crypto.randomBytes(32).toString('hex'),
    serviceToken: crypto.randomBytes(32).toString('hex'),
    serviceCommand,
    hubKitDir: copyHubKit(),
  };
}

/** stop() for the handle, plus the 'exit' hook that stops the hub if the process ends first. */
function lifecycle(run: HubRun, removeStateDir: boolean): { stop: () => Promise<void>; abandon: () => void } {
  // A temp dir of ours holds secrets (settings.json): remove it, unless HUB_KEEP_STATE=1 (debugging).
  const cleanDir = (): void => {
    if (removeStateDir) fs.rmSync(run.stateDir, { recursive: true, force: true });
  };
  const onExit = (): void => {
    stopEverythingSync(run);
    cleanDir();
  };
  process.once('exit', onExit);
  return {
    stop: async () => {
      process.removeListener('exit', onExit);
      await stopEverything(run);
      cleanDir();
    },
    abandon: () => process.removeListener('exit', onExit),
  };
}

/** traitlets only warns about an unknown option: fail instead, so a config typo cannot pass unnoticed. */
function checkConfigWarnings(stateDir: string): void {
  const unknown = logTail(stateDir, 1000)
    .split('\n')
    .filter((line) => /Config option `.*` not recognized/.test(line));
  if (unknown.length > 0)
    throw new Error(`jupyterhub_config.py sets unknown options:\n${unknown.join('\n')}`);
}

async function waitUntilUp(run: HubRun, rc: RunConfig, log: StartHubOptions['log']): Promise<string> {
  const launchedAt = Date.now();
  const version = await waitForHub(run);
  checkConfigWarnings(run.stateDir);
  log?.(`[harness] ${rc.flavor} hub ${version} up in ${Date.now() - launchedAt} ms at ${rc.url}`);
  if (rc.serviceCommand.length > 0) await waitForService(run);
  return version;
}

export async function startHub(opts: StartHubOptions = {}): Promise<HubHandle> {
  const flavor = opts.flavor ?? flavorFromEnv();
  const serviceCommand = opts.serviceCommand ?? serviceCommandFromEnv() ?? defaultServiceCommand();
  const setup = flavorSetup(flavor);
  checkPrerequisites(setup, serviceCommand); // before making a state dir or stopping anything
  const passwords = readPasswords();
  const rc = await newRunConfig(opts, flavor, serviceCommand);
  const hubPid = launchHub(rc, setup, writeSettings(rc, setup, opts.serviceEnv));
  const run: HubRun = {
    url: rc.url,
    adminToken: rc.adminToken,
    stateDir: rc.stateDir,
    hub: procRef(hubPid),
    serverPids: [],
  };
  if (opts.log) run.tail = followLog(rc.stateDir, opts.log);
  const { stop, abandon } = lifecycle(run, !opts.stateDir && process.env['HUB_KEEP_STATE'] !== '1');
  let version: string;
  try {
    version = await waitUntilUp(run, rc, opts.log);
  } catch (err) {
    abandon(); // keep the state dir: its hub.log tells what went wrong
    await stopEverything(run);
    throw err;
  }
  const { url, adminToken, serviceToken, stateDir } = rc;
  return { flavor, url, adminToken, serviceToken, passwords, stateDir, hubPid, version, stop };
}

/** The pid of a user's running server, from the spawner state (the admin token has admin:server_state). */
export async function serverPid(hub: HubHandle, user: string, serverName = ''): Promise<number | undefined> {
  const res = await hubApi(hub.url, hub.adminToken, 'GET', `/users/${encodeURIComponent(user)}`);
  if (res.status !== 200) throw new Error(`GET /hub/api/users/${user} answered ${res.status}`);
  return serversOf(res.body).find((s) => s.name === serverName)?.pid;
}
