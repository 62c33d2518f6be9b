// Shared by the supported-catalog integration files: tokens with the extension's scopes for carol (a
// maintainer), alice and dave, one catalog request helper, and the executed notebook that prints a secret.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { CATALOG_ROUTES } from '../../../src/core/catalog/schemas';
import type { Notebook } from '../../../src/core/notebook';
import { extensionTokenScopes } from '../../../src/service/config';
import { useHub } from '../../hub/fixture';
import type { HubHandle } from '../../hub/harness';
import { adminClient } from '../clients';
import { recordIssuedToken } from './secrets';

export const SECRET = `sk-fake-${crypto.randomBytes(12).toString('hex')}`;
export const run = crypto.randomBytes(4).toString('hex');
export const SERVICE = 'services/hub-notebooks/';

let hub: HubHandle;

/** The hub of this run (set by the `before` hook this module registers). */
export function catalogHub(): HubHandle {
  return hub;
}
export const tokens: Record<'carol' | 'alice' | 'dave', string> = { carol: '', alice: '', dave: '' };
const minted: { user: string; id: string }[] = [];
/** Folders the tests make; removed after them. */
export const tempDirs: string[] = [];

before(async () => {
  hub = await useHub();
  const admin = adminClient(hub);
  for (const user of ['carol', 'alice', 'dave'] as const) {
    // The scopes of the token the extension receives at sign-in, so the test calls as the extension would.
    const created = await admin.createToken(user, {
      note: `hub-notebooks supported catalog test ${run}`,
      expiresInSeconds: 3600,
      scopes: extensionTokenScopes(),
    });
    recordIssuedToken(created.token);
    minted.push({ user, id: created.id });
    tokens[user] = created.token;
  }
});

after(async () => {
  const admin = adminClient(hub);
  for (const { user, id } of minted) await admin.revokeToken(user, id).catch(() => undefined);
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export type Body = string | Buffer | ReadableStream<Uint8Array>;

/** One catalog request with the user's token in the Authorization header, the parameters in the query. */
export async function call(
  user: keyof typeof tokens,
  method: string,
  route: string,
  params: Record<string, string> = {},
  body?: Body,
): Promise<Answer> {
  const url = `${hub.url}/${SERVICE}${route}?${new URLSearchParams(params).toString()}`;
  const init: RequestInit & { duplex?: 'half' } = {
    method,
    headers: { Authorization: `token ${tokens[user]}`, 'Content-Type': 'application/json' },
    redirect: 'manual',
  };
  if (body !== undefined) init.body = body as BodyInit;
  if (body instanceof ReadableStream) init.duplex = 'half';
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function publish(user: keyof typeof tokens, name: string, version: string, notebook: Notebook | Body) {
  const body = typeof notebook === 'object' && 'cells' in notebook ? JSON.stringify(notebook) : notebook;
  return call(user, 'PUT', CATALOG_ROUTES.publish, { name, version }, body);
}

export function errorOf(answer: Answer): { error: string; message: string } {
  return answer.json as { error: string; message: string };
}

/** A notebook with a header cell and a code cell whose outputs (and widget state) print the secret. */
export function executedNotebook(title: string, purpose: string, extra = ''): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
      widgets: { 'application/vnd.jupyter.widget-state+json': { state: { w: { value: SECRET } } } },
    },
    cells: [
      {
        cell_type: 'markdown',
        metadata: {},
        source: [
          `# ${title}\n`,
          '\n',
          `**Purpose:** ${purpose}\n`,
          `**Audience:** Finance analysts ${run}\n`,
          '**Data Sources:** warehouse.sales\n',
          '\n',
          '## Parameters\n',
          '- month: the month to report\n',
          '- region: one region',
        ],
      },
      {
        cell_type: 'code',
        execution_count: 3,
        metadata: { tags: ['parameters'], execution: { 'iopub.status.idle': '2026-01-01T00:00:00Z' } },
        source: `month = "2026-01"\nregion = "all"\n${extra}`,
        outputs: [
          { output_type: 'stream', name: 'stdout', text: [`token is ${SECRET}\n`] },
          { output_type: 'execute_result', execution_count: 3, metadata: {}, data: { 'text/plain': SECRET } },
          { output_type: 'error', ename: 'KeyError', evalue: SECRET, traceback: [SECRET] },
        ],
      },
    ],
  };
}

export function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}
