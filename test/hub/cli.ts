// `npm start` runs `node --import tsx test/hub/cli.ts start [--flavor pypi|debian3] [--port N] [--state-dir DIR]
// [--no-vscode] [--verbose]`: the sandbox. A demo hub with the hub-notebooks service and, unless --no-vscode,
// a VS Code (code-server) with the packaged extension installed and pointed at that hub. It prints where to
// go and who can log in, and stops everything on Ctrl-C or SIGTERM. The demo passwords are printed on
// purpose: they are throwaway local unix accounts.
import path from 'node:path';
import { parseArgs } from 'node:util';

import { CODE_SERVER_VERSION, startCodeServer, type CodeServerHandle } from '../e2e/harness/codeServer';
import { freePort } from '../support/ports';
import { descendants, isAlive, terminate, waitGone } from './procs';
import {
  ADMIN_USERS,
  DEMO_USERS,
  MAINTAINER_USERS,
  REPO_ROOT,
  TEAM_USERS,
  startHub,
  type DemoUser,
  type HubFlavor,
  type HubHandle,
  type StartHubOptions,
} from './harness';
import { SANDBOX_VERSIONS, seedSupportedNotebooks } from './seedCatalog';
import { flavorFromEnv } from './settings';

const USAGE =
  'usage: cli.ts start [--flavor pypi|debian3] [--port N] [--state-dir DIR] [--no-vscode] [--verbose]';

interface SandboxOptions {
  hub: StartHubOptions;
  vscode: boolean;
}

function parseOptions(argv: string[]): SandboxOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      flavor: { type: 'string' },
      port: { type: 'string' },
      'state-dir': { type: 'string' },
      'no-vscode': { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
    },
  });
  if (positionals[0] !== 'start' || positionals.length > 1) throw new Error(USAGE);
  const flavor = values.flavor ?? flavorFromEnv();
  if (flavor !== 'pypi' && flavor !== 'debian3')
    throw new Error(`--flavor must be pypi or debian3\n${USAGE}`);
  const hub: StartHubOptions = { flavor: flavor satisfies HubFlavor };
  if (values.port) hub.port = Number(values.port);
  if (values['state-dir']) hub.stateDir = values['state-dir'];
  if (values.verbose) hub.log = (line) => console.log(`  hub| ${line}`);
  return { hub, vscode: !values['no-vscode'] };
}

/** What each demo user is, for the logins table. */
function roleOf(user: DemoUser): string {
  const roles = [TEAM_USERS.includes(user) ? 'team' : 'not in the team'];
  if (ADMIN_USERS.includes(user)) roles.push('hub admin');
  if (MAINTAINER_USERS.includes(user)) roles.push('publishes supported notebooks');
  return roles.join(', ');
}

