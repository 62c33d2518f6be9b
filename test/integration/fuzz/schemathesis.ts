// Runs schemathesis (the pinned one in the tools venv that test/hub/setup.sh builds) against the service's
// OpenAPI document behind a real hub, and reads its NDJSON report: which operations it tested, how many
// requests it made, and every failed check.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where setup.sh puts schemathesis (and later the other Python test oracles). */
export const TOOLS_VENV = process.env['HUB_TOOLS_VENV'] ?? '/opt/hub-notebooks/venv-tools';
const HERE = __dirname;
const CONFIG = path.join(HERE, 'schemathesis.toml');
const HOOKS = path.join(HERE, 'hooks.py');

export interface FuzzRun {
  /** Names the run in messages, e.g. "valid token (alice)". */
  label: string;
  /** The Authorization token, or undefined to send no Authorization header at all. */
  token: string | undefined;
  /** `refused`: every operation that needs a token must refuse this one (hooks.py's extra check). */
  expect: 'accepted' | 'refused';
  maxExamples: number;
  seed: number;
  /**
   * The operations to fuzz (HEAD ones are `<id>Head`). Always a list of what to include: without one, and
   * with `--exclude-operation-id`, schemathesis 4.32 leaves out `GET /openapi.json`, the document's own URL.
   */
  operationIds: readonly string[];
}

export interface FuzzResult {
  label: string;
  /** Operation labels such as `GET /api/team/list`. */
  operations: Set<string>;
  /** Requests schemathesis made (test cases, each one request; probes of some checks come on top). */
  requests: number;
  /** `check: operation` for each failed check, with schemathesis's own message. */
  failures: string[];
  exitCode: number;
  /** What schemathesis printed (tokens in it are shown as [Filtered]); for failure messages. */
  output: string;
}

/** The `st` executable, or an error that says how to get it. */
export function schemathesisBin(): string {
  const bin = path.join(TOOLS_VENV, 'bin', 'st');
  if (!fs.existsSync(bin)) {
    throw new Error(`schemathesis is not installed at ${bin}: run test/hub/setup.sh (as root) first`);
  }
  return bin;
}

/** Runs one schemathesis run against `{hubUrl}/services/hub-notebooks/openapi.json`. */
export async function runSchemathesis(hubUrl: string, run: FuzzRun): Promise<FuzzResult> {
  const bin = schemathesisBin();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-notebooks-fuzz-'));
  try {
    const config = path.join(work, 'schemathesis.toml');
    let text = fs.readFileSync(CONFIG, 'utf8');
    // Without a token there must be no Authorization header, not an empty one.
    if (run.token === undefined) text = text.replace(/^headers = .*$/m, '');
    fs.writeFileSync(config, text);
    const args = [
      '--config-file',
      config,
      'run',
      `${hubUrl}/services/hub-notebooks/openapi.json`,
      '--checks',
      'all',
      '--max-examples',
      String(run.maxExamples),
      '--seed',
      String(run.seed),
      '--workers',
      '1',
      '--no-color',
      '--report',
      'ndjson',
      '--report-dir',
      work,
      ...run.operationIds.flatMap((id) => ['--include-operation-id', id]),
    ];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HUB_NOTEBOOKS_FUZZ_HOOKS: HOOKS,
      HUB_NOTEBOOKS_FUZZ_EXPECT: run.expect,
      HUB_NOTEBOOKS_FUZZ_TOKEN: run.token ?? '',
      // Hypothesis keeps examples in a database under the working directory by default: not here.
      HYPOTHESIS_STORAGE_DIRECTORY: path.join(work, '.hypothesis'),
    };
    const { code, output } = await runProcess(bin, args, env, work);
    return { label: run.label, ...readReport(work), exitCode: code, output };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function runProcess(
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

interface ScenarioFinished {
  status?: string;
  phase?: string;
  recorder?: {
    label?: string;
    cases?: Record<string, unknown>;
  };
  checks?: Record<
    string,
    { name: string; status: string; failure_info?: { failure?: { title?: string } } }[]
  >;
}

function readReport(dir: string): Pick<FuzzResult, 'operations' | 'requests' | 'failures'> {
  const file = fs.readdirSync(dir).find((n) => n.endsWith('.ndjson'));
  if (!file) throw new Error('schemathesis wrote no NDJSON report');
  const operations = new Set<string>();
  const failures = new Set<string>();
  let requests = 0;
  for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
    if (!line.startsWith('{"ScenarioFinished"')) continue;
    const event = (JSON.parse(line) as { ScenarioFinished: ScenarioFinished }).ScenarioFinished;
    const label = event.recorder?.label;
    // Operation labels start with the method; "Stateful tests" and the like are phases.
    if (label && /^[A-Z]+ \//.test(label)) operations.add(label);
    requests += Object.keys(event.recorder?.cases ?? {}).length;
    if (event.status === 'failure' && event.checks === undefined) {
      failures.add(`scenario failed: ${label ?? '?'} (${event.phase ?? '?'} phase)`);
    }
    for (const checks of Object.values(event.checks ?? {})) {
      for (const check of checks) {
        if (check.status !== 'failure') continue;
        const title = check.failure_info?.failure?.title ?? '';
        failures.add(`${check.name}: ${label ?? '?'}${title ? ` (${title})` : ''}`);
      }
    }
  }
  return { operations, requests, failures: [...failures].sort() };
}
