/**
 * Every command id the extension registers. Kept free of `vscode` so the manifest check runs in plain Node;
 * package.json's `contributes.commands` must list exactly these (test/unit/vscode/commands.test.ts checks it).
 */
export const CommandIds = {
  showLog: 'hubNotebooks.showLog',
  signIn: 'hubNotebooks.signIn',
  signInWithToken: 'hubNotebooks.signInWithToken',
  signOut: 'hubNotebooks.signOut',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];
