// Runs inside the real extension host against a real JupyterHub (test/e2e/extensionHostHub.e2e.test.ts starts
// it and passes its URL in HUB_NOTEBOOKS_E2E_HUB through code-server's environment). Signs in as alice with an
// API token through the real command, whose input box the Node side (or, in desktop VS Code, a person)
// answers; then checks the file system provider (hubFiles.host.js) and the kernel controllers
// (hubKernels.host.js) with that session.
const assert = require('node:assert/strict');
const vscode = require('vscode');

const EXTENSION_ID = 'hub-notebooks.hub-notebooks';
const PROVIDER_ID = 'hub-notebooks';
/** The environment variable that names the hub, e.g. http://127.0.0.2:8123/ (never a token). */
const HUB_ENV = 'HUB_NOTEBOOKS_E2E_HUB';

exports.HUB_ENV = HUB_ENV;

exports.run = async function run() {
  const hubUrl = process.env[HUB_ENV];
  assert.ok(hubUrl, `${HUB_ENV} did not reach the extension host through code-server's environment`);
  const authority = new URL(hubUrl).host.toLowerCase();
  console.log(`hub.host: ${HUB_ENV} reached the extension host (${authority})`);
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  await extension.activate();

  await trustHub(hubUrl);
  await signInWithToken(authority);
  await require('./hubFiles.host.js').run({ authority });
  await require('./hubKernels.host.js').run({ authority });
  console.log('hub.host: all hub checks passed in the real extension host');
};

/**
 * VS Code refuses every dialog while it runs extension tests (its DialogService throws "refused to show
 * dialog in tests"), so the "open the external website?" confirmation for an untrusted hub would make
 * openExternal throw. The hub's origin is trusted instead, the way "Configure Trusted Domains" does it: by
 * writing the workbench's Trusted Domains file.
 */
async function trustHub(hubUrl) {
  const file = vscode.Uri.from({ scheme: 'trustedDomains', path: '/Trusted Domains' });
  await vscode.workspace.fs.writeFile(file, Buffer.from(JSON.stringify([new URL(hubUrl).origin])));
}

async function signInWithToken(authority) {
  const label = `alice @ ${authority}`;
  assert.deepEqual(await vscode.authentication.getAccounts(PROVIDER_ID), [], 'the window starts signed out');
  // The real command: it opens the hub's token page, then asks for the token in an input box, checks it
  // against GET /hub/api/user and stores the session. It reports its own failures and resolves either way.
  await vscode.commands.executeCommand('hubNotebooks.signInWithToken');
  // getAccounts asks the provider for its sessions, with no access check: alice's session is there.
  const accounts = await vscode.authentication.getAccounts(PROVIDER_ID);
  assert.deepEqual(
    accounts.map((a) => a.label),
    [label],
    'after the token sign-in, the provider has one session, alice on the hub',
  );
  // VS Code hands a session to an extension, even the provider's own, only once the account's allowed list
  // names it. The token sign-in goes to the provider directly, not through getSession(createIfNone), so
  // nothing was recorded, and a silent request gets nothing. (In an extension test VS Code refuses the
  // consent dialog that would record it, so this cannot be granted here either.)
  const silent = await vscode.authentication.getSession(PROVIDER_ID, [], { silent: true });
  assert.equal(
    silent,
    undefined,
    `a silent getSession after a token sign-in is undefined (VS Code's access rule), not ${silent?.account.label}`,
  );
  console.log(`hub.host: signed in with an API token as ${label}`);
}
