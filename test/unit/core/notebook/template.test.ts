// The team's header template and the notebooks made from it: the built-in template as the team wrote it, an
// operator's template notebook checked and used whole, and every notebook made valid nbformat 4.5, as the
// real nbformat package (the hub venv's) says. Under CI a missing python or nbformat fails, not skips.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  DEFAULT_HEADER_TEMPLATE,
  headerTemplateFromNotebook,
  notebookFromTemplate,
  parseNotebookHeader,
  serializeNotebook,
  sourceText,
  type Notebook,
} from '../../../../src/core/notebook';

const PYTHON = path.join(process.env['HUB_VENV'] ?? '/opt/hub-notebooks/venv-jh5', 'bin', 'python');
// Each notebook is checked as `nbformat.validate(nbformat.reads(text, 4))` would, all in one python (importing
// nbformat takes about a second). nbformat.reads quietly repairs some faults, a missing cell id among them,
// and only warns; `-W error` makes every such warning fail the check, so a notebook must be valid as written.
const VALIDATE_EACH = [
  'import json, sys, nbformat',
  'results = []',
  'for text in json.load(sys.stdin):',
  '    try:',
  '        nbformat.validate(nbformat.reads(text, 4))',
  "        results.append('valid')",
  '    except Exception as err:',
  '        results.append(f"{type(err).__name__}: {err}")',
  'print(json.dumps(results))',
].join('\n');

