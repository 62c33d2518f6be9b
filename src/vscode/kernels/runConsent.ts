import vscode = require('vscode');
import { parseHubnbPath } from '../../core/uris/hubnbUri';
import { HUBNB_SCHEME } from '../../core/uris/types';

const RUN = 'Run';
const TRUSTED_KEY = 'hubNotebooks.trustedOwners';

/**
 * Asks once before a teammate's notebook runs: its code runs as the viewer, with the viewer's files and the
 * secrets the hub gives their kernels. "Run" holds for that notebook until the window closes; "Always for
 * bob's notebooks" is remembered per hub. The user's own and supported notebooks (vetted) never ask.
 */
export class RunConsent {
  private readonly allowed = new Set<string>();

  constructor(private readonly globalState: vscode.Memento) {}

  /** True when the notebook may run now; false when the user declined (nothing runs then). */
  async mayRun(notebook: vscode.Uri, viewer: string): Promise<boolean> {
    const owner = teammateOwner(notebook);
    if (owner === undefined || owner === viewer || this.allowed.has(notebook.toString())) return true;
    const trusted = this.trusted();
    if (trusted.includes(trustKey(notebook.authority, owner))) return true;
    const always = `Always for ${owner}'s Notebooks`;
    const name = notebook.path.slice(notebook.path.lastIndexOf('/') + 1);
    const pick = await vscode.window.showWarningMessage(
      `Run ${owner}'s code?`,
      {
        modal: true,
        detail:
          `${name} is ${owner}'s notebook. Its cells run on your server as you (${viewer}), with your files ` +
          'and the secrets the hub gives your kernels. Run it only if you trust what it does.',
      },
      RUN,
      always,
    );
    if (pick === always) {
      await this.globalState.update(TRUSTED_KEY, [...trusted, trustKey(notebook.authority, owner)]);
      return true;
    }
    if (pick === RUN) this.allowed.add(notebook.toString());
    return pick === RUN;
  }

  private trusted(): string[] {
    const stored = this.globalState.get<unknown>(TRUSTED_KEY, []);
    return Array.isArray(stored) ? stored.filter((s): s is string => typeof s === 'string') : [];
  }
}

/** The teammate whose notebook a URI names, or undefined for anything else. */
function teammateOwner(uri: vscode.Uri): string | undefined {
  if (uri.scheme !== HUBNB_SCHEME) return undefined;
  try {
    const location = parseHubnbPath(uri.path);
    return location.area === 'team' ? location.user : undefined;
  } catch {
    return undefined;
  }
}

function trustKey(authority: string, owner: string): string {
  return `${authority}\n${owner}`;
}
