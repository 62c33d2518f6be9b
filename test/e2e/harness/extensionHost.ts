// Runs a test entry inside code-server's real (remote, Node) extension host, the way VS Code's own web
// integration tests do: the workbench reads extensionDevelopmentPath and extensionTestsPath from the URL's
// payload, requires the entry, awaits its run(), and reports through window.codeAutomationExit/Log.
import path from 'node:path';

import type { CodeServerHandle } from './codeServer';
import { openWorkbench, type Workbench } from './workbench';

export interface ExtensionHostTestOptions {
  extensionDevelopmentPath: string; // absolute; its package.json's extension replaces the installed VSIX
  extensionTestsPath: string; // a CommonJS file exporting run(): Promise<void>
  folder?: string; // the workspace folder; the handle's workspaceDir when absent
  timeoutMs?: number; // default 120 s
  /**
   * Drives the page while the entry runs (answers dialogs, types into input boxes), started once the page is
   * open. A rejection fails the run; resolving early is fine, the exit code is still awaited.
   */
  drive?: (wb: Workbench) => Promise<void>;
}

export interface ExtensionHostTestResult {
  exitCode: number; // 0 when run() resolved
  logs: string[]; // what the extension host printed (console.log/error in the entry), in order
}

/** Open a workbench whose extension host runs `extensionTestsPath`'s run(), and wait for its exit code. */
export async function runExtensionHostTests(
  cs: CodeServerHandle,
  options: ExtensionHostTestOptions,
): Promise<ExtensionHostTestResult> {
  const logs: string[] = [];
  const timeoutMs = options.timeoutMs ?? 120_000;
  let onExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (onExit = resolve));
  // The paths live on the code-server machine, which the workbench reaches as its remote authority.
  const remote = (p: string): string => `vscode-remote://127.0.0.1:${cs.port}${path.resolve(p)}`;
  const workbench = await openWorkbench(cs, {
    ...(options.folder === undefined ? {} : { folder: options.folder }),
    payload: [
      ['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)],
      ['extensionTestsPath', remote(options.extensionTestsPath)],
    ],
    expose: {
      codeAutomationExit: (code: number) => onExit(code),
      codeAutomationLog: (type: string, args: unknown[]) => logs.push(formatLog(type, args)),
    },
    waitForWorkbench: false, // the exit code is the answer; a workbench that never renders times out below
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const tail = logs.slice(-20).join('\n');
      reject(
        new Error(`the extension host tests gave no exit code in ${timeoutMs / 1000} s. Logs:\n${tail}`),
      );
    }, timeoutMs);
  });
  // A drive that fails ends the run with its error; one that resolves leaves the race to the exit code.
  const driving = options.drive
    ? options.drive(workbench).then(
        () => new Promise<never>(() => undefined),
        (err: unknown) => {
          const tail = logs.slice(-20).join('\n');
          const why = err instanceof Error ? err.message : String(err);
          throw new Error(`driving the page failed: ${why}\nExtension host logs:\n${tail}`, { cause: err });
        },
      )
    : new Promise<never>(() => undefined);
  try {
    return { exitCode: await Promise.race([exited, timedOut, driving]), logs };
  } finally {
    clearTimeout(timer);
    await workbench.close();
  }
}

/** One line per log call; VS Code passes console arguments already stringified. */
function formatLog(type: string, args: unknown[]): string {
  const text = (Array.isArray(args) ? args : [args])
    .map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))
    .join(' ');
  return type === 'log' || type === 'info' ? text : `[${type}] ${text}`;
}
