import vscode = require('vscode');
import type { StoredSession } from '../../core/auth';
import type { Logger } from '../../core/logger';
import type { HubAuthProvider } from './authProvider';
import { accountLabel } from './authSession';
import { CommandIds } from '../commands/commandIds';
import { DisposableStore } from '../app/lifecycle';
import { SIGNED_IN_CONTEXT_KEY, showSignedOut } from './accountItem';

export { SIGNED_IN_CONTEXT_KEY };

/**
 * The status bar entry for the signed-in account: `$(account) alice @ host`, which signs out when clicked, or
 * `$(sign-in) Hub Notebooks: Sign In`. It also keeps the `hubNotebooks.signedIn` context key current. The item
 * is the activation bundle's (accountItem.ts), which owns it.
 */
export class AccountStatus extends DisposableStore {
  private generation = 0;

  constructor(
    private readonly provider: HubAuthProvider,
    private readonly logger: Logger,
    private readonly item: vscode.StatusBarItem,
  ) {
    super();
    this._register(provider.onDidChangeSessions(() => void this.update()));
    void this.update();
  }

  /** Re-reads the sessions and redraws; when updates overlap, the last one started wins. */
  async update(): Promise<void> {
    const generation = ++this.generation;
    let sessions: StoredSession[];
    try {
      sessions = await this.provider.liveSessions();
    } catch (err) {
      this.logger.error(`could not read the sessions for the status bar: ${String(err)}`);
      return;
    }
    if (generation !== this.generation) return;
    const [newest, ...others] = sessions;
    if (newest) {
      this.item.text = `$(account) ${accountLabel(newest)}${others.length > 0 ? ` +${others.length}` : ''}`;
      this.item.tooltip = `Hub Notebooks: signed in as ${sessions.map((s) => `${s.user} on ${s.hubUrl}`).join(', ')}. Click to sign out.`;
      this.item.command = CommandIds.signOut;
      this.item.show();
    } else {
      showSignedOut(this.item);
    }
    await vscode.commands.executeCommand('setContext', SIGNED_IN_CONTEXT_KEY, newest !== undefined);
  }
}
