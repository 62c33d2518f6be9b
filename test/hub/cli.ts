// `npm start` runs `node --import tsx test/hub/cli.ts start [--flavor pypi|debian3] [--port N] [--state-dir DIR]
// [--no-vscode] [--verbose]`: the sandbox. A demo hub with the hub-notebooks service and, unless --no-vscode,
// a VS Code (code-server) with the packaged extension installed and pointed at that hub. It prints where to
// go and who can log in, and stops everything on Ctrl-C or SIGTERM. The demo passwords are printed on
// purpose: they are throwaway local unix accounts.
import path from 'node:path';
import { parseArgs } from 'node:util';

import { startCodeServer, type CodeServerHandle } from '../e2e/harness/codeServer';
import { freePort } from '../support/ports';
import { DEMO_USERS, REPO_ROOT, startHub, type HubFlavor, type StartHubOptions } from './harness';
import { seedSupportedNotebooks } from './seedCatalog';
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

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
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
  console.log(`Starting a ${opts.hub.flavor} JupyterHub...`);
  const hub = await startHub(opts.hub);
  let codeServer: CodeServerHandle | undefined;
  const stopAll = async (): Promise<void> => {
    await codeServer?.stop();
    await hub.stop();
  };
  try {
    const published = await seedSupportedNotebooks(hub);
    console.log(`Published the demo supported notebooks: ${published.join(', ')}`);
    if (codeServerPort !== undefined) {
      console.log('Starting VS Code (code-server) with the extension installed...');
      codeServer = await startCodeServer({
        vsix: path.join(REPO_ROOT, 'dist', 'hub-notebooks.vsix'),
        port: codeServerPort,
        userSettings: { 'hubNotebooks.hubs': [`${hub.url}/`] },
      });
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  console.log(`\nJupyterHub ${hub.version} (${hub.flavor}) is up at ${hub.url}/hub/`);
  if (codeServer) {
    console.log(
      `VS Code is up at ${codeServer.url}/ : open it, click "Hub Notebooks" in the activity bar, then`,
    );
    console.log('"Sign In" (or run "Hub Notebooks: Sign In" from the command palette).');
  }
  console.log(
    `State and logs: ${hub.stateDir}/hub.log\n\nDemo logins (team = alice, bob, carol; carol is admin and may publish supported notebooks):`,
  );
  for (const user of DEMO_USERS) console.log(`  ${user.padEnd(6)} ${hub.passwords[user]}`);
  console.log('\nCtrl-C stops everything this started.');
  // Signal listeners alone do not keep node running (the children's handles are unref'd): hold a timer.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  console.log('\nStopping...');
  await stopAll();
  console.log('Stopped.');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
