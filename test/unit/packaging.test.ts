// `npm run package` builds a VSIX holding the extension bundle and manifest, and nothing of the service,
// the sources or the tests.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { test } from 'node:test';

const VSIX = 'dist/hub-notebooks.vsix';

test('the VSIX holds the extension bundle and manifest only', (t) => {
  execFileSync('npm', ['run', '--silent', 'package'], { stdio: 'pipe' });
  t.diagnostic(`VSIX size: ${statSync(VSIX).size} bytes`);
  const listing = execFileSync('unzip', ['-Z1', VSIX], { encoding: 'utf8' }).split('\n').filter(Boolean);
  assert.ok(listing.includes('extension/dist/extension.js'));
  assert.ok(listing.includes('extension/dist/axios.js'), 'axios ships apart, loaded at the first request');
  assert.ok(
    listing.includes('extension/dist/jupyterlab.js'),
    '@jupyterlab/services ships apart, loaded when the first cell runs',
  );
  assert.ok(listing.includes('extension/package.json'));
  assert.ok(listing.includes('extension/readme.md'), 'vsce stores the README as readme.md');
  const stray = listing.filter((f) =>
    /^extension\/(src|test|scripts|node_modules|\.ci)\/|service\.js|\.map$/.test(f),
  );
  assert.deepEqual(stray, []);
  const manifestText = execFileSync('unzip', ['-p', VSIX, 'extension/package.json'], { encoding: 'utf8' });
  const manifest = JSON.parse(manifestText) as { engines: { vscode: string }; name: string };
  assert.equal(manifest.engines.vscode, '^1.100.0');
  assert.equal(manifest.name, 'hub-notebooks');
});
