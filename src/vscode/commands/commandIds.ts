/**
 * Every command id the extension registers. Kept free of `vscode` so the manifest check runs in plain Node;
 * package.json's `contributes.commands` must list exactly these (test/unit/vscode/commandTable.test.ts checks it).
 */
export const CommandIds = {
  showLog: 'hubNotebooks.showLog',
  signIn: 'hubNotebooks.signIn',
  signInWithToken: 'hubNotebooks.signInWithToken',
  signOut: 'hubNotebooks.signOut',
  /** Opens a tree item's notebook (the item's click); hidden from the palette. */
  open: 'hubNotebooks.open',
  openVersion: 'hubNotebooks.openVersion',
  saveCopy: 'hubNotebooks.saveCopy',
  copyPath: 'hubNotebooks.copyPath',
  openInBrowser: 'hubNotebooks.openInBrowser',
  rollback: 'hubNotebooks.rollback',
  refreshMyNotebooks: 'hubNotebooks.refreshMyNotebooks',
  refreshTeam: 'hubNotebooks.refreshTeam',
  refreshSupported: 'hubNotebooks.refreshSupported',
  startServer: 'hubNotebooks.startServer',
  stopServer: 'hubNotebooks.stopServer',
  openSupportedNotebook: 'hubNotebooks.openSupportedNotebook',
  openTeammateNotebook: 'hubNotebooks.openTeammateNotebook',
  restartKernel: 'hubNotebooks.restartKernel',
  restartKernelAndRunAll: 'hubNotebooks.restartKernelAndRunAll',
  shutdownKernel: 'hubNotebooks.shutdownKernel',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];
