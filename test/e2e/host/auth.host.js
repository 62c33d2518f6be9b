// Runs inside code-server's real extension host (see test/e2e/harness/extensionHost.ts): the sign-in's
// adapters are registered with the real VS Code, and a signed-out window has no session.
const assert = require('node:assert/strict');
const vscode = require('vscode');

const EXTENSION_ID = 'hub-notebooks.hub-notebooks';

exports.run = async function run() {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  await extension.activate();

  const commands = await vscode.commands.getCommands(true);
  for (const id of ['hubNotebooks.signIn', 'hubNotebooks.signInWithToken', 'hubNotebooks.signOut']) {
    assert.ok(commands.includes(id), `${id} is registered`);
  }

  // A provider that is not registered makes getSession reject; ours answers "no session" while signed out.
  const session = await vscode.authentication.getSession('hub-notebooks', [], { silent: true });
  assert.equal(session, undefined, 'a fresh profile has no hub session');

  // The hub list is a restricted setting: declared, and read through the one accessor.
  const hubs = vscode.workspace.getConfiguration('hubNotebooks').inspect('hubs');
  assert.ok(hubs, 'hubNotebooks.hubs is contributed');
  assert.deepEqual(hubs.defaultValue, []);
  console.log('auth.host: provider, commands and settings present in the real extension host');
};
