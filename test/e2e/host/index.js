// The extension-host entries as one suite, for `npm run test:electron` (desktop VS Code through
// @vscode/test-electron). code-server runs each entry on its own (test/e2e/extensionHost.e2e.test.ts and
// extensionHostHub.e2e.test.ts).
//
// The hub entry needs a running hub named by HUB_NOTEBOOKS_E2E_HUB (its URL, e.g. from `npm start`), the
// hubNotebooks.hubs setting pointing there, alice's server running, and someone to paste an API token of
// alice's into the input box it opens (in code-server the Node side types it). HUB_NOTEBOOKS_E2E_HOMES (the
// homes' directory, readable here) adds the on-disk checks. Without HUB_NOTEBOOKS_E2E_HUB it is skipped.
const { HUB_ENV } = require('./hub.host.js');

const entries = ['./auth.host.js'];
const hubEntries = ['./hub.host.js'];

exports.run = async function run() {
  for (const entry of entries) {
    await require(entry).run();
  }
  if (!process.env[HUB_ENV]) {
    console.log(`skipped ${hubEntries.join(', ')}: set ${HUB_ENV} to a running hub's URL to run them`);
    return;
  }
  for (const entry of hubEntries) {
    await require(entry).run();
  }
};
