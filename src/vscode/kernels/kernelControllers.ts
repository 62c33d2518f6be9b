import vscode = require('vscode');
import type { HubUrl } from '../../core/auth';
import { ServerNotRunningError } from '../../core/hub/errors';
import { hubAuthority } from '../../core/uris/hubnbUri';
import { listKernelSpecs } from '../../core/kernels/kernelsApi';
import type { KernelState, KernelSpecInfo } from '../../core/kernels/types';
import { HUBNB_SCHEME } from '../../core/uris/types';
import { hostOf } from '../auth/authSession';
import type { HubAccount } from '../hub/hubAccess';
import { DisposableStore } from '../app/lifecycle';
import { RunConsent } from './runConsent';
import { NotebookKernel, type KernelTarget, type NotebookKernelDeps } from './notebookKernel';
import { OutputWriter } from './outputWriter';
import { ReattachStore } from './reattachStore';
import { messageOf } from '../../core/errors';

/** The notebook type of VS Code's built-in ipynb serializer, which opens hub notebooks and local ones alike. */
export const JUPYTER_NOTEBOOK_TYPE = 'jupyter-notebook';

export interface KernelControllersDeps extends Omit<
  NotebookKernelDeps,
  'reattach' | 'consent' | 'onSessionOpened'
> {
  clients: NotebookKernelDeps['clients'] & {
    signedInAccounts(): Promise<{ hubUrl: HubUrl; user: string }[]>;
    account(hubUrl: HubUrl): Promise<HubAccount>;
    readonly onDidChange: vscode.Event<void>;
  };
  /** Remembers each account's kernel specs, so controllers exist before the server runs. */
  globalState: vscode.Memento;
  workspaceState: vscode.Memento;
}

interface Registered {
  controller: vscode.NotebookController;
  target: KernelTarget;
}

const SPEC_CACHE = 'hubNotebooks.kernelSpecs:';

/**
 * One NotebookController per kernel spec on each signed-in account's server, for example "Python 3 (hub:
 * alice)". They are offered for every Jupyter notebook, hub or local; the code always runs on the hub. For a
 * hub notebook, the controller of that hub's default spec is preferred.
 */
