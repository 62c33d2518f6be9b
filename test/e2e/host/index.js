// The extension-host entries as one suite, for `npm run test:electron` (desktop VS Code through
// @vscode/test-electron). code-server runs each entry on its own (test/e2e/extensionHost.e2e.test.ts).
const entries = ['./auth.host.js'];

exports.run = async function run() {
  for (const entry of entries) {
    await require(entry).run();
  }
};
