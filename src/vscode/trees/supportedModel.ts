import type { SupportedVersion } from '../../core/catalog/schemas';
import type { Logger } from '../../core/logger';
import { describeError, isServiceMissing, type SignedInHub, type NotebookHubs } from '../hub/hubAccess';
import { serviceMissing } from './teamModel';
import { TreeModel, type HubListing } from './treeModel';
import { ViewIds, type TreeNode } from './treeNodes';

/**
 * The model of Supported: on each hub, the team's supported notebooks by name, and under each its versions,
 * newest first, with the current one marked. Whether the viewer maintains the catalog (`api/me`) decides
 * whether older versions offer Roll Back.
 */
export class SupportedModel extends TreeModel {
  constructor(hubs: NotebookHubs, log: Logger) {
    super(ViewIds.supported, hubs, log);
  }

  protected async listHub(hub: SignedInHub): Promise<HubListing> {
    try {
      const [notebooks, maintainer] = await Promise.all([
        this.hubs.run(hub.hubUrl, ({ catalog }) => catalog.listSupported()),
        this.isMaintainer(hub),
      ]);
      if (notebooks.length === 0) return { empty: 'No supported notebooks yet.' };
      const nodes = [...notebooks]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((summary): TreeNode => ({ kind: 'supportedNotebook', hub, summary, maintainer }));
      return { nodes };
    } catch (err) {
      if (!isServiceMissing(err)) throw err;
      return { problem: serviceMissing(hub, err) };
    }
  }

  protected async listChildren(node: TreeNode): Promise<TreeNode[]> {
    if (node.kind !== 'supportedNotebook') return [];
    const name = node.summary.name;
    const notebook = await this.hubs.run(node.hub.hubUrl, ({ catalog }) => catalog.getSupported(name));
    return newestFirst(notebook.versions).map((version) => ({
      kind: 'supportedVersion',
      hub: node.hub,
      version,
      currentVersion: notebook.currentVersion,
      current: version.version === notebook.currentVersion,
      maintainer: node.maintainer,
    }));
  }

  /** Only used to offer Roll Back; the service checks again. A failure here just hides the offer. */
  private async isMaintainer(hub: SignedInHub): Promise<boolean> {
    try {
      return (await this.hubs.run(hub.hubUrl, ({ catalog }) => catalog.me())).maintainer;
    } catch (err) {
      this.log.warn(
        `could not ask ${hub.hubUrl} whether ${hub.user} maintains the catalog: ${describeError(err)}`,
      );
      return false;
    }
  }
}

/** Versions by semantic version, newest first (the service sends them so; this keeps the view honest). */
export function newestFirst(versions: readonly SupportedVersion[]): SupportedVersion[] {
  const parts = (v: string) => v.split('.').map(Number);
  return [...versions].sort((a, b) => {
    const [x, y] = [parts(a.version), parts(b.version)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const d = (y[i] ?? 0) - (x[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  });
}
