import * as vscode from 'vscode';
import { CommandIds, type CommandId } from './commandIds';
import type { ExtensionLog } from './log';

/** What the command handlers need; grows as the extension gains parts. */
export interface CommandContext {
  log: ExtensionLog;
}

type Handler = (...args: unknown[]) => unknown;

/** The one table of command id → handler. TypeScript makes every id in CommandIds have a handler. */
export function createCommands(ctx: CommandContext): Record<CommandId, Handler> {
  return {
    [CommandIds.showLog]: () => ctx.log.show(),
  };
}

/** Registers every command of the table and returns one disposable for all of them. */
export function registerCommands(table: Record<CommandId, Handler>): vscode.Disposable {
  const disposables = Object.entries(table).map(([id, handler]) =>
    vscode.commands.registerCommand(id, handler),
  );
  return vscode.Disposable.from(...disposables);
}
