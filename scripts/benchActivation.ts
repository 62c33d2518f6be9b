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
import type { Page } from 'playwright-core';
import { openWorkbench, runCommand, screenshot } from '../test/e2e/harness/workbench';
import { median } from './benchUtil';

const RUNS = Number(process.env.ACTIVATION_RUNS ?? 9);
/** How long each window is left alone after it shows, before Running Extensions is opened. */
const QUIET_MS = Number(process.env.ACTIVATION_QUIET_MS ?? 5000);
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

/**
 * The activation figure on our row of Running Extensions. The list is sorted by activation time and draws only
 * the rows on screen, so it is scrolled down until our row shows.
 */
async function readFigure(page: Page): Promise<string> {
  await runCommand(page, 'Developer: Show Running Extensions');
  const list = page.locator('.runtime-extensions-editor .monaco-list');
  const row = list.locator('.monaco-list-row', { hasText: 'Hub Notebooks' });
  // "Activating..." until it has: wait for the figure itself.
  const time = row.locator('.activation-time', { hasText: /Activation: \d+ms/ });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await time.waitFor({ timeout: 2_000 });
      return await time.innerText();
    } catch (err) {
      if (Date.now() > deadline) {
        await screenshot(page, 'bench-activation-no-figure');
        throw err;
      }
      await list.hover();
      await page.mouse.wheel(0, 300);
    }
  }
}

/** One code-server with `vsix` installed, whose window is reloaded for each measurement. */
export async function openWindow(vsix: string, withMarks: boolean) {
  const cs = await startCodeServer({ vsix });
  const wb = await openWorkbench(cs);
  let loads = 0;
  /** VS Code's activation figure for a fresh window load, with the extension's own marks. */
  const measureOnce = async (): Promise<ActivationRun> => {
    if (loads++ > 0) {
      await wb.page.reload();
      await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    }
    // Hands off while the window starts: typing into the palette and opening Running Extensions (which asks the
    // extension host for its state) at that moment would compete for the two cores with what is measured.
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    const text = await readFigure(wb.page);
    const ms = /Activation: (\d+)ms/.exec(text)?.[1];
    if (ms === undefined) throw new Error(`no activation time in "${text}"`);
    const marks = withMarks
      ? loggedMarks(cs.userDataDir).at(-1)
      : { vscodeMs: NaN, apiMs: NaN, evaluatedMs: NaN, activateMs: NaN };
    if (!marks) throw new Error('the extension logged no activation marks');
    return { ...marks, vscodeMs: Number(ms) };
  };
  const close = async () => {
    await wb.close();
    await cs.stop();
  };
  const logText = () => extensionLogText(cs.userDataDir);
  /** Runs Show Log, which loads the rest of the extension, and waits for the rest's line in the log. */
  const loadRest = async (): Promise<void> => {
    const before = [...logText().matchAll(REST)].length;
    await runCommand(wb.page, 'Hub Notebooks: Show Log');
    const deadline = Date.now() + 30_000;
    while ([...logText().matchAll(REST)].length === before) {
      if (Date.now() > deadline) throw new Error('the rest did not log that it loaded');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  return { measureOnce, loadRest, logText, close };
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
  /** Each load of the rest (dist/main.js) after activation, Show Log's included: what for, and its two costs. */
  rest: { reason: string; evaluatedMs: number; builtMs: number }[];
}

const REST = /loaded the rest for (.+?): modules evaluated in ([\d.]+) ms, built in ([\d.]+) ms/g;

/** Two windows' figures, the first window's measured first. */
async function inTurn(
  first: { measureOnce(): Promise<ActivationRun> },
  second: { measureOnce(): Promise<ActivationRun> },
): Promise<ActivationRun[]> {
  const a = await first.measureOnce();
  return [a, await second.measureOnce()];
}

/**
 * Ours and the floor, each in its own code-server, measured in turn (ours then the floor, then the floor then
 * ours, …) so that whatever else the machine does weighs on both alike.
 */
export async function benchActivation(log: (line: string) => void = console.log): Promise<ActivationBench> {
  if (!fs.existsSync(VSIX)) throw new Error(`no ${VSIX}: run npm run package first`);
  const ours = await openWindow(VSIX, true);
  const floorWindow = await openWindow(floorVsix(), false).catch(async (err: unknown) => {
    await ours.close();
    throw err;
  });
  const bench: ActivationBench = { runs: [], floor: [], rest: [] };
  try {
    for (let i = 0; i < RUNS; i++) {
      // Each goes first every other time, so that neither gains from its place in the pair.
      const [run, floor] =
        i % 2 === 0 ? await inTurn(ours, floorWindow) : (await inTurn(floorWindow, ours)).reverse();
      if (!run || !floor) throw new Error('a window gave no figure');
      await ours.loadRest(); // once both figures are read: what the first use costs
      bench.runs.push(run);
      bench.floor.push(floor);
      log(`activation ${i + 1}/${RUNS}: ours ${run.vscodeMs} ms, floor ${floor.vscodeMs} ms`);
    }
    for (const m of ours.logText().matchAll(REST)) {
      bench.rest.push({ reason: m[1] ?? '', evaluatedMs: Number(m[2]), builtMs: Number(m[3]) });
    }
  } finally {
    await ours.close();
    await floorWindow.close();
  }
  return bench;
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
  const paired = runs.map((r, i) => r.vscodeMs - (floor[i]?.vscodeMs ?? NaN));
  console.log(
    `\nVS Code's figure ÷ floor: ${(median(runs.map((r) => r.vscodeMs)) / median(floorMs)).toFixed(2)}×; ` +
      `ours − floor, load by load: median ${median(paired).toFixed(1)} ms ` +
      `(${Math.min(...paired).toFixed(1)} to ${Math.max(...paired).toFixed(1)})`,
  );
  console.log(`\nBundle read at activation: dist/extension.js, ${activationBundleKb().toFixed(0)} KB`);
  const unasked = rest.filter((r) => r.reason !== 'the commands');
  console.log(
    `The rest (dist/main.js) loaded by itself after activation in ${unasked.length} of ${runs.length} window loads` +
      (unasked.length
        ? `, for ${[...new Set(unasked.map((r) => r.reason))].join('; ')}`
        : ' (no session stored)'),
  );
  const first = rest.filter((r) => r.reason === 'the commands');
  if (first.length > 0) {
    console.log(
      `Its first use (Show Log, ${first.length} times): modules evaluated median ` +
        `${median(first.map((r) => r.evaluatedMs)).toFixed(1)} ms, built ${median(first.map((r) => r.builtMs)).toFixed(1)} ms`,
    );
  }
}

if (require.main === module) {
  benchActivation().then(printActivation, (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
