// A test entry for runExtensionHostTests that must pass: VS Code requires it inside the real extension host
// (so CommonJS, and `vscode` is the real API) and turns the promise run() returns into the exit code.
const assert = require('node:assert/strict');
const vscode = require('vscode');

const EXTENSION_ID = 'hub-notebooks.hub-notebooks';

exports.run = async function run() {
  assert.ok(vscode.version.startsWith('1.100'), `expected VS Code 1.100.x, got ${vscode.version}`);
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  await extension.activate();
  assert.ok(extension.isActive, `${EXTENSION_ID} did not become active`);
  console.log(`smoke: VS Code ${vscode.version}, ${EXTENSION_ID} active from ${extension.extensionPath}`);
};
