// Tests that run inside code-server's real extension host, with the repository as the extension under
// development: the harness's own pass/fail check, then the sign-in adapters' registration.
import assert from 'node:assert/strict';
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
