// The lint's adapter over the fake vscode module, with a scripted rule set: findings become diagnostics on
// their cells (debounced as the user types), cells that go away lose theirs, closing or turning the lint off
// clears them, only own and untitled notebooks are linted, and each fix becomes the right workspace edit.
import { fake } from '../../../support/useFakeVscode';

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import type { LintFinding, LintNotebook } from '../../../../src/core/lint/types';
import { silentLogger } from '../../../../src/core/logger';
import { LintFixes, workspaceEdit } from '../../../../src/vscode/lint/lintFixes';
import { LINT_SOURCE, NotebookLint } from '../../../../src/vscode/lint/notebookLint';
import { EventEmitter, Uri } from '../../../support/fakeVscode';
import type { WorkspaceEdit } from '../../../support/fakeVscodeLanguages';

beforeEach(() => {
  fake.reset();
  fake.files.notebookDocuments.length = 0;
  fake.languages.diagnostics.clear();
});

interface Cell {
  source: string;
  kind?: number;
  tags?: string[];
}

/** A notebook document whose cells can change; cell URIs are stable per cell object, as VS Code's are. */
function notebook(path: string, cells: Cell[], scheme = 'hubnb') {
  const uri = Uri.from({ scheme, authority: 'hub.test', path });
  let counter = 0;
  const made = new Map<Cell, unknown>();
  const cellOf = (c: Cell, index: number) => {
    if (!made.has(c)) {
      const cellUri = Uri.from({
        scheme: 'vscode-notebook-cell',
        authority: 'hub.test',
        path,
        fragment: `c${counter++}`,
      });
      made.set(c, { cellUri });
    }
    const { cellUri } = made.get(c) as { cellUri: Uri };
    return {
      index,
      kind: c.kind ?? 2,
      metadata: { metadata: { tags: c.tags ?? [] } },
      outputs: [],
      document: { uri: cellUri, getText: () => c.source, languageId: 'python' },
    };
  };
  const doc = {
    uri,
    notebookType: 'jupyter-notebook',
    isClosed: false,
    metadata: { metadata: { language_info: { name: 'python' } } },
    cells,
    getCells: () => cells.map(cellOf),
    cellAt: (i: number) => cellOf(cells[i]!, i),
  };
  fake.files.notebookDocuments.push(doc);
  return doc;
}

/** Finds `secret` in each cell's source: a scripted rule so the adapter is tested alone. */
function scripted(calls: LintNotebook[]) {
  return (nb: LintNotebook): Promise<LintFinding[]> => {
    calls.push(nb);
    const findings: LintFinding[] = [];
    nb.cells.forEach((cell, i) => {
      const at = cell.source.indexOf('secret');
      if (at < 0) return;
      findings.push({
        rule: 'secret-assignment',
        severity: 'warning',
        cell: i,
        where: { kind: 'source' },
        range: { startLine: 0, startColumn: at, endLine: 0, endColumn: at + 6 },
        message: 'A secret is written here.',
        fixes: [
          {
            title: 'Read it from the environment',
            edits: [
              {
                kind: 'replace',
                cell: i,
                range: { startLine: 0, startColumn: at, endLine: 0, endColumn: at + 6 },
                text: 'os.environ["S"]',
              },
            ],
            note: 'Ask your operator to add S.',
          },
        ],
      });
    });
    return Promise.resolve(findings);
  };
}

function lintWith(options: { on?: () => boolean } = {}) {
  const calls: LintNotebook[] = [];
  const changed = new EventEmitter<void>();
  const lint = new NotebookLint({
    lint: scripted(calls),
    options: () => Promise.resolve((options.on ?? (() => true))() ? {} : undefined),
    onDidChangeOptions: changed.event,
    logger: silentLogger,
    debounceMs: 5,
  });
  return { lint, calls, changed };
}

const diagnosticsOf = (uri: { toString(): string }) => fake.languages.diagnostics.get(uri.toString()) ?? [];

test('findings become diagnostics on their cells, with our source and the rule as code', async () => {
  const doc = notebook('/me/a.ipynb', [{ source: 'x = 1' }, { source: 'token = "secret"' }]);
  const { lint } = lintWith();
  await lint.lintNow(doc as never);
  const cells = doc.getCells();
  assert.deepEqual(diagnosticsOf(cells[0]!.document.uri), []);
  const [d] = diagnosticsOf(cells[1]!.document.uri);
  assert.equal(d?.source, LINT_SOURCE);
  assert.equal(d?.code, 'secret-assignment');
  assert.deepEqual([d?.range.start.character, d?.range.end.character], [9, 15]);
  lint.dispose();
});

