// A test entry for runExtensionHostTests that must fail: it shows that a rejected run() becomes a non-zero
// exit code rather than passing silently.
const vscode = require('vscode');

exports.run = async function run() {
  console.log(`smoke: failing on purpose in VS Code ${vscode.version}`);
  throw new Error('this entry fails on purpose');
};