/** Runs one startup step between a progress line and its duration. */
async function step<T>(what: string, run: () => Promise<T>, done: (value: T) => string): Promise<T> {
  console.log(`${what}...`);
  const startedAt = Date.now();
  const value = await run();
  console.log(`  ${done(value)} (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
  return value;
}

/**
 * A signal during startup exits at once: the harness's 'exit' hooks stop the hub and code-server
 * synchronously. Once up, the first signal resolves the returned promise; a second Ctrl-C only says that
 * the stop is under way, so an impatient press cannot leave the hub's processes behind.
 */
function onStopSignal(): { stopRequested: Promise<NodeJS.Signals>; ready: () => void } {
  let isReady = false;
  let stopping = false;
  let resolve: (signal: NodeJS.Signals) => void = () => undefined;
  const stopRequested = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const handler = (signal: NodeJS.Signals): void => {
    if (!isReady) {
      console.log(`\n${signal} during startup: stopping what has started.`);
      process.exit(130);
    }
    if (stopping) return console.log('Still stopping; please wait.');
    stopping = true;
    resolve(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return { stopRequested, ready: () => (isReady = true) };
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const signals = onStopSignal();
  const codeServerPort = opts.vscode ? await freePort() : undefined;
  if (codeServerPort !== undefined) {
    // Web VS Code sends what an extension opens on 127.0.0.1 through its own proxy, which a hub cannot work
    // behind; 127.0.0.2 is loopback too and is opened as is. The service must accept code-server's origin
    // as the place the sign-in returns to, and a person needs the full minute to paste a code.
    opts.hub.publicHost = '127.0.0.2';
    opts.hub.serviceEnv = {
      HUB_NOTEBOOKS_ALLOWED_REDIRECT_ORIGINS: `http://127.0.0.1:${codeServerPort}`,
      HUB_NOTEBOOKS_HANDOFF_TTL_SECONDS: '60',
    };
  }
  const hub = await step(
    `Starting JupyterHub (${opts.hub.flavor}) with the hub-notebooks service`,
    () => startHub(opts.hub),
    (h) => `JupyterHub ${h.version} is up`,
  );
  let codeServer: CodeServerHandle | undefined;
  const stopAll = async (): Promise<void> => {
    // Recorded first: a kernel whose server is stopped can outlive it for a moment, reparented away from us,
    // and "Stopped." must mean that nothing the sandbox started is still running.
    const started = descendants([process.pid]);
    await codeServer?.stop();
    await hub.stop();
    if (!(await waitGone(started, 10_000))) await terminate(undefined, started.filter(isAlive), 2000);
  };
  try {
    await step(
      `Publishing the demo supported notebooks (versions ${SANDBOX_VERSIONS.join(', ')}) as carol`,
      () => seedSupportedNotebooks(hub),
      (lines) => `published ${[...new Set(lines.map((l) => l.split(' ')[0]))].join(', ')}`,
    );
    if (codeServerPort !== undefined) {
      codeServer = await step(
        `Starting VS Code (code-server ${CODE_SERVER_VERSION}) with the extension installed`,
        () =>
          startCodeServer({
            vsix: path.join(REPO_ROOT, 'dist', 'hub-notebooks.vsix'),
            port: codeServerPort,
            userSettings: { 'hubNotebooks.hubs': [`${hub.url}/`] },
          }),
        () => 'VS Code is up, with the hub in its settings',
      );
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  printReady(hub, codeServer, opts.hub.stateDir !== undefined);
  signals.ready();
  // Signal listeners alone do not keep node running (the children's handles are unref'd): hold a timer.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await signals.stopRequested;
  clearInterval(keepAlive);
  console.log('\nStopping VS Code, the hub, its servers and the service...');
  await stopAll();
  console.log('Stopped.');
}

function printReady(hub: HubHandle, codeServer: CodeServerHandle | undefined, keepHubState: boolean): void {
  const lines = ['', 'The Hub Notebooks sandbox is ready.', ''];
  if (codeServer) {
    lines.push(
      `  Open VS Code:  ${codeServer.url}/`,
      '                 then "Hub Notebooks" in the activity bar, "Sign In", and log in below;',
      '                 welcome.ipynb under My Notebooks runs on the hub.',
    );
  }
  lines.push(`  JupyterHub:    ${hub.url}/hub/  (JupyterHub ${hub.version}, ${hub.flavor})`, '', '  Logins:');
  for (const user of DEMO_USERS)
    lines.push(`    ${user.padEnd(6)} password ${hub.passwords[user]}  (${roleOf(user)})`);
  lines.push(
    '',
    `  Fake secret:   TEAM_API_KEY is set in every kernel's environment (a throwaway value for the demo).`,
    `  Hub state:     ${hub.stateDir} (hub.log${keepHubState ? '' : '; removed on stop'})`,
  );
  if (codeServer) lines.push(`  VS Code state: ${codeServer.stateDir} (code-server.log; removed on stop)`);
  lines.push('', 'Press Ctrl-C to stop everything this started.');
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
