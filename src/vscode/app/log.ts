import vscode = require('vscode');
import type { Logger } from '../../core/logger';
import { taggedLogger } from '../../core/logger';

/**
 * The extension's one log: a LogOutputChannel, so it follows VS Code's log level. Components get a tagged
 * core Logger over it. Callers must never pass tokens; the core only logs redacted URLs.
 */
export class ExtensionLog implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor(name = 'Hub Notebooks') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** A core Logger whose lines are tagged with `component`. */
  for(component: string): Logger {
    const c = this.channel;
    const base: Logger = {
      trace: (m, ...a) => c.trace(m, ...a),
      debug: (m, ...a) => c.debug(m, ...a),
      info: (m, ...a) => c.info(m, ...a),
      warn: (m, ...a) => c.warn(m, ...a),
      error: (m, ...a) => c.error(m, ...a),
    };
    return taggedLogger(base, component);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
