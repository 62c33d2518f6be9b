import vscode = require('vscode');
import { DEFAULT_SERVICE_PATH, checkHubUrl, type HubUrl } from '../../core/auth';
import { DEFAULT_MAX_OUTPUTS, DEFAULT_MAX_TEXT_BYTES } from '../../core/kernels/cellOutputs';
import { LINT_RULES, type LintRuleId } from '../../core/lint/types';
import type { Logger } from '../../core/logger';
import { checkRelativePath } from '../../core/uris/relativePath';
import { DisposableStore } from './lifecycle';

const SECTION = 'hubNotebooks';

/** The full keys of the extension's settings, as contributed in package.json. */
export const SettingKeys = {
  hubs: `${SECTION}.hubs`,
  servicePath: `${SECTION}.servicePath`,
  callback: `${SECTION}.signIn.callback`,
  maxTextBytes: `${SECTION}.output.maxTextBytes`,
  maxOutputs: `${SECTION}.output.maxOutputs`,
  sharedNotebookFolder: `${SECTION}.kernels.sharedNotebookFolder`,
  ackNudge: `${SECTION}.kernels.ackNudge`,
  lintEnabled: `${SECTION}.lint.enabled`,
  lintRules: `${SECTION}.lint.rules`,
} as const;

/** How a browser sign-in gets its code back (`hubNotebooks.signIn.callback`). */
export type CallbackMode = 'auto' | 'uri' | 'loopback' | 'paste';

/** Every CallbackMode, in the order package.json lists them. */
export const CALLBACK_MODES: readonly CallbackMode[] = ['auto', 'uri', 'loopback', 'paste'];

/**
 * The one typed accessor for the extension's settings; it owns onDidChangeConfiguration. Values are read on
 * each access, so they are never stale. The hub list and service path can send tokens elsewhere, so they are
 * restricted in untrusted workspaces (package.json `capabilities`), where VS Code's `get` ignores workspace
 * values.
 */
export class Settings extends DisposableStore {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when any `hubNotebooks.*` setting changes. */
  readonly onDidChange = this.changed.event;
  private readonly reported = new Set<string>();

