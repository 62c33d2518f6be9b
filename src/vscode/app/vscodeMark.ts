// Imported second by extension.ts, right after loadMark.ts: the first `require('vscode')` of an extension is
// when VS Code builds that extension's API object, and this marks when that is done.
import 'vscode';

export const VSCODE_API_READY = performance.now();
