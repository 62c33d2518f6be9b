import vscode = require('vscode');
import type { KernelState } from '../../core/kernels/types';
import { CommandIds } from '../commands/commandIds';
import { DisposableStore } from '../app/lifecycle';

/** What the status bar reads: the active notebook's hub kernel and its state. */
export interface KernelStateSource {
  readonly onDidChange: vscode.Event<void>;
  kernelOf(
    notebook: vscode.NotebookDocument,
  ): { readonly state: KernelState | 'none'; readonly label: string } | undefined;
}

const ICONS: Record<KernelState | 'none', string> = {
  none: '$(circle-outline)',
  starting: '$(loading~spin)',
  idle: '$(circle-large-outline)',
  busy: '$(circle-large-filled)',
  restarting: '$(loading~spin)',
  reconnecting: '$(sync~spin)',
  disconnected: '$(debug-disconnect)',
  dead: '$(error)',
  unknown: '$(question)',
};

const WORDS: Record<KernelState | 'none', string> = {
  none: 'not started',
  starting: 'starting',
  idle: 'idle',
  busy: 'busy',
  restarting: 'restarting',
  reconnecting: 'reconnecting',
  disconnected: 'disconnected',
  dead: 'dead',
  unknown: 'unknown',
};

/** Shows the state of the active notebook's hub kernel: idle, busy, reconnecting, disconnected, dead. */
export class KernelStatusBar extends DisposableStore {
  private readonly item = this._register(
    vscode.window.createStatusBarItem('hubNotebooks.kernel', vscode.StatusBarAlignment.Right, 100),
  );

  constructor(private readonly source: KernelStateSource) {
    super();
    this.item.name = 'Hub Notebooks Kernel';
    this._register(source.onDidChange(() => this.update()));
    this._register(vscode.window.onDidChangeActiveNotebookEditor(() => this.update()));
    this.update();
  }

  private update(): void {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    const kernel = notebook && this.source.kernelOf(notebook);
    if (!kernel) {
      this.item.hide();
      return;
    }
    const state = kernel.state;
    this.item.text = `${ICONS[state]} ${WORDS[state]}`;
    this.item.tooltip = `Hub kernel: ${kernel.label} — ${WORDS[state]}`;
    this.item.command = state === 'disconnected' || state === 'dead' ? CommandIds.restartKernel : undefined;
    this.item.backgroundColor =
      state === 'dead' || state === 'disconnected'
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
    this.item.show();
  }
}
