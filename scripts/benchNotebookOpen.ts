// Opening a 5 MB notebook, measured side by side with a raw contents GET of the same file:
//   - an own notebook through the ContentsApi the file system provider reads with (`format=text`, bytes as on
//     disk), against `GET /user/alice/api/contents/alice/<file>` with the default (notebook model) format;
//   - a teammate's notebook through the service's `api/team/file` (what the provider reads for team URIs),
//     against the same raw contents GET of that file through alice's own server.
// The provider adds a URI parse and a map lookup on top of these calls; VS Code's own deserialisation is the
// same for both and is not measured here.
import fs from 'node:fs';
import { createCatalogClient } from '../src/core/catalog';
import { createContentsClient } from '../src/core/contents';
import { HubClient, createHubTransport } from '../src/core/hub';
import { extensionTokenScopes } from '../src/service/config';
import type { HubHandle } from '../test/hub/harness';
import { CALLS, sideBySide, type Row } from './benchUtil';

const FILE = 'bench-5mb.ipynb';
const RUNS = Math.max(5, Math.round(CALLS / 5));

/** A valid nbformat 4 notebook of about `bytes` bytes: code cells with text outputs, indented like Jupyter's. */
export function bigNotebook(bytes: number): string {
  const line = 'x'.repeat(99);
  const cell = (i: number): unknown => ({
    cell_type: 'code',
    execution_count: i + 1,
    id: `cell-${i}`,
    metadata: {},
    source: [`print('row ${i}')`],
    outputs: [{ output_type: 'stream', name: 'stdout', text: Array(100).fill(`${line}\n`) }],
  });
  const notebook = (cells: unknown[]): string =>
    `${JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1)}\n`;
  // About 12 KB a cell once indented: as many as fit in `bytes`.
  const perCell = notebook([cell(0), cell(1)]).length - notebook([cell(0)]).length;
  const count = Math.max(1, Math.floor(bytes / perCell));
  return notebook(Array.from({ length: count }, (_, i) => cell(i)));
}

function place(owner: string, text: string): string {
  const file = `/home/${owner}/${FILE}`;
  fs.writeFileSync(file, text, { mode: 0o640 });
  // Owned like the home's other files: the user, and the home's group (team).
  const home = fs.statSync(`/home/${owner}`);
  fs.chownSync(file, home.uid, home.gid);
  return file;
}

/** Adds the two rows for one hub; alice's server is started and stopped here. */
export async function benchNotebookOpen(hub: HubHandle, rows: Row[]): Promise<void> {
  const admin = new HubClient({ baseUrl: hub.url, getToken: () => hub.adminToken });
  const made = await admin.createToken('alice', {
    note: 'bench notebook open',
    expiresInSeconds: 600,
    scopes: extensionTokenScopes(),
  });
  const text = bigNotebook(5 * 1024 * 1024);
  const files = [place('alice', text), place('bob', text)];
  const transport = createHubTransport({ baseUrl: hub.url, getToken: () => made.token, timeoutMs: 60_000 });
  const alice = new HubClient(transport);
  try {
    await alice.startServer('alice');
    const contents = createContentsClient({ transport, user: 'alice', root: 'alice' });
    const catalog = createCatalogClient({ transport });
    const raw = (path: string) => async (): Promise<void> => {
      const res = await fetch(`${hub.url}/user/alice/api/contents/${path}`, {
        headers: { Authorization: `token ${made.token}` },
      });
      if (res.status !== 200) throw new Error(`raw GET ${path} → ${res.status}`);
      await res.arrayBuffer();
    };
    const size = (text.length / 1024 / 1024).toFixed(1);
    const [own, ownRaw] = await sideBySide(() => contents.read(FILE), raw(`alice/${FILE}`), RUNS);
    rows.push({
      what: `open own ${size} MB notebook: ContentsApi.read (baseline: raw contents GET)`,
      flavor: hub.flavor,
      medianMs: own,
      baselineMs: ownRaw,
    });
    const [team, teamRaw] = await sideBySide(
      () => catalog.readTeamFile('bob', FILE),
      raw(`bob/${FILE}`),
      RUNS,
    );
    rows.push({
      what: `open bob's ${size} MB notebook: service api/team/file (baseline: raw contents GET)`,
      flavor: hub.flavor,
      medianMs: team,
      baselineMs: teamRaw,
    });
  } finally {
    for (const f of files) fs.rmSync(f, { force: true });
    await alice.stopServer('alice').catch(() => undefined);
    await admin.revokeToken('alice', made.id).catch(() => undefined);
  }
}
