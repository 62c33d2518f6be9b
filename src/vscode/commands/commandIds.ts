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
  chooseServer: 'hubNotebooks.chooseServer',
  openSupportedNotebook: 'hubNotebooks.openSupportedNotebook',
  openTeammateNotebook: 'hubNotebooks.openTeammateNotebook',
  restartKernel: 'hubNotebooks.restartKernel',
  restartKernelAndRunAll: 'hubNotebooks.restartKernelAndRunAll',
  shutdownKernel: 'hubNotebooks.shutdownKernel',
  newNotebook: 'hubNotebooks.newNotebook',
  newNotebookFromTemplate: 'hubNotebooks.newNotebookFromTemplate',
  newFolder: 'hubNotebooks.newFolder',
  rename: 'hubNotebooks.rename',
  deleteEntry: 'hubNotebooks.delete',
  duplicate: 'hubNotebooks.duplicate',
  openInExplorer: 'hubNotebooks.openMyNotebooksInExplorer',
  uploadToHub: 'hubNotebooks.uploadToHub',
  moveToHub: 'hubNotebooks.moveToHub',
  saveToHub: 'hubNotebooks.saveToHub',
  createCheckpoint: 'hubNotebooks.createCheckpoint',
  restoreCheckpoint: 'hubNotebooks.restoreCheckpoint',
  compareWithCheckpoint: 'hubNotebooks.compareWithCheckpoint',
  /** Shows a lint quick fix's note after its edit (the code action's command); hidden from the palette. */
  lintShowFixNote: 'hubNotebooks.lint.showFixNote',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];