  constructor(private readonly log: Logger) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SECTION)) this.changed.fire();
      }),
    );
  }

  /** The configured hubs as normalised base URLs, without duplicates; invalid entries are skipped. */
  get hubs(): HubUrl[] {
    const raw = this.config().get<unknown>('hubs', []);
    const hubs: HubUrl[] = [];
    for (const entry of Array.isArray(raw) ? (raw as unknown[]) : []) {
      const check =
        typeof entry === 'string'
          ? checkHubUrl(entry)
          : { ok: false as const, reason: 'entries must be strings' };
      if (!check.ok) this.reportInvalid(SettingKeys.hubs, check.reason);
      else if (!hubs.includes(check.url)) hubs.push(check.url);
    }
    return hubs;
  }

  /**
   * The service's path relative to the hub, ending in `/`. Anything that would leave the hub (an absolute URL,
   * `//host`, `..`) is refused, since the sign-out request carries the token to that path.
   */
  get servicePath(): string {
    const raw = this.config().get<unknown>('servicePath', DEFAULT_SERVICE_PATH);
    const path = typeof raw === 'string' ? raw.trim().replace(/^\/+/, '') : '';
    if (path === '') return DEFAULT_SERVICE_PATH;
    const withSlash = path.endsWith('/') ? path : `${path}/`;
    if (!staysBelowHub(withSlash)) {
      this.reportInvalid(
        SettingKeys.servicePath,
        'it must be a path on the hub, such as services/hub-notebooks/',
      );
      return DEFAULT_SERVICE_PATH;
    }
    return withSlash;
  }

  /** How browser sign-ins receive their code; `auto` for unknown values. */
  get callbackMode(): CallbackMode {
    const raw = this.config().get<unknown>('signIn.callback', 'auto');
    return CALLBACK_MODES.find((m) => m === raw) ?? 'auto';
  }

  /** Text bytes one cell output keeps (`hubNotebooks.output.maxTextBytes`); at least 1000. */
  get maxTextBytes(): number {
    return this.positive('output.maxTextBytes', DEFAULT_MAX_TEXT_BYTES, 1000);
  }

  /** Outputs one cell keeps (`hubNotebooks.output.maxOutputs`); at least 10. */
  get maxOutputs(): number {
    return this.positive('output.maxOutputs', DEFAULT_MAX_OUTPUTS, 10);
  }

  /** Where kernels of notebooks that are not the user's own start, relative to the home; '' is the home. */
  get sharedNotebookFolder(): string {
    const raw = this.config().get<unknown>('kernels.sharedNotebookFolder', '');
    const text = typeof raw === 'string' ? raw.trim().replace(/^\/+|\/+$/g, '') : '';
    const check = checkRelativePath(text);
    if (check.ok) return check.path;
    this.reportInvalid(SettingKeys.sharedNotebookFolder, check.message);
    return '';
  }

  /** Whether kernel websockets nudge a stock server past its Nagle stall (`hubNotebooks.kernels.ackNudge`). */
  get ackNudge(): boolean {
    return this.config().get<unknown>('kernels.ackNudge', true) !== false;
  }

  /** Whether notebooks are linted at all (`hubNotebooks.lint.enabled`). */
  get lintEnabled(): boolean {
    return this.config().get<unknown>('lint.enabled', true) !== false;
  }

  /** The lint rules turned off in `hubNotebooks.lint.rules` (`{"secret-assignment": false}`). */
  get lintDisabledRules(): ReadonlySet<LintRuleId> {
    const raw = this.config().get<unknown>('lint.rules', {});
    const rules = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    return new Set(LINT_RULES.filter((rule) => rules[rule] === false));
  }

  /**
   * Adds a hub to the user-level hub list. It reads the user-level value, so a trusted workspace's own hubs
   * are not copied into the user's settings.
   */
  async addHub(hubUrl: string): Promise<void> {
    const config = this.config();
    const current = config.inspect<unknown>('hubs')?.globalValue;
    const list = Array.isArray(current) ? (current as unknown[]).filter((h) => typeof h === 'string') : [];
    if (list.some((h) => sameHub(h, hubUrl))) return;
    await config.update('hubs', [...list, hubUrl], vscode.ConfigurationTarget.Global);
    this.log.info(`added ${hubUrl} to ${SettingKeys.hubs}`);
  }

  private positive(key: string, fallback: number, minimum: number): number {
    const raw = this.config().get<unknown>(key, fallback);
    return typeof raw === 'number' && Number.isFinite(raw) ? Math.max(minimum, Math.floor(raw)) : fallback;
  }

  private config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  /** Warns about each distinct problem once per session, so reading a setting often does not nag. */
  private reportInvalid(key: string, reason: string): void {
    const id = `${key}\n${reason}`;
    if (this.reported.has(id)) return;
    this.reported.add(id);
    this.log.warn(`ignored an invalid value of ${key}: ${reason}`);
    void vscode.window
      .showWarningMessage(`Hub Notebooks ignored a value of ${key}: ${reason}.`, 'Open Settings')
      .then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', key);
      });
  }
}

function sameHub(raw: string, hubUrl: string): boolean {
  const check = checkHubUrl(raw);
  return check.ok && check.url === hubUrl;
}

function staysBelowHub(path: string): boolean {
  const base = new URL('https://hub.invalid/prefix/');
  try {
    const resolved = new URL(path, base);
    // The transport resolves paths the same way, so what stays below the prefix here stays on the hub there.
    return (
      resolved.origin === base.origin &&
      resolved.pathname.startsWith(base.pathname) &&
      !resolved.search &&
      !resolved.hash
    );
  } catch {
    return false;
  }
}
