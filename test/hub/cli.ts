// `node --import tsx test/hub/cli.ts start [--flavor pypi|debian3] [--port N] [--state-dir DIR]`
// Starts a demo hub in the foreground, prints where it is and who can log in, and stops it cleanly on
// Ctrl-C or SIGTERM. The demo passwords are printed on purpose: they are throwaway local unix accounts.
import { parseArgs } from 'node:util';

import { DEMO_USERS, startHub, type HubFlavor, type StartHubOptions } from './harness';
import { flavorFromEnv } from './settings';

const USAGE = 'usage: cli.ts start [--flavor pypi|debian3] [--port N] [--state-dir DIR] [--verbose]';

function parseOptions(argv: string[]): StartHubOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      flavor: { type: 'string' },
      port: { type: 'string' },
      'state-dir': { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
    },
  });
  if (positionals[0] !== 'start' || positionals.length > 1) throw new Error(USAGE);
  const flavor = values.flavor ?? flavorFromEnv();
  if (flavor !== 'pypi' && flavor !== 'debian3')
    throw new Error(`--flavor must be pypi or debian3\n${USAGE}`);
  const opts: StartHubOptions = { flavor: flavor satisfies HubFlavor };
  if (values.port) opts.port = Number(values.port);
  if (values['state-dir']) opts.stateDir = values['state-dir'];
  if (values.verbose) opts.log = (line) => console.log(`  hub| ${line}`);
  return opts;
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  console.log(`Starting a ${opts.flavor} JupyterHub...`);
  const hub = await startHub(opts);
  console.log(`\nJupyterHub ${hub.version} (${hub.flavor}) is up at ${hub.url}/hub/`);
  console.log(
    `State and logs: ${hub.stateDir}/hub.log\n\nDemo logins (team = alice, bob, carol; carol is admin):`,
  );
  for (const user of DEMO_USERS) console.log(`  ${user.padEnd(6)} ${hub.passwords[user]}`);
  console.log('\nCtrl-C stops the hub and every server it started.');
  // Signal listeners alone do not keep node running (the hub's child handle is unref'd): hold a timer.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  console.log('\nStopping...');
  await hub.stop();
  console.log('Stopped.');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