export class HubKernelControllers extends DisposableStore {
  private readonly registered = new Map<string, Registered>();
  private readonly kernels = new Map<string, NotebookKernel>();
  private readonly selected = new Map<string, string>();
  private readonly reattach: ReattachStore;
  private readonly consent: RunConsent;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when a notebook's kernel or its state changes (for the status bar). */
  readonly onDidChange = this.changed.event;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: KernelControllersDeps) {
    super();
    this.reattach = new ReattachStore(deps.workspaceState);
    this.consent = new RunConsent(deps.globalState);
    this._register(deps.clients.onDidChange(() => this.refresh()));
    this._register(vscode.workspace.onDidOpenNotebookDocument((nb) => this.prefer(nb)));
    this._register(vscode.workspace.onDidCloseNotebookDocument((nb) => this.forget(nb)));
    this._register({ dispose: () => this.disposeAll() });
    this.refresh();
  }

  /** The kernel of a notebook under its selected hub controller, if any. */
  kernelOf(notebook: vscode.NotebookDocument): NotebookKernel | undefined {
    const id = this.selected.get(notebook.uri.toString());
    return id ? this.kernels.get(kernelKey(notebook, id)) : undefined;
  }

  /** Lists the specs again (after a server start, or on request) and rebuilds the controllers. */
  refresh(): void {
    this.refreshing = this.refreshing
      .then(() => this.rebuild())
      .catch((err: unknown) => {
        this.deps.logger.warn(`could not list the hub kernels: ${messageOf(err)}`);
      });
  }

  private async rebuild(): Promise<void> {
    const accounts = await this.deps.clients.signedInAccounts();
    const wanted = new Map<string, Wanted>();
    const manyHubs = accounts.length > 1;
    for (const { hubUrl, user } of accounts) {
      const specs = await this.specsOf(hubUrl, user);
      for (const [index, spec] of specs.entries()) {
        // The server's default spec is always the controller named "default" (kernel name resolved when a
        // session opens), so its id does not change when the spec list is first learnt.
        const target = { hubUrl, user, kernelName: index === 0 ? '' : spec.name };
        wanted.set(controllerId(target), { target, spec, ...controllerNames(target, spec, manyHubs) });
      }
    }
    for (const [id, reg] of this.registered) {
      if (!wanted.has(id)) {
        reg.controller.dispose();
        this.registered.delete(id);
        this.disposeKernelsOf(id);
      }
    }
    for (const [id, want] of wanted) {
      const existing = this.registered.get(id);
      if (existing) {
        existing.controller.label = want.label;
        existing.controller.description = want.description;
        if (want.spec.language) existing.controller.supportedLanguages = [want.spec.language];
      } else {
        const controller = this.create(id, want);
        this.registered.set(id, { controller, target: want.target });
      }
    }
    for (const notebook of vscode.workspace.notebookDocuments) this.prefer(notebook);
  }

  private async specsOf(hubUrl: HubUrl, user: string): Promise<KernelSpecInfo[]> {
    const key = `${SPEC_CACHE}${hubUrl}|${user}`;
    try {
      const account = await this.deps.clients.account(hubUrl);
      const specs = await listKernelSpecs({ transport: account.transport, user });
      if (specs.length > 0) await this.deps.globalState.update(key, specs);
      return specs;
    } catch (err) {
      if (!(err instanceof ServerNotRunningError))
        this.deps.logger.debug(`kernel specs of ${user}: ${String(err)}`);
      const cached = this.deps.globalState.get<KernelSpecInfo[]>(key);
      // Until the server has run once, one controller for its default kernel; its name is learnt on first use.
      return cached?.length ? cached : [{ name: '', displayName: 'Hub kernel', language: 'python' }];
    }
  }

  private create(id: string, { target, label, description, spec }: Wanted): vscode.NotebookController {
    const controller = vscode.notebooks.createNotebookController(id, JUPYTER_NOTEBOOK_TYPE, label);
    this.deps.logger.debug(`offering the kernel "${label}" (${id})`);
    controller.description = description;
    controller.detail = `Runs on ${target.user}'s server on the hub, next to the data.`;
    if (spec.language) controller.supportedLanguages = [spec.language];
    controller.supportsExecutionOrder = true;
    controller.executeHandler = (cells, notebook) =>
      this.kernelFor(notebook, id, target).executeCells(cells, controller);
    controller.interruptHandler = async (notebook) => {
      await this.kernels.get(kernelKey(notebook, id))?.interrupt();
    };
    controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
      const key = notebook.uri.toString();
      if (selected) {
        this.selected.set(key, id);
        void this.adoptIfRunning(notebook, id, target, controller);
      } else if (this.selected.get(key) === id) this.selected.delete(key);
      this.changed.fire();
    });
    return controller;
  }

  private kernelFor(notebook: vscode.NotebookDocument, id: string, target: KernelTarget): NotebookKernel {
    const key = kernelKey(notebook, id);
    let kernel = this.kernels.get(key);
    if (!kernel) {
      kernel = new NotebookKernel(
        notebook,
        target,
        {
          ...this.deps,
          reattach: this.reattach,
          consent: this.consent,
          onSessionOpened: () => this.refresh(),
        },
        (outputs) => new OutputWriter(outputs, this.deps.logger),
      );
      kernel.onDidChangeState(() => this.changed.fire());
      this.kernels.set(key, kernel);
    }
    kernel.label = this.registered.get(id)?.controller.label ?? id;
    return kernel;
  }

  private async adoptIfRunning(
    notebook: vscode.NotebookDocument,
    id: string,
    target: KernelTarget,
    controller: vscode.NotebookController,
  ): Promise<void> {
    const record = this.reattach.get(notebook.uri);
    if (!record?.running || record.hubUrl !== target.hubUrl) return;
    try {
      await this.kernelFor(notebook, id, target).adopt(controller);
    } catch (err) {
      this.deps.logger.info(`could not reattach to ${notebook.uri.path}: ${String(err)}`);
    }
  }

  /** Prefers the hub's first controller for that hub's notebooks. */
  private prefer(notebook: vscode.NotebookDocument): void {
    if (notebook.notebookType !== JUPYTER_NOTEBOOK_TYPE || notebook.uri.scheme !== HUBNB_SCHEME) return;
    const first = [...this.registered.values()].find(
      (r) => hubAuthority(r.target.hubUrl) === notebook.uri.authority,
    );
    first?.controller.updateNotebookAffinity(notebook, vscode.NotebookControllerAffinity.Preferred);
  }

  private forget(notebook: vscode.NotebookDocument): void {
    const prefix = `${notebook.uri.toString()}#`;
    for (const [key, kernel] of this.kernels) {
      if (key.startsWith(prefix)) {
        // The kernel keeps running on the server; reopening the notebook finds it again.
        kernel.dispose();
        this.kernels.delete(key);
      }
    }
    this.selected.delete(notebook.uri.toString());
    this.changed.fire();
  }

  /** Signing out or a vanished spec: the controller's kernels go (their websockets are closed). */
  private disposeKernelsOf(controllerId: string): void {
    const suffix = `#${controllerId}`;
    for (const [key, kernel] of this.kernels) {
      if (key.endsWith(suffix)) {
        kernel.dispose();
        this.kernels.delete(key);
      }
    }
  }

  private disposeAll(): void {
    for (const kernel of this.kernels.values()) kernel.dispose();
    this.kernels.clear();
    for (const reg of this.registered.values()) reg.controller.dispose();
    this.registered.clear();
  }
}

/** A stable controller id, so VS Code restores a notebook's kernel choice after a reload. */
function controllerId(target: KernelTarget): string {
  return `hub-notebooks:${hubAuthority(target.hubUrl)}:${target.user}:${target.kernelName || 'default'}`;
}

function kernelKey(notebook: vscode.NotebookDocument, controllerId: string): string {
  return `${notebook.uri.toString()}#${controllerId}`;
}

export type { KernelState };

/** A controller as rebuild() wants it. */
interface Wanted {
  target: KernelTarget;
  label: string;
  description: string;
  spec: KernelSpecInfo;
}

/**
 * What a controller is called. The default one is "Hub kernel (hub: alice)" from the start, whether or not the
 * spec list is known yet, so a notebook's kernel keeps its name when the server first answers; its spec's
 * display name goes in the description. The others exist only once the specs are known, under their own
 * display names.
 */
function controllerNames(
  target: KernelTarget,
  spec: KernelSpecInfo,
  manyHubs: boolean,
): { label: string; description: string } {
  const host = hostOf(target.hubUrl);
  const who = manyHubs ? `${target.user}@${host}` : target.user;
  if (target.kernelName !== '') return { label: `${spec.displayName} (hub: ${who})`, description: host };
  const known = spec.name !== '';
  return { label: `Hub kernel (hub: ${who})`, description: known ? `${spec.displayName} · ${host}` : host };
}
