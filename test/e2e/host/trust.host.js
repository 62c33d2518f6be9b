// Runs inside the real extension host in a workspace whose .vscode/settings.json points hubNotebooks.hubs
// at another host. Trusted, VS Code hands that value to the extension; untrusted, it must not, because the
// setting is in the manifest's restrictedConfigurations. The e2e test runs it both ways.
const assert = require('node:assert/strict');
const vscode = require('vscode');

const EVIL = ['https://evil.example/'];

exports.run = async function run() {
  const extension = vscode.extensions.getExtension('hub-notebooks.hub-notebooks');
  assert.ok(extension, 'the extension is installed');
  await extension.activate();
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  assert.ok(folder, 'a folder is open');
  const file = vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json');
  const onDisk = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8'));
  assert.deepEqual(onDisk['hubNotebooks.hubs'], EVIL, 'the workspace sets the hub list');
  const config = vscode.workspace.getConfiguration('hubNotebooks');
  if (vscode.workspace.isTrusted) {
    assert.deepEqual(config.get('hubs'), EVIL, 'a trusted workspace may set it');
    console.log('trust.host: trusted, the workspace value is used');
  } else {
    assert.deepEqual(config.get('hubs'), [], 'an untrusted workspace cannot point the token elsewhere');
    assert.equal(config.get('servicePath'), 'services/hub-notebooks/', 'nor move the service path');
    console.log('trust.host: untrusted, the workspace values of restricted settings are ignored');
  }
};