test('typing is debounced, and a cell that goes away loses its diagnostics', async () => {
  const doc = notebook('/me/a.ipynb', [{ source: 'secret' }, { source: 'also secret' }]);
  const { lint, calls } = lintWith();
  await lint.lintNow(doc as never);
  const second = doc.getCells()[1]!.document.uri;
  assert.equal(diagnosticsOf(second).length, 1);
  doc.cells.splice(1, 1);
  const before = calls.length;
  for (let i = 0; i < 5; i++) fake.languages.notebookChanged.fire({ notebook: doc });
  await new Promise<void>((resolve) => lint.onDidLint(() => resolve()));
  assert.equal(calls.length, before + 1, 'five changes, one lint');
  assert.equal(fake.languages.diagnostics.has(second.toString()), false, 'the removed cell is cleared');
  assert.equal(diagnosticsOf(doc.getCells()[0]!.document.uri).length, 1);
  lint.dispose();
});

test('closing the notebook, or turning the lint off, clears its diagnostics', async () => {
  let on = true;
  const doc = notebook('/me/a.ipynb', [{ source: 'secret' }]);
  const { lint, changed } = lintWith({ on: () => on });
  await lint.lintNow(doc as never);
  const cell = doc.getCells()[0]!.document.uri;
  assert.equal(diagnosticsOf(cell).length, 1);
  on = false;
  changed.fire();
  await lint.lintNow(doc as never);
  assert.equal(fake.languages.diagnostics.has(cell.toString()), false);
  on = true;
  await lint.lintNow(doc as never);
  assert.equal(diagnosticsOf(cell).length, 1);
  fake.notebooks.closed.fire(doc);
  assert.equal(fake.languages.diagnostics.has(cell.toString()), false);
  lint.dispose();
});

test("teammates' and supported notebooks, and hub views, are not linted; untitled ones are", async () => {
  const { lint, calls } = lintWith();
  for (const [path, scheme] of [
    ['/team/bob/a.ipynb', 'hubnb'],
    ['/supported/r/1.0.0/r.ipynb', 'hubnb'],
    ['/home/me/local.ipynb', 'file'],
  ] as const) {
    fake.notebooks.opened.fire(notebook(path, [{ source: 'secret' }], scheme));
  }
  fake.notebooks.opened.fire(notebook('/Untitled-1.ipynb', [{ source: 'secret' }], 'untitled'));
  await new Promise<void>((resolve) => lint.onDidLint(() => resolve()));
  assert.equal(calls.length, 1, 'only the untitled notebook');
  lint.dispose();
});

test('a fix becomes a code action whose edit replaces the range, and whose command shows the note', async () => {
  const doc = notebook('/me/a.ipynb', [{ source: 'token = "secret"' }]);
  const { lint } = lintWith();
  await lint.lintNow(doc as never);
  const cell = doc.getCells()[0]!.document;
  const fixes = new LintFixes((d) => lint.findingOf(d));
  const actions = fixes.provideCodeActions(
    cell as never,
    undefined as never,
    {
      diagnostics: diagnosticsOf(cell.uri),
    } as never,
  );
  assert.equal(actions.length, 1);
  const [action] = actions;
  assert.equal(action?.title, 'Read it from the environment');
  const edit = action?.edit as unknown as WorkspaceEdit;
  assert.equal(edit.entries[0]?.uri, cell.uri);
  assert.deepEqual((edit.entries[0]?.edit as { newText: string }).newText, 'os.environ["S"]');
  assert.equal(action?.command?.command, 'hubNotebooks.lint.showFixNote');
  assert.deepEqual(action?.command?.arguments, ['Ask your operator to add S.']);
  lint.dispose();
});

test('inserted cells keep their parameters tag; clearing an output replaces the cell without it', () => {
  const doc = notebook('/me/a.ipynb', [{ source: '# T' }, { source: 'x = 1' }]);
  const cells = doc.getCells();
  (cells[1] as { outputs: unknown[] }).outputs.push('first', 'second');
  doc.cellAt = () => cells[1]!;
  const edit = workspaceEdit(doc as unknown as vscode.NotebookDocument, {
    title: 't',
    edits: [
      { kind: 'insert-cells', index: 1, cells: [{ kind: 'code', source: '', tags: ['parameters'] }] },
      { kind: 'clear-output', cell: 1, output: 0 },
    ],
  }) as unknown as WorkspaceEdit;
  const [insert, replace] = edit.entries.map(
    (e) => e.edit as { kind: string; cells: { metadata?: unknown; outputs?: unknown[] }[] },
  );
  assert.equal(insert?.kind, 'insert');
  assert.deepEqual(insert?.cells[0]?.metadata, { metadata: { tags: ['parameters'] } });
  assert.equal(replace?.kind, 'replace');
  assert.deepEqual(replace?.cells[0]?.outputs, ['second']);
});
