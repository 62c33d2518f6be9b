// `npm run test:electron`: the extension-host tests in desktop VS Code 1.100.3, downloaded by
// @vscode/test-electron, for developers whose machines can download it. CI on these machines cannot (no
// desktop VS Code is reachable), so it runs the same entries in code-server instead (npm run test:e2e).
import path from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(__dirname, '..');

runTests({
  version: '1.100.3',
  extensionDevelopmentPath: root,
  extensionTestsPath: path.join(root, 'test', 'e2e', 'host', 'index.js'),
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
}).then(
  (code) => {
    console.log(code === 0 ? '1 passed, 0 failed' : '0 passed, 1 failed');
    process.exit(code);
  },
  (err: unknown) => {
    console.error(`Could not run desktop VS Code: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
