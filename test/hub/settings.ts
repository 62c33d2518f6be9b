// What a test hub is made of: each flavour's programs, the demo users, and the settings file that
// test/hub/jupyterhub_config.py reads (secrets included: written mode 600 into the state dir).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type HubFlavor = 'pypi' | 'debian3';
export type DemoUser = 'alice' | 'bob' | 'carol' | 'dave';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const USERS_FILE = process.env['HUB_USERS_FILE'] ?? '/var/lib/hub-notebooks-sandbox/users.json';
export const DEMO_USERS: readonly DemoUser[] = ['alice', 'bob', 'carol', 'dave'];
export const TEAM_USERS: readonly DemoUser[] = ['alice', 'bob', 'carol'];
export const ADMIN_USERS: readonly DemoUser[] = ['carol'];
/** May publish and roll back supported notebooks (the hub group named by HUB_NOTEBOOKS_MAINTAINER_GROUPS). */
export const MAINTAINER_USERS: readonly DemoUser[] = ['carol'];
export const MAINTAINER_GROUP = 'notebook-maintainers';
export const TEAM_API_KEY = 'fake-team-key-for-tests';
export const SERVICE_NAME = 'hub-notebooks';
/** The operator's snippet from docs/, which the harness's jupyterhub_config.py loads as is. */
export const OPERATOR_SNIPPET = path.join(REPO_ROOT, 'docs', 'jupyterhub_config.hub-notebooks.py');
/** The consent page the snippet installs (docs/templates/oauth.html). */
export const OPERATOR_TEMPLATES = path.join(REPO_ROOT, 'docs', 'templates');
/** The optional server-side kit for operators (docs/hub-kit): its *.py files are copied for each hub run. */
export const HUB_KIT_SRC = path.join(REPO_ROOT, 'docs', 'hub-kit');

/** HUB_FLAVOR, `pypi` when unset; anything else is an error rather than a silent default. */
export function flavorFromEnv(): HubFlavor {
  const flavor = process.env['HUB_FLAVOR'] ?? 'pypi';
  if (flavor !== 'pypi' && flavor !== 'debian3')
    throw new Error(`HUB_FLAVOR must be pypi or debian3, not ${flavor}`);
  return flavor;
}

const VENV = process.env['HUB_VENV'] ?? '/opt/hub-notebooks/venv-jh5';

export interface FlavorSetup {
  hubCmd: string[];
  singleuserCmd: string[];
  proxyCmd: string[];
  env: Record<string, string>;
}

export function flavorSetup(flavor: HubFlavor): FlavorSetup {
  if (flavor === 'debian3') {
    return {
      // Debian's python, never pyenv's: the packages live in /usr/lib/python3/dist-packages.
      hubCmd: ['/usr/bin/python3', '/usr/bin/jupyterhub'],
      singleuserCmd: ['/usr/bin/jupyterhub-singleuser'],
      proxyCmd: ['/usr/bin/configurable-http-proxy'],
      // Debian's proxy finds its modules (commander, ...) only there.
      env: { NODE_PATH: '/usr/share/nodejs' },
    };
  }
  const chp =
    process.env['HUB_CHP'] ?? path.join(REPO_ROOT, 'node_modules', '.bin', 'configurable-http-proxy');
  return {
    hubCmd: [path.join(VENV, 'bin', 'jupyterhub')],
    singleuserCmd: [path.join(VENV, 'bin', 'jupyterhub-singleuser')],
    proxyCmd: [chp],
    env: {},
  };
}

export function defaultServiceCommand(): string[] {
  return [process.execPath, path.join(REPO_ROOT, 'dist', 'service.js')];
}

/** HUB_SERVICE_COMMAND: a JSON array, e.g. to run the service from source or a stub. */
export function serviceCommandFromEnv(): string[] | undefined {
  const raw = process.env['HUB_SERVICE_COMMAND'];
  if (!raw) return undefined;
  const parsed: unknown = JSON.parse(raw);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) {
    throw new Error('HUB_SERVICE_COMMAND must be a JSON array of strings');
  }
  return parsed;
}

function checkExecutable(file: string, hint: string): void {
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    throw new Error(`${file} is missing or not executable: ${hint}`);
  }
}

