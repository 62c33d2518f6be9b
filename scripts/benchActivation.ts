// Activation in code-server, as VS Code itself measures it ("Developer: Show Running Extensions": loading the
// bundle plus the activate() call), over ACTIVATION_RUNS window loads (default 9) of one code-server with the
// packaged extension (dist/hub-notebooks.vsix, `npm run package`). Each reload starts a new extension host, so
// each run activates afresh. Beside VS Code's figure, the extension's own marks from its log: when VS Code had
// built its API object, how long the bundle's modules took to evaluate, and activate() itself.
import fs from 'node:fs';
import path from 'node:path';
import { extensionLogText, startCodeServer } from '../test/e2e/harness/codeServer';
import { openWorkbench, runCommand } from '../test/e2e/harness/workbench';
import { median } from './benchUtil';

const RUNS = Number(process.env.ACTIVATION_RUNS ?? 9);
const VSIX = path.resolve(__dirname, '..', 'dist', 'hub-notebooks.vsix');
const MARKS = /vscode API ([\d.]+) ms, modules evaluated in ([\d.]+) ms, activate\(\) took ([\d.]+) ms/g;

export interface ActivationRun {
  vscodeMs: number;
  apiMs: number;
  evaluatedMs: number;
  activateMs: number;
}

/** The activation line of each window session so far, oldest first, from the extension's log files. */
function loggedMarks(userDataDir: string): ActivationRun[] {
  return [...extensionLogText(userDataDir).matchAll(MARKS)].map((m) => ({
    vscodeMs: NaN,
    apiMs: Number(m[1]),
    evaluatedMs: Number(m[2]),
    activateMs: Number(m[3]),
  }));
}

export async function benchActivation(log: (line: string) => void = console.log): Promise<ActivationRun[]> {
  if (!fs.existsSync(VSIX)) throw new Error(`no ${VSIX}: run npm run package first`);
  const cs = await startCodeServer({ vsix: VSIX });
  const wb = await openWorkbench(cs);
  const runs: ActivationRun[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      if (i > 0) {
        await wb.page.reload();
        await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      }
      await runCommand(wb.page, 'Developer: Show Running Extensions');
      const row = wb.page.locator('.runtime-extensions-editor .monaco-list-row', {
        hasText: 'Hub Notebooks',
      });
      // "Activating..." until it has: wait for the figure itself.
      const time = row.locator('.activation-time', { hasText: /Activation: \d+ms/ });
      await time.waitFor({ timeout: 30_000 });
      const text = await time.innerText();
      const ms = /Activation: (\d+)ms/.exec(text)?.[1];
      if (ms === undefined) throw new Error(`no activation time in "${text}"`);
      const marks = loggedMarks(cs.userDataDir).at(-1);
      if (!marks) throw new Error('the extension logged no activation marks');
      runs.push({ ...marks, vscodeMs: Number(ms) });
      log(`activation ${i + 1}/${RUNS}: ${ms} ms (${text.trim()})`);
    }
  } finally {
    await wb.close();
    await cs.stop();
  }
  return runs;
}

/** Bytes of the bundle that activation reads: dist/extension.js (the rest loads on first use). */
export function activationBundleKb(): number {
  return fs.statSync(path.resolve(__dirname, '..', 'dist', 'extension.js')).size / 1024;
}

export function printActivation(runs: readonly ActivationRun[]): void {
  const col = (pick: (r: ActivationRun) => number) => {
    const values = runs.map(pick);
    return `${median(values).toFixed(1)} | ${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;
  };
  console.log(`| what (${runs.length} window loads) | median ms | range ms |`);
  console.log('|---|---|---|');
  console.log(
    `| VS Code's figure (Running Extensions: bundle load + activate()) | ${col((r) => r.vscodeMs)} |`,
  );
  console.log(`| mark: bundle start → vscode API object built | ${col((r) => r.apiMs)} |`);
  console.log(`| mark: the bundle's modules evaluated | ${col((r) => r.evaluatedMs)} |`);
  console.log(`| mark: activate() | ${col((r) => r.activateMs)} |`);
  console.log(`\nBundle read at activation: dist/extension.js, ${activationBundleKb().toFixed(0)} KB`);
}

if (require.main === module) {
  benchActivation().then(printActivation, (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
