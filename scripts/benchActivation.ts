// Activation in code-server, as VS Code itself measures it ("Developer: Show Running Extensions": loading the
// bundle plus the activate() call), over ACTIVATION_RUNS window loads (default 9) of one code-server with the
// packaged extension (dist/hub-notebooks.vsix, `npm run package`). Each reload starts a new extension host, so
// each run activates afresh. Beside VS Code's figure, the extension's own marks from its log: when VS Code had
// built its API object, how long the bundle's modules took to evaluate, and activate() itself.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
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

/** VS Code's activation figures over RUNS window loads of one code-server with `vsix` installed. */
async function measure(
  vsix: string,
  withMarks: boolean,
  log: (line: string) => void,
  readLog: (text: string) => void = () => undefined,
): Promise<ActivationRun[]> {
  const cs = await startCodeServer({ vsix });
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
      const marks = withMarks
        ? loggedMarks(cs.userDataDir).at(-1)
        : { vscodeMs: NaN, apiMs: NaN, evaluatedMs: NaN, activateMs: NaN };
      if (!marks) throw new Error('the extension logged no activation marks');
      runs.push({ ...marks, vscodeMs: Number(ms) });
      log(`activation ${withMarks ? '' : '(floor) '}${i + 1}/${RUNS}: ${ms} ms`);
    }
    readLog(extensionLogText(cs.userDataDir));
  } finally {
    await wb.close();
    await cs.stop();
  }
  return runs;
}

/**
 * The floor: our VSIX with the same manifest (activation events, contributions) but a bundle whose activate()
 * does nothing, so what VS Code spends on any extension like ours is measured beside our own figure.
 */
function floorVsix(): string {
  const out = path.join(os.tmpdir(), 'hub-notebooks-floor.vsix');
  const script = [
    'import sys, zipfile',
    'src, dst = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED)',
    'for i in src.infolist():',
    '    data = src.read(i.filename)',
    '    if i.filename == "extension/dist/extension.js":',
    "        data = b\"'use strict';require('vscode');exports.activate=function(){};exports.deactivate=function(){};\"",
    '    dst.writestr(i, data)',
    'dst.close()',
  ].join('\n');
  const made = spawnSync('python3', ['-c', script, VSIX, out], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`could not make the floor VSIX: ${made.stderr}`);
  return out;
}

export interface ActivationBench {
  runs: ActivationRun[];
  floor: ActivationRun[];
  /** When the rest (dist/main.js) loaded after activation: what for, and its two costs. */
  rest: { reason: string; evaluatedMs: number; builtMs: number }[];
}

const REST = /loaded the rest for (.+?): modules evaluated in ([\d.]+) ms, built in ([\d.]+) ms/g;

export async function benchActivation(log: (line: string) => void = console.log): Promise<ActivationBench> {
  if (!fs.existsSync(VSIX)) throw new Error(`no ${VSIX}: run npm run package first`);
  const rest: ActivationBench['rest'] = [];
  const runs = await measure(VSIX, true, log, (text) => {
    for (const m of text.matchAll(REST)) {
      rest.push({ reason: m[1] ?? '', evaluatedMs: Number(m[2]), builtMs: Number(m[3]) });
    }
  });
  const floor = await measure(floorVsix(), false, log);
  return { runs, floor, rest };
}

/** Bytes of the bundle that activation reads: dist/extension.js (the rest loads on first use). */
export function activationBundleKb(): number {
  return fs.statSync(path.resolve(__dirname, '..', 'dist', 'extension.js')).size / 1024;
}

export function printActivation({ runs, floor, rest }: ActivationBench): void {
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
  const floorMs = floor.map((r) => r.vscodeMs);
  console.log(
    `| floor: the same manifest, an empty activate() | ${median(floorMs).toFixed(1)} | ` +
      `${Math.min(...floorMs).toFixed(1)}–${Math.max(...floorMs).toFixed(1)} |`,
  );
  console.log(
    `\nVS Code's figure ÷ floor: ${(median(runs.map((r) => r.vscodeMs)) / median(floorMs)).toFixed(2)}×`,
  );
  console.log(`\nBundle read at activation: dist/extension.js, ${activationBundleKb().toFixed(0)} KB`);
  const reasons = [...new Set(rest.map((r) => r.reason))].join('; ') || 'nothing in these runs';
  console.log(
    rest.length === 0
      ? `The rest (dist/main.js) did not load after activation in ${runs.length} window loads (no session stored, nothing used).`
      : `The rest (dist/main.js) loaded after activation in ${rest.length} of ${runs.length} window loads, for ${reasons}: ` +
          `modules evaluated median ${median(rest.map((r) => r.evaluatedMs)).toFixed(1)} ms, ` +
          `built ${median(rest.map((r) => r.builtMs)).toFixed(1)} ms`,
  );
}

if (require.main === module) {
  benchActivation().then(printActivation, (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
