import fs from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  CATALOG_ROUTES,
  MAX_NOTEBOOK_BYTES,
  SUPPORTED_NAME_PATTERN,
  SUPPORTED_NAME_RULE,
  VERSION_PATTERN,
  VERSION_RULE,
  supportedNotebookSchema,
  supportedVersionSchema,
} from '../../core/catalog/schemas';
import { createHubTransport, type HubResponse, type HubTransport } from '../../core/hub';
import { checkShape } from '../../core/hub/response';
import { parseNotebook, stripOutputs } from '../../core/notebook';
import { messageOf } from '../../core/errors';

/** The commands main.ts hands to runCli rather than starting the service. */
export const CLI_COMMANDS: readonly string[] = ['publish', 'rollback', 'help', '--help', '-h'];

export const CLI_USAGE = `Usage:
  node dist/service.js publish <file.ipynb> --name <name> --version <x.y.z> [--hub-url <url>] [--service-path <path>]
  node dist/service.js rollback --name <name> --version <x.y.z> [--hub-url <url>] [--service-path <path>]
  node dist/service.js            (no command: run the hub service, as JupyterHub does)

publish   uploads a notebook as a new immutable version of a supported notebook and makes it current.
          Outputs are stripped before upload (and again by the service).
rollback  moves the current version of a supported notebook back to an older published one.

Options:
  --name <name>          the supported notebook's name: lower-case letters, digits, '.', '_', '-'
  --version <x.y.z>      MAJOR.MINOR.PATCH; a new version must be greater than every published one
  --hub-url <url>        the hub's address; else $HUB_NOTEBOOKS_HUB_URL, else $JUPYTERHUB_URL
  --service-path <path>  where the service lives on the hub (default services/hub-notebooks/)
  -h, --help             this text

The hub API token of a maintainer is read from $HUB_NOTEBOOKS_TOKEN, else $JUPYTERHUB_API_TOKEN, never from the
command line. It needs the scope access:services!service=hub-notebooks.

Exit status: 0 done, 1 refused or failed (the service's message is printed), 2 bad usage.`;