export function checkPrerequisites(setup: FlavorSetup, serviceCommand: string[]): void {
  const setupHint = 'run `sudo bash test/hub/setup.sh` first';
  for (const cmd of [setup.hubCmd, setup.singleuserCmd]) checkExecutable(cmd[0] ?? '', setupHint);
  checkExecutable(setup.proxyCmd[0] ?? '', 'install the repo (npm ci) or set HUB_CHP for the pypi flavour');
  const script = serviceCommand.find((arg) => /\.[cm]?js$/.test(arg));
  if (script && !fs.existsSync(script)) {
    throw new Error(
      `hub-notebooks service not built: ${script} is missing (build first, or pass serviceCommand)`,
    );
  }
}

/** The loopback ports of one run, besides the public one in `url`. */
export interface RunPorts {
  hub: number;
  proxyApi: number;
  service: number;
}

export interface RunConfig {
  flavor: HubFlavor;
  ports: RunPorts;
  stateDir: string;
  url: string;
  adminToken: string;
  serviceToken: string;
  serviceCommand: string[];
  /** A world-readable copy of docs/hub-kit's *.py, on the PYTHONPATH of the named servers that use it. */
  hubKitDir: string;
}

export function writeSettings(
  rc: RunConfig,
  setup: FlavorSetup,
  extraServiceEnv: Record<string, string> = {},
): string {
  const serviceEnv: Record<string, string> = {
    HUB_PUBLIC_URL: rc.url,
    // Everything the service can log is logged, so the token-hygiene test greps the most there is.
    HUB_NOTEBOOKS_LOG_LEVEL: 'trace',
    // Handoff codes live 60 s in production; 5 s lets a test see one expire without idling a minute.
    HUB_NOTEBOOKS_HANDOFF_TTL_SECONDS: '5',
    // The supported store (SQLite and blobs) lives with the rest of this run's state.
    HUB_NOTEBOOKS_DATA_DIR: path.join(rc.stateDir, 'hub-notebooks-data'),
    HUB_NOTEBOOKS_MAINTAINER_GROUPS: MAINTAINER_GROUP,
    // The fake team key is the secret whose value outputs must never show.
    HUB_NOTEBOOKS_REDACT_ENV: 'TEAM_API_KEY',
    // Tests change files and expect the next request to see it.
    HUB_NOTEBOOKS_INDEX_MAX_AGE_SECONDS: '0',
    // Every sign-in of a test run comes from 127.0.0.1 through the proxy, dozens a minute; the rate-limit
    // test floods from another loopback address, and the fuzzer's flood only ever gets 429 answers.
    HUB_NOTEBOOKS_SIGN_IN_RATE_LIMIT: '200',
    ...extraServiceEnv,
  };
  // Lets coverage tools see the managed service too.
  if (process.env['NODE_V8_COVERAGE']) serviceEnv['NODE_V8_COVERAGE'] = process.env['NODE_V8_COVERAGE'];
  const settings = {
    stateDir: rc.stateDir,
    publicUrl: rc.url,
    hubPort: rc.ports.hub,
    proxyApiUrl: `http://127.0.0.1:${rc.ports.proxyApi}`,
    proxyAuthToken: crypto.randomBytes(32).toString('hex'),
    proxyCommand: setup.proxyCmd,
    singleuserCmd: setup.singleuserCmd,
    spawnerEnvironment: { TEAM_API_KEY },
    users: DEMO_USERS,
    adminUsers: ADMIN_USERS,
    teamUsers: TEAM_USERS,
    maintainerGroup: MAINTAINER_GROUP,
    maintainerUsers: MAINTAINER_USERS,
    operatorSnippet: OPERATOR_SNIPPET,
    templatesDir: OPERATOR_TEMPLATES,
    testAdminToken: rc.adminToken,
    hubKitDir: rc.hubKitDir,
    hubNotebooks: {
      url: `http://127.0.0.1:${rc.ports.service}`,
      command: rc.serviceCommand,
      apiToken: rc.serviceToken,
      environment: serviceEnv,
    },
  };
  const file = path.join(rc.stateDir, 'settings.json');
  fs.writeFileSync(file, JSON.stringify(settings, null, 2), { mode: 0o600 });
  fs.copyFileSync(
    path.join(__dirname, 'jupyterhub_config.py'),
    path.join(rc.stateDir, 'jupyterhub_config.py'),
  );
  return file;
}
