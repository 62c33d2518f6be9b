// Imported second by extension.ts, right after loadMark.ts: the first `require('vscode')` of an extension is
// when VS Code builds that extension's API object, and this marks when that is done. The build (vscodeOnce in
// scripts/build.mjs) makes that one require also the bundle's only copy of the API's names.
import 'vscode';

export const VSCODE_API_READY = performance.now();