/** Where the CLI writes; injected so tests can capture it. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** Runs `publish`, `rollback` or `help` (argv without node and the script) and returns the exit status. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliArgs(argv, env);
  } catch (err) {
    io.err(`${messageOf(err)}\nRun with --help for usage.`);
    return 2;
  }
  if (options.command === 'help') {
    io.out(CLI_USAGE);
    return 0;
  }
  try {
    const transport = createHubTransport({
      baseUrl: options.hubUrl,
      getToken: () => options.token,
      // A 64 MB notebook over a slow CI link takes a while; the service answers quickly once it has it.
      timeoutMs: 300_000,
    });
    io.out(
      options.command === 'publish'
        ? await publish(transport, options, options.file)
        : await rollback(transport, options),
    );
    return 0;
  } catch (err) {
    io.err(`${options.command} failed: ${messageOf(err)}`);
    return 1;
  }
}

type CliOptions =
  { command: 'help' } | (Target & { command: 'publish'; file: string }) | (Target & { command: 'rollback' });

interface Target {
  name: string;
  version: string;
  hubUrl: string;
  servicePath: string;
  token: string;
}

function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    return { command: 'help' };
  }
  if (command !== 'publish' && command !== 'rollback') throw new Error(`Unknown command: ${command}`);
  if (rest.some((a) => /^--?(token|api-token)(=|$)/.test(a))) {
    throw new Error(
      'Tokens are never taken from the command line (where ps and CI logs show them): set HUB_NOTEBOOKS_TOKEN.',
    );
  }
  const { values, positionals } = parseArgs({
    args: [...rest],
    allowPositionals: true,
    strict: true,
    options: {
      name: { type: 'string' },
      version: { type: 'string' },
      'hub-url': { type: 'string' },
      'service-path': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { command: 'help' };
  const name = values.name ?? '';
  if (!SUPPORTED_NAME_PATTERN.test(name)) {
    throw new Error(`Give --name. ${SUPPORTED_NAME_RULE}`);
  }
  const version = values.version ?? '';
  if (!VERSION_PATTERN.test(version)) throw new Error(`Give --version. ${VERSION_RULE}`);
  const hubUrl = values['hub-url'] || env.HUB_NOTEBOOKS_HUB_URL || env.JUPYTERHUB_URL;
  if (!hubUrl) throw new Error('Give the hub address with --hub-url, or set HUB_NOTEBOOKS_HUB_URL.');
  const token = env.HUB_NOTEBOOKS_TOKEN || env.JUPYTERHUB_API_TOKEN;
  if (!token) throw new Error("Set HUB_NOTEBOOKS_TOKEN to a maintainer's hub API token.");
  const servicePath = values['service-path'] ?? 'services/hub-notebooks/';
  if (/^[a-z][a-z0-9+.-]*:|^[/\\]/i.test(servicePath)) {
    throw new Error('--service-path is relative to the hub address, for example services/hub-notebooks/.');
  }
  const target: Target = {
    name,
    version,
    hubUrl,
    token,
    servicePath: servicePath.endsWith('/') ? servicePath : `${servicePath}/`,
  };
  if (command === 'rollback') {
    if (positionals.length > 0) throw new Error(`rollback takes no file (got ${positionals.join(' ')}).`);
    return { ...target, command };
  }
  if (positionals.length !== 1 || !positionals[0]) throw new Error('publish takes exactly one .ipynb file.');
  return { ...target, command, file: positionals[0] };
}

async function publish(transport: HubTransport, target: Target, file: string): Promise<string> {
  const stat = await fs.stat(file);
  if (stat.size > MAX_NOTEBOOK_BYTES) {
    throw new Error(
      `${file} is ${stat.size} bytes, over the ${MAX_NOTEBOOK_BYTES} bytes the catalog accepts.`,
    );
  }
  const parsed = parseNotebook(await fs.readFile(file));
  if (!parsed.ok) throw new Error(`${file}: ${parsed.reason}`);
  // Stripped here too, so outputs (and any secret in them) never leave the CI machine; the service strips again.
  const res = await transport.request({
    method: 'PUT',
    path: `${target.servicePath}${CATALOG_ROUTES.publish}?${query(target)}`,
    body: stripOutputs(parsed.notebook),
  });
  const published = checkShape(answer(res, 201, target), supportedVersionSchema, 'the publish');
  return `published ${published.name} ${published.version} (sha256 ${published.sha256})`;
}

async function rollback(transport: HubTransport, target: Target): Promise<string> {
  const res = await transport.request({
    method: 'POST',
    path: `${target.servicePath}${CATALOG_ROUTES.rollback}?${query(target)}`,
  });
  const notebook = checkShape(answer(res, 200, target), supportedNotebookSchema, 'the rollback');
  return `rolled back ${notebook.name} to ${notebook.currentVersion}`;
}

function query(target: Target): string {
  return new URLSearchParams({ name: target.name, version: target.version }).toString();
}

/** The parsed JSON of an expected answer, or an error carrying the service's own message. */
function answer(res: HubResponse<string>, ok: number, target: Target): unknown {
  let body: unknown;
  try {
    body = JSON.parse(res.data);
  } catch {
    body = undefined;
  }
  if (res.status === ok && body !== undefined) return body;
  const served = body as { error?: unknown; message?: unknown } | undefined;
  if (typeof served?.message === 'string') {
    throw new Error(
      `${served.message} (HTTP ${res.status}${typeof served.error === 'string' ? ` ${served.error}` : ''})`,
    );
  }
  throw new Error(
    `the hub answered HTTP ${res.status} without the service's JSON at ${res.url}. Check --hub-url and ` +
      `--service-path (${target.servicePath}), and that the token is valid and may access the service.`,
  );
}
