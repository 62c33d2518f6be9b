// Tests that run inside code-server's real extension host, with the repository as the extension under
// development: the harness's own pass/fail check, then the sign-in adapters' registration.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { startCodeServer, type CodeServerHandle } from './harness/codeServer';
import { runExtensionHostTests } from './harness/extensionHost';

const ROOT = path.resolve(__dirname, '..', '..');
const VSIX = path.join(ROOT, 'dist', 'hub-notebooks.vsix');
let cs: CodeServerHandle;

before(async () => {
  cs = await startCodeServer({ vsix: VSIX });
});

after(async () => {
  await cs?.stop();
});

function run(entry: string) {
  return runExtensionHostTests(cs, {
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(__dirname, entry),
  });
}

test('a passing entry exits 0 and a failing one does not (the runner can fail)', async () => {
  const pass = await run('harness/smoke/pass.js');
  assert.equal(pass.exitCode, 0, pass.logs.join('\n'));
  const fail = await run('harness/smoke/fail.js');
  assert.notEqual(fail.exitCode, 0);
});

test('the authentication provider, sign-in commands and restricted settings exist in the real host', async () => {
  const result = await run('host/auth.host.js');
  assert.equal(result.exitCode, 0, result.logs.join('\n'));
  assert.ok(result.logs.some((l) => l.includes('auth.host: provider, commands and settings present')));
});

test('Workspace Trust: a hub URL set in workspace settings is used when trusted, ignored when not', async () => {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-notebooks-untrusted-'));
  fs.mkdirSync(path.join(workspace, '.vscode'));
  fs.writeFileSync(
    path.join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({
      'hubNotebooks.hubs': ['https://evil.example/'],
      'hubNotebooks.servicePath': 'services/evil/',
    }),
  );
  try {
    for (const [workspaceTrust, expected] of [
      [false, 'trusted, the workspace value is used'], // trust checks off: every workspace is trusted
      [true, 'untrusted, the workspace values of restricted settings are ignored'], // nobody answers the dialog
    ] as const) {
      const server = await startCodeServer({ vsix: VSIX, workspaceTrust, workspaceDir: workspace });
      try {
        const result = await runExtensionHostTests(server, {
          extensionDevelopmentPath: ROOT,
          extensionTestsPath: path.join(__dirname, 'host/trust.host.js'),
        });
        assert.equal(result.exitCode, 0, result.logs.join('\n'));
        assert.ok(
          result.logs.some((l) => l.includes(expected)),
          `expected "${expected}"`,
        );
      } finally {
        await server.stop();
      }
    }
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
});