/** What nbformat says of each notebook (`valid`, or the error), or why nbformat cannot be run here. */
function nbformatVerdicts(notebooks: Notebook[]): { verdicts: string[] } | { missing: string } {
  if (!fs.existsSync(PYTHON))
    return { missing: `${PYTHON} is missing (set HUB_VENV to a venv with nbformat)` };
  const input = JSON.stringify(notebooks.map(serializeNotebook));
  const run = spawnSync(PYTHON, ['-W', 'error', '-c', VALIDATE_EACH], { input, encoding: 'utf8' });
  if (/No module named '?nbformat/.test(run.stderr)) return { missing: `${PYTHON} cannot import nbformat` };
  assert.equal(run.status, 0, run.stderr);
  return { verdicts: JSON.parse(run.stdout) as string[] };
}

const ci = process.env['CI'] === 'true';

function counter(): () => string {
  let n = 0;
  return () => `cell-${++n}`;
}

test('the built-in template is the team’s text, line for line', () => {
  const lines = DEFAULT_HEADER_TEMPLATE.split('\n');
  assert.equal(lines.length, 26);
  assert.deepEqual(lines.slice(0, 3), ['# Notebook Name', '', '## Purpose']);
  assert.equal(lines[12], '## Description (How does it work?)');
  assert.deepEqual(lines.slice(19, 23), [
    'Parameter | Description',
    '--------- | -----------',
    'PARAM_1 | Blah blah',
    'PARAM_2 | Blah blah',
  ]);
  assert.equal(lines.at(-1), '* Links to documentation or external references');
});

test('a new notebook: the header, then an empty parameters cell, ids, Python 3, nbformat 4.5', () => {
  const nb = notebookFromTemplate({ title: '  Monthly\nsales  ', newCellId: counter() });
  assert.equal(nb.nbformat, 4);
  assert.equal(nb.nbformat_minor, 5);
  assert.deepEqual(
    nb.cells.map((c) => [c.cell_type, c.id, c.metadata]),
    [
      ['markdown', 'cell-1', {}],
      ['code', 'cell-2', { tags: ['parameters'] }],
    ],
  );
  const header = nb.cells[0];
  assert.ok(header);
  assert.equal(sourceText(header), DEFAULT_HEADER_TEMPLATE.replace('Notebook Name', 'Monthly sales'));
  assert.deepEqual(header.source.slice(0, 2), ['# Monthly sales\n', '\n'], 'lines, as Jupyter writes them');
  assert.deepEqual(nb.cells[1], {
    cell_type: 'code',
    id: 'cell-2',
    execution_count: null,
    metadata: { tags: ['parameters'] },
    outputs: [],
    source: [],
  });
  assert.deepEqual(nb.metadata, {
    kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' },
    language_info: { name: 'python' },
  });
  assert.equal(parseNotebookHeader(nb).title, 'Monthly sales');
  // Without a title, or with a blank one, the template's stays.
  for (const options of [{}, { title: ' \n ' }]) {
    assert.equal(sourceText(notebookFromTemplate(options).cells[0] ?? md('')), DEFAULT_HEADER_TEMPLATE);
  }
  const ids = notebookFromTemplate().cells.map((c) => c.id);
  assert.ok(
    ids.every((id) => typeof id === 'string' && /^[a-zA-Z0-9-_]{1,64}$/.test(id)),
    String(ids),
  );
  assert.notEqual(ids[0], ids[1]);
  const r = notebookFromTemplate({ kernel: { name: 'ir', display_name: 'R', language: 'R' } });
  assert.deepEqual(r.metadata?.['language_info'], { name: 'R' });
  // A title holding `$&` is text, not a replacement pattern.
  assert.equal(
    parseNotebookHeader(notebookFromTemplate({ title: 'Costs in $& and $1' })).title,
    'Costs in $& and $1',
  );
});

function md(source: string) {
  return { cell_type: 'markdown', metadata: {}, source };
}

const OPERATOR = JSON.stringify({
  nbformat: 4,
  nbformat_minor: 4,
  metadata: { kernelspec: { name: 'team-py', display_name: 'Team Python', language: 'python' }, widgets: {} },
  cells: [
    md('# Title goes here\n\n**Purpose:** Why?\n'),
    {
      cell_type: 'code',
      metadata: { tags: ['parameters'] },
      source: 'run_date = None',
      execution_count: 3,
      outputs: [],
    },
    {
      cell_type: 'code',
      metadata: {},
      source: ['import pandas as pd'],
      execution_count: 4,
      outputs: [{ output_type: 'stream', name: 'stdout', text: 'old output' }],
    },
  ],
});

test("an operator's template notebook is used whole: its cells, outputs cleared, fresh ids, its kernel", () => {
  const result = headerTemplateFromNotebook(OPERATOR);
  assert.ok(result.ok, result.ok ? '' : result.reason);
  assert.equal(result.template.markdown, '# Title goes here\n\n**Purpose:** Why?\n');
  const nb = notebookFromTemplate({ template: result.template, title: 'Churn', newCellId: counter() });
  assert.equal(nb.nbformat_minor, 5, '4.4 becomes 4.5, since every cell now has an id');
  assert.deepEqual(
    nb.cells.map((c) => [c.id, sourceText(c), c.outputs, c.execution_count]),
    [
      ['cell-1', '# Churn\n\n**Purpose:** Why?\n', undefined, undefined],
      ['cell-2', 'run_date = None', [], null],
      ['cell-3', 'import pandas as pd', [], null],
    ],
  );
  assert.deepEqual(nb.metadata?.['kernelspec'], {
    name: 'team-py',
    display_name: 'Team Python',
    language: 'python',
  });
  assert.deepEqual(nb.metadata?.['language_info'], { name: 'python' });
  assert.equal(nb.metadata?.['widgets'], undefined);
  // Making a notebook does not change the template it came from.
  assert.equal(result.template.notebook?.cells[2]?.execution_count, 4);
  // A template without a title gets one on top, and without a parameters cell gets one after the header.
  const untitled = headerTemplateFromNotebook(JSON.stringify({ cells: [md('**Purpose:** x'), md('Notes')] }));
  assert.ok(untitled.ok);
  const made = notebookFromTemplate({ template: untitled.template, title: 'T', newCellId: counter() });
  assert.deepEqual(
    made.cells.map((c) => [c.cell_type, sourceText(c), c.metadata]),
    [
      ['markdown', '# T\n\n**Purpose:** x', {}],
      ['code', '', { tags: ['parameters'] }],
      ['markdown', 'Notes', {}],
    ],
  );
});

test('an operator template that cannot be one says why', () => {
  const cases: [string, RegExp][] = [
    ['{"cells": [', /not a usable notebook\. The file is not valid JSON/],
    ['{"cells": []}', /has no cells; its first cell must be the markdown header/],
    [
      JSON.stringify({ cells: [{ cell_type: 'code', source: '' }] }),
      /first cell is a code cell; it must be the markdown/,
    ],
    [JSON.stringify({ cells: [md(' \n')] }), /first cell is empty/],
  ];
  for (const [input, reason] of cases) {
    const result = headerTemplateFromNotebook(input);
    assert.equal(result.ok, false, input);
    if (!result.ok) assert.match(result.reason, reason);
  }
});

test('every notebook made validates with nbformat', (t) => {
  const operator = headerTemplateFromNotebook(OPERATOR);
  const bare = headerTemplateFromNotebook(
    JSON.stringify({ cells: [md('# T'), { cell_type: 'raw', source: 'r' }] }),
  );
  assert.ok(operator.ok && bare.ok);
  // The check itself catches what nbformat 4.5 forbids: a cell without its id.
  const broken = notebookFromTemplate();
  delete broken.cells[0]?.id;
  const result = nbformatVerdicts([
    notebookFromTemplate(),
    notebookFromTemplate({ title: 'Sales', newCellId: counter() }),
    notebookFromTemplate({ template: operator.template }),
    notebookFromTemplate({ template: bare.template, title: 'Bare' }),
    broken,
  ]);
  if ('missing' in result) {
    // A developer's machine may lack the hub venv; CI must not, or the check would pass by never running.
    assert.ok(!ci, `CI=true needs nbformat: ${result.missing}`);
    t.skip(result.missing);
    return;
  }
  const { verdicts } = result;
  assert.deepEqual(verdicts.slice(0, 4), ['valid', 'valid', 'valid', 'valid']);
  assert.match(verdicts[4] ?? '', /MissingIDFieldWarning/);
});
