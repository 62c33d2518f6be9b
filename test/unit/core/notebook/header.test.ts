// The notebook format check and the header cell parser: both section styles, the team's template read back
// whole (tables, headings with more words), where each part is written, the papermill parameters fallback,
// notebooks without a header, and malformed input. Pure functions, no I/O.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_HEADER_PLACEHOLDERS,
  DEFAULT_HEADER_TEMPLATE,
  headerPlaceholders,
  parametersCellAssignments,
  parseHeaderCell,
  parseNotebook,
  parseNotebookHeader,
  sourceText,
  type Notebook,
} from '../../../../src/core/notebook';

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

test("the team's template reads back whole: title, every section, and the table's parameters only", () => {
  assert.deepEqual(parseNotebookHeader(notebook(md(DEFAULT_HEADER_TEMPLATE))), {
    title: 'Notebook Name',
    purpose: 'What are you trying to do with this notebook?',
    audience: 'Who is this notebook developed for?',
    dataSources: 'Data source 1; Data source 2',
    description: 'Step 1; Step 2; Step 3',
    parameters: ['PARAM_1', 'PARAM_2'],
    references: 'Links to documentation or external references',
  });
  const cell = parseHeaderCell(DEFAULT_HEADER_TEMPLATE);
  assert.deepEqual(cell.title, { text: 'Notebook Name', line: 0 });
  assert.deepEqual(
    cell.sections.map((s) => [s.key, s.style, s.headingLine, s.body.start, s.body.end, s.placeholder]),
    [
      ['purpose', 'heading', 2, 3, 5, true],
      ['audience', 'heading', 5, 6, 8, true],
      ['dataSources', 'heading', 8, 9, 12, true],
      ['description', 'heading', 12, 13, 17, true],
      ['parameters', 'heading', 17, 18, 24, false],
      ['references', 'heading', 24, 25, 26, true],
    ],
  );
  assert.deepEqual(cell.parameters, [
    { name: 'PARAM_1', description: 'Blah blah', line: 21, start: 0, end: 7 },
    { name: 'PARAM_2', description: 'Blah blah', line: 22, start: 0, end: 7 },
  ]);
  assert.deepEqual(cell.parameterLayout, { kind: 'table', lastLine: 22, outerPipes: false, columns: 2 });
  // The placeholders the template module lists are what the parser reads from the template.
  assert.deepEqual(headerPlaceholders(DEFAULT_HEADER_TEMPLATE), DEFAULT_HEADER_PLACEHOLDERS);
});

test('a written section is no placeholder, and other placeholders can be given', () => {
  const text = DEFAULT_HEADER_TEMPLATE.replace('What are you trying to do with this notebook?', 'Sum sales.');
  const sections = parseHeaderCell(text).sections;
  assert.deepEqual(
    sections.filter((s) => s.placeholder).map((s) => s.key),
    ['audience', 'dataSources', 'description', 'references'],
  );
  const custom = parseHeaderCell('# T\n**Purpose:**  TO   do\n', { purpose: 'to do' }).sections[0];
  assert.equal(custom?.placeholder, true, 'compared case-insensitively, whitespace collapsed');
  assert.equal(parseHeaderCell('# T\n## Purpose\n', {}).sections[0]?.placeholder, false, 'empty is not');
});

test('a heading may say more after the section name; a name run into another word is no section', () => {
  const cell = parseHeaderCell(
    [
      '# Sales',
      '## Purpose of this notebook',
      'Sum sales.',
      '## 2. Audience:',
      'Managers.',
      '### **Data Sources** — read-only',
      'The warehouse.',
      '## Description (How does it work?)',
      'Sums.',
      '## Purpose-built charts',
      'Not a section.',
      '**References (wiki):** the handbook',
      '# Parameters',
      '- month',
    ].join('\n'),
  );
  assert.deepEqual(
    cell.sections.map((s) => [s.key, s.text]),
    [
      ['purpose', 'Sum sales.'],
      ['audience', 'Managers.'],
      ['dataSources', 'The warehouse.'],
      ['description', 'Sums.'],
      ['references', 'the handbook'],
      ['parameters', 'month'],
    ],
  );
  assert.equal(cell.title?.text, 'Sales', 'a level-1 heading that only names a section is that section');
  assert.equal(parseHeaderCell('# Parameters\n- a').title, undefined);
  // A plain `Key: text` line must be the name alone: prose like this starts nothing.
  assert.deepEqual(parseHeaderCell('# T\nPurpose of the cleanup: none').sections, []);
});

const SEPARATORS = [
  '--- | ---',
  '——— | ———',
  '–––|–––',
  '‒‒‒ | ‒‒‒',
  '−−− | −−−',
  '‐‐‐ | ‐‐‐',
  ':--- | ---:',
  ':-: | :-:',
];

