// The notebook format check and the header cell parser: both section styles, the papermill parameters
// fallback, notebooks without a header, and malformed input. Pure functions, no I/O.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNotebook, parseNotebookHeader, sourceText, type Notebook } from '../../../../src/core/notebook';

function notebook(
  ...cells: { cell_type: string; source: string | string[]; metadata?: Record<string, unknown> }[]
): Notebook {
  return { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: cells.map((c) => ({ metadata: {}, ...c })) };
}
const md = (source: string | string[]) => ({ cell_type: 'markdown', source });
const code = (source: string, tags?: string[]) => ({
  cell_type: 'code',
  source,
  metadata: tags ? { tags } : {},
});

test('heading style: title and every section, case-insensitive, whitespace collapsed', () => {
  const header = parseNotebookHeader(
    notebook(
      md([
        '#   Monthly   sales report \n',
        '\n',
        '## Purpose\n',
        "Sum last month's\n",
        '   sales per region.\n',
        '## AUDIENCE\n',
        'Regional managers\n',
        '## Data sources\n',
        '- warehouse.sales\n',
        '- crm.accounts\n',
        '### description:\n',
        'Longer text.\n',
        '## Parameters\n',
        '- month: the month, `YYYY-MM`\n',
        '- `region` (str): one region\n',
        '* dry_run\n',
        '## References\n',
        'https://wiki.example.org/sales\n',
        '## Notes\n',
        'Not a section we know: ignored.',
      ]),
      code('month = "2026-01"\nother = 1', ['parameters']),
    ),
  );
  assert.deepEqual(header, {
    title: 'Monthly sales report',
    purpose: "Sum last month's sales per region.",
    audience: 'Regional managers',
    dataSources: 'warehouse.sales; crm.accounts',
    description: 'Longer text.',
    parameters: ['month', 'region', 'dry_run'],
    references: 'https://wiki.example.org/sales',
  });
});

test('inline style: **Key:** text, **Key**: text and Key: text, each ending at a blank line', () => {
  const header = parseNotebookHeader(
    notebook(
      md(
        [
          '# Churn model',
          '**Purpose:** Predict churn',
          'for next quarter.',
          '**Audience**: Marketing',
          'data sources: crm.accounts, billing',
          '- **Description:** Trains and scores.',
          '',
          'Free text after a blank line belongs to no section.',
          '',
          '**Parameters:**',
          '',
          '- quarter: which quarter',
          '- description: a parameter that happens to be named like a section',
          'References: none yet',
        ].join('\n'),
      ),
    ),
  );
  assert.deepEqual(header, {
    title: 'Churn model',
    purpose: 'Predict churn for next quarter.',
    audience: 'Marketing',
    dataSources: 'crm.accounts, billing',
    description: 'Trains and scores.',
    parameters: ['quarter', 'description'],
    references: 'none yet',
  });
});

test('parameters fall back to the top-level assignments of the papermill cell', () => {
  const papermill = code(
    [
      '# parameters',
      'start_date = "2026-01-01"',
      'end_date: str = "2026-02-01"',
      'a, b = 1, 2',
      'if True:',
      '    nested = 3',
      'threshold == 4',
      'count += 1',
      'doc = """',
      'inside = 5',
      '"""',
      'start_date = "again"',
      'last=6',
    ].join('\n'),
    ['injected', 'parameters'],
  );
  const withoutSection = notebook(md('# Report\n\n**Purpose:** x'), code('x = 1'), papermill);
  assert.deepEqual(parseNotebookHeader(withoutSection).parameters, [
    'start_date',
    'end_date',
    'a',
    'b',
    'doc',
    'last',
  ]);
  // A Parameters section that names nobody ("none") does not hide the papermill cell either.
  const none = notebook(md('# Report\n\n## Parameters\nNone'), papermill);
  assert.equal(parseNotebookHeader(none).parameters?.[0], 'start_date');
  // A comma-separated Parameters line is read as names.
  const inline = notebook(md('# R\nParameters: alpha, `beta`, gamma: the third'), papermill);
  assert.deepEqual(parseNotebookHeader(inline).parameters, ['alpha', 'beta', 'gamma']);
});

test('a notebook without a header cell has no header, but papermill parameters still count', () => {
  assert.deepEqual(parseNotebookHeader(notebook(code('print(1)'), md('# Not first'))), {});
  assert.deepEqual(parseNotebookHeader(notebook()), {});
  assert.deepEqual(parseNotebookHeader(notebook(md('just text, no title'))), {});
  assert.deepEqual(parseNotebookHeader(notebook(code('n = 1', ['parameters']))), { parameters: ['n'] });
  assert.deepEqual(parseNotebookHeader(notebook(md('## Purpose\n\n# Late title'))), { title: 'Late title' });
});

test('odd shapes never make the header parser throw', () => {
  const odd = {
    cells: [
      { cell_type: 'markdown', source: '# T', metadata: 'not an object' },
      { cell_type: 'code', source: 'x = 1', metadata: { tags: 'parameters' } },
    ],
  } as unknown as Notebook;
  assert.deepEqual(parseNotebookHeader(odd), { title: 'T' });
  assert.deepEqual(parseNotebookHeader({ cells: null } as unknown as Notebook), {});
  assert.deepEqual(parseNotebookHeader(notebook(md('#\n#  \n**Purpose:**'))), {});
});

test('parseNotebook accepts nbformat 4 as bytes or text, with or without a BOM', () => {
  const text = JSON.stringify(notebook(md(['# A\n', 'b'])));
  for (const input of [text, new TextEncoder().encode(text), `\ufeff${text}`]) {
    const parsed = parseNotebook(input);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
    assert.equal(sourceText(parsed.notebook.cells[0]!), '# A\nb');
  }
  // Unknown fields survive, so a stored notebook is what was sent.
  const extra = parseNotebook('{"cells":[],"metadata":{"kernelspec":{"name":"python3"}},"future":1}');
  assert.ok(extra.ok);
  assert.equal(extra.notebook['future'], 1);
});

test('parseNotebook says why a file is not a notebook', () => {
  const cases: [string | Uint8Array, RegExp][] = [
    ['', /empty/],
    ['{"cells": [', /not valid JSON/],
    ['[1, 2]', /top level is not an object/],
    ['{"metadata": {}}', /no "cells" list/],
    ['{"nbformat": 3, "worksheets": []}', /nbformat 3.*only nbformat 4/],
    ['{"cells": [], "metadata": []}', /"metadata" is not an object/],
    ['{"cells": [42]}', /cell 1 is not an object/],
    ['{"cells": [{"source": "x"}]}', /cell 1 has no "cell_type"/],
    [
      '{"cells": [{"cell_type": "code", "source": "", "outputs": []}, {"cell_type": "code"}]}',
      /cell 2 has no "source"/,
    ],
    ['{"cells": [{"cell_type": "code", "source": ["a", 1]}]}', /cell 1 has no "source"/],
    ['{"cells": [{"cell_type": "code", "source": "", "outputs": {}}]}', /"outputs" that are not a list/],
    [new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), /not UTF-8/],
  ];
  for (const [input, reason] of cases) {
    const parsed = parseNotebook(input);
    assert.equal(parsed.ok, false, String(input));
    if (!parsed.ok) assert.match(parsed.reason, reason);
  }
});
