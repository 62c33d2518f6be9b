import { signIn, signInWithToken, signOut } from './auth/authCommands';
import type { HubAuthProvider } from './auth/authProvider';
import { CommandIds, type CommandId } from './commands/commandIds';
import type { ExtensionLog } from './app/log';
import { kernelCommands, type KernelCommandDeps } from './kernels/kernelCommands';
import { notebookCommands, type NotebookCommandDeps } from './catalog/notebookCommands';
import { openSupportedNotebook } from './catalog/openSupported';
import { openTeammateNotebook } from './catalog/openTeammate';
import { serverCommands, type ServerCommandDeps } from './hub/serverCommands';
import type { LintFeature } from './lint/lintFeature';
import { authoringCommands, type AuthoringDeps } from './files/authoringCommands';
import { checkpointCommands, type CheckpointDeps } from './files/checkpointCommands';
import { uploadCommands, type UploadCommandDeps } from './files/uploadCommands';
import type { ServerStateReader } from './hub/serverStates';
import { reportingFailures, type CommandFailureDeps } from './commands/commandFailures';

/** What the command handlers need; grows as the extension gains parts. */
export interface CommandContext {
  log: ExtensionLog;
  auth: HubAuthProvider;
  /** The trees, the signed-in hubs' clients, server control, Save a Copy and the remote-change check. */
  notebooks: Omit<NotebookCommandDeps, 'log'>;
  /** The accounts, for Choose Server…. */
  accounts: ServerCommandDeps['accounts'];
  /** What is known of each hub's server, for Start and Stop Server. */
  serverStates: ServerStateReader;
  /** The notebooks' hub kernels. */
  kernels: KernelCommandDeps['kernels'];
  /** New notebooks and folders, rename, delete and duplicate on the user's own files. */
  authoring: AuthoringDeps;
  /** Upload to Hub… and Move to Hub. */
  uploads: UploadCommandDeps;
  /** jupyter_server's checkpoints of the user's own files. */
  checkpoints: CheckpointDeps;
  /** The notebook lint's diagnostics and quick fixes. */
  lint: Pick<LintFeature, 'showFixNote'>;
}

type Handler = (...args: unknown[]) => unknown;

/** The one table of command id → handler. TypeScript makes every id in CommandIds have a handler. */
export function createCommands(ctx: CommandContext): Record<CommandId, Handler> {
  const authLog = ctx.log.for('auth');
  const notebooks = { ...ctx.notebooks, log: ctx.log.for('notebooks') };
  const { hubs, log } = notebooks;
  return {
    [CommandIds.showLog]: () => ctx.log.show(),
    [CommandIds.signIn]: () => signIn(authLog),
    [CommandIds.signInWithToken]: () => signInWithToken(ctx.auth),
    [CommandIds.signOut]: () => signOut(ctx.auth, ctx.notebooks.servers),
    ...notebookCommands(notebooks),
    ...serverCommands({
      hubs,
      accounts: ctx.accounts,
      servers: notebooks.servers,
      states: ctx.serverStates,
    }),
    [CommandIds.openSupportedNotebook]: () => openSupportedNotebook(hubs, log),
    [CommandIds.openTeammateNotebook]: () => openTeammateNotebook(hubs, log),
    ...kernelCommands({ kernels: ctx.kernels, log: ctx.log.for('kernels') }),
    ...authoringCommands(ctx.authoring),
    ...checkpointCommands(ctx.checkpoints),
    ...uploadCommands(ctx.uploads),
    [CommandIds.lintShowFixNote]: (note) => ctx.lint.showFixNote(note),
  };
}

/** Every command of the table, each wrapped so that failures are reported one way (commandFailures.ts). */
export function wrapCommands(
  table: Record<CommandId, Handler>,
  failures: CommandFailureDeps,
): Record<CommandId, Handler> {
  const entries = (Object.entries(table) as [CommandId, Handler][]).map(
    ([id, handler]) => [id, reportingFailures(id, handler, failures)] as const,
  );
  return Object.fromEntries(entries) as Record<CommandId, Handler>;
}