test('table separators in any dash, with or without outer pipes; backticks and bold around names', () => {
  for (const separator of SEPARATORS) {
    for (const outer of [false, true]) {
      const row = (line: string) => (outer ? `| ${line} |` : line);
      const text = ['# T', '## Parameters', row('Parameter | Description'), row(separator)];
      text.push(
        row('`month` | The month, as `YYYY-MM`'),
        row('**region** | One region \\| or all'),
        row('n (int) | '),
      );
      const cell = parseHeaderCell(text.join('\n'));
      const label = `${separator} outer=${outer}`;
      assert.deepEqual(
        cell.parameters.map((p) => [p.name, p.description]),
        [
          ['month', 'The month, as `YYYY-MM`'],
          ['region', 'One region \\| or all'],
          ['n', ''],
        ],
        label,
      );
      const month = cell.parameters[0];
      assert.equal(text[4]?.slice(month?.start, month?.end), 'month', label);
      assert.equal(cell.parameterLayout?.kind === 'table' && cell.parameterLayout.outerPipes, outer, label);
    }
  }
});

test('tables: the name and description columns by their titles, a header row without separator, stray pipes', () => {
  const threeColumns =
    '## Parameters\n| Type | Name | Description |\n|---|---|---|\n| str | month | The month |';
  assert.deepEqual(
    parseHeaderCell(threeColumns).parameters.map((p) => [p.name, p.description, p.start]),
    [['month', 'The month', 8]],
  );
  assert.deepEqual(parseHeaderCell(threeColumns).parameterLayout, {
    kind: 'table',
    lastLine: 3,
    outerPipes: true,
    columns: 3,
  });
  const mangled = '## Parameters\nParameter | Description\nmonth | The month';
  assert.deepEqual(parseNotebookHeader(notebook(md(mangled))).parameters, ['month']);
  // A pipe in a sentence is no table, so the list below it still names the parameters.
  const prose = '## Parameters\nPass either a | b, as below.\n- month: the month';
  assert.deepEqual(parseNotebookHeader(notebook(md(prose))).parameters, ['month']);
  const empty = parseHeaderCell('## Parameters\nName | Meaning\n--- | ---');
  assert.deepEqual(empty.parameters, []);
  assert.deepEqual(empty.parameterLayout, { kind: 'table', lastLine: 2, outerPipes: false, columns: 2 });
});

test('lists: outer items only, ordered lists, descriptions, and where the list ends', () => {
  const cell = parseHeaderCell(
    [
      '## Parameters',
      '1. `month` (str): the month',
      '   - allowed: any month since 2020',
      '2. region — one region',
      '   or all of them',
      '',
      'Set them when running.',
    ].join('\n'),
  );
  assert.deepEqual(
    cell.parameters.map((p) => [p.name, p.description, p.line, p.start]),
    [
      ['month', '(str): the month', 1, 4],
      ['region', 'one region', 3, 3],
    ],
  );
  assert.deepEqual(cell.parameterLayout, { kind: 'list', lastLine: 4, marker: '2. ' });
  const names = parseHeaderCell('# T\n**Parameters:** quarter, top_n').parameterLayout;
  assert.deepEqual(names, { kind: 'names', lastLine: 1 });
  assert.deepEqual(
    parseHeaderCell('# T\n**Parameters:** quarter, top_n').parameters.map((p) => [p.name, p.start]),
    [
      ['quarter', 16],
      ['top_n', 25],
    ],
  );
  // A sentence names no parameter, though its first word could be one.
  assert.deepEqual(parseNotebookHeader(notebook(md('## Parameters\nThis notebook takes none.'))), {});
});

test('code blocks are never headings or names, deeper headings stay in their section, CRLF reads the same', () => {
  const text = [
    '## Description',
    'Runs this:',
    '```python',
    '# not a title',
    '## Purpose',
    '```',
    '### Step 1',
    'Load.',
    '## Parameters',
    '~~~',
    '- not_a_parameter',
    '~~~',
  ].join('\r\n');
  const cell = parseHeaderCell(text);
  assert.equal(cell.title, undefined);
  assert.deepEqual(
    cell.sections.map((s) => [s.key, s.text, s.body.end]),
    [
      ['description', 'Runs this: Step 1 Load.', 8],
      ['parameters', '', 12],
    ],
  );
  assert.deepEqual(cell.parameters, []);
});

test('parametersCellAssignments: names where they are written, top-level statements only', () => {
  const source = [
    'month = "2026-01"  # the month',
    'a, b = 1, 2',
    'config = dict(',
    'inner=1,',
    ')',
    'long = 1 + \\',
    'cont = 2',
    "note = 'a # not a comment ('",
    'after = 3',
    'doc = """(',
    'inside = 5',
    '"""',
    'last: int = 6',
  ].join('\n');
  assert.deepEqual(parametersCellAssignments(source), [
    { name: 'month', line: 0, start: 0, end: 5 },
    { name: 'a', line: 1, start: 0, end: 1 },
    { name: 'b', line: 1, start: 3, end: 4 },
    { name: 'config', line: 2, start: 0, end: 6 },
    { name: 'long', line: 5, start: 0, end: 4 },
    { name: 'note', line: 7, start: 0, end: 4 },
    { name: 'after', line: 8, start: 0, end: 5 },
    { name: 'doc', line: 9, start: 0, end: 3 },
    { name: 'last', line: 12, start: 0, end: 4 },
  ]);
});
