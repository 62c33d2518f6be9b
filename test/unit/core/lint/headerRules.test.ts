// The header rules of the lint: each rule's findings (cell, line, message, severity) and each quick fix, applied
// to the cells by a small applyEdits here and linted again, so a fix is checked by what it makes, not by its
// text alone. Pure functions, no I/O.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintHeader } from '../../../../src/core/lint/headerRules';
import { lineStarts, offsetAt } from '../../../../src/core/lint/text';
import type {
  LintCell,
  LintEdit,
  LintFinding,
  LintNotebook,
  LintRuleId,
} from '../../../../src/core/lint/types';
import {
  DEFAULT_HEADER_TEMPLATE,
  notebookFromTemplate,
  parseNotebookHeader,
  sourceText,
  type Notebook,
} from '../../../../src/core/notebook';

const md = (source: string): LintCell => ({ kind: 'markdown', source, tags: [], outputs: [] });
const code = (source: string, tags: string[] = []): LintCell => ({ kind: 'code', source, tags, outputs: [] });
const params = (source: string) => code(source, ['parameters']);
const nb = (...cells: LintCell[]): LintNotebook => ({ cells });

/** The offset of a range's end in a cell, checking that the position exists. */
function offset(source: string, line: number, column: number): number {
  const starts = lineStarts(source);
  assert.ok(line < starts.length, `line ${line} is in the cell`);
  const next = starts[line + 1];
  const length = (next === undefined ? source.length : next - 1) - (starts[line] ?? 0);
  assert.ok(column <= length, `column ${column} is in line ${line}`);
  return offsetAt(starts, line, column);
}

/** The notebook once the edits are made: source replacements first, from the end, then new cells. */
function applyEdits(notebook: LintNotebook, edits: readonly LintEdit[]): LintNotebook {
  const cells = notebook.cells.map((c) => ({ ...c }));
  const replaces = edits.flatMap((e) => (e.kind === 'replace' ? [e] : []));
  replaces.sort(
    (a, b) =>
      b.cell - a.cell || b.range.startLine - a.range.startLine || b.range.startColumn - a.range.startColumn,
  );
  for (const edit of replaces) {
    const cell = cells[edit.cell];
    assert.ok(cell, `cell ${edit.cell} exists`);
    const from = offset(cell.source, edit.range.startLine, edit.range.startColumn);
    const to = offset(cell.source, edit.range.endLine, edit.range.endColumn);
    cell.source = cell.source.slice(0, from) + edit.text + cell.source.slice(to);
  }
  const inserts = edits.flatMap((e) => (e.kind === 'insert-cells' ? [e] : []));
  for (const edit of inserts.sort((a, b) => b.index - a.index)) {
    const added = edit.cells.map((c) => ({
      kind: c.kind,
      source: c.source,
      tags: c.tags ?? [],
      outputs: [],
    }));
    cells.splice(edit.index, 0, ...added);
  }
  return { ...notebook, cells };
}

const only = (findings: LintFinding[], rule: LintRuleId) => findings.filter((f) => f.rule === rule);

/** The first finding of `rule`, its fix applied (the first, or the one titled so), and the notebook it makes. */
function fixed(notebook: LintNotebook, rule: LintRuleId, title?: RegExp): LintNotebook {
  const [finding] = only(lintHeader(notebook), rule);
  assert.ok(finding, `a ${rule} finding`);
  const fix = title ? finding.fixes.find((f) => title.test(f.title)) : finding.fixes[0];
  assert.ok(fix, `a fix for ${rule}`);
  return applyEdits(notebook, fix.edits);
}

function fromNbformat(notebook: Notebook): LintNotebook {
  return {
    cells: notebook.cells.map((c) => {
      const tags = c.metadata?.['tags'];
      const kind = c.cell_type === 'code' ? 'code' : c.cell_type === 'markdown' ? 'markdown' : 'raw';
      return {
        kind,
        source: sourceText(c),
        tags: Array.isArray(tags) ? (tags as string[]) : [],
        outputs: [],
      };
    }),
  };
}

test('a fresh notebook from the template: its placeholders and unassigned PARAM_1/PARAM_2 are flagged', () => {
  const fresh = fromNbformat(notebookFromTemplate({ title: 'Sales' }));
  const findings = lintHeader(fresh);
  assert.deepEqual(
    findings.map((f) => [
      f.rule,
      f.severity,
      f.cell,
      f.range.startLine,
      f.range.startColumn,
      f.range.endColumn,
    ]),
    [
      ['header-purpose', 'warning', 0, 3, 0, 45],
      ['header-audience', 'warning', 0, 6, 0, 35],
      ['header-parameter-unassigned', 'warning', 0, 21, 0, 7],
      ['header-parameter-unassigned', 'warning', 0, 22, 0, 7],
    ],
  );
  assert.equal(
    findings[0]?.message,
    "Say what this notebook is for under Purpose: it still holds the template's text.",
  );
  assert.equal(
    findings[1]?.message,
    "Say who this notebook is for under Audience: it still holds the template's text.",
  );
  assert.equal(
    findings[2]?.message,
    'PARAM_1 is listed in the header but not assigned in the parameters cell.',
  );
  assert.deepEqual(findings[0]?.fixes, [], 'only the author can write the purpose');
  const assigned = fixed(fresh, 'header-parameter-unassigned', /^Assign all 2/);
  assert.equal(assigned.cells[1]?.source, 'PARAM_1 = None\nPARAM_2 = None');
  assert.deepEqual(
    lintHeader(assigned).map((f) => f.rule),
    ['header-purpose', 'header-audience'],
  );
});

test('no cells, no finding: there is no cell to put one on', () => {
  assert.deepEqual(lintHeader(nb()), []);
});

test('header-missing: a code cell or a markdown cell with no title and no section; the fix inserts the template', () => {
  for (const first of [code('import pandas as pd\nx = 1'), md('Some notes, no heading.')]) {
    const notebook = nb(first, code('print(1)'));
    const findings = lintHeader(notebook);
    assert.equal(findings.length, 1, 'no other header finding repeats it');
    const [finding] = findings;
    assert.equal(finding?.rule, 'header-missing');
    assert.equal(finding?.severity, 'warning');
    assert.equal(finding?.cell, 0);
    assert.deepEqual(finding?.range, {
      startLine: 0,
      startColumn: 0,
      endLine: 0,
      endColumn: first.source.split('\n')[0]?.length,
    });
    assert.equal(finding?.fixes[0]?.title, "Insert the team's header template");
    const after = fixed(notebook, 'header-missing');
    assert.deepEqual(
      after.cells.map((c) => [c.kind, c.source, c.tags]),
      [
        ['markdown', DEFAULT_HEADER_TEMPLATE, []],
        ['code', '', ['parameters']],
        [first.kind, first.source, []],
        ['code', 'print(1)', []],
      ],
    );
    assert.deepEqual(only(lintHeader(after), 'header-missing'), []);
  }
  // A notebook with a parameters cell keeps it: only the header is inserted.
  const withParams = fixed(nb(params('month = 1')), 'header-missing');
  assert.deepEqual(
    withParams.cells.map((c) => c.kind),
    ['markdown', 'code'],
  );
  // The operator's template is the one inserted when there is one.
  const operator = '# Title\n\n**Purpose:** Why?\n**Audience:** Who?';
  const [finding] = lintHeader(nb(code('x')), { template: operator });
  const edit = finding?.fixes[0]?.edits[0];
  assert.equal(edit?.kind === 'insert-cells' ? edit.cells[0]?.source : undefined, operator);
});

test("header-title: sections without a `# ` title; the fix puts the template's title on top", () => {
  const notebook = nb(md('## Purpose\nSum sales.\n## Audience\nManagers.'));
  const [finding, ...rest] = lintHeader(notebook);
  assert.deepEqual(rest, []);
  assert.equal(finding?.rule, 'header-title');
  assert.equal(finding?.message, 'The header has no `# ` title.');
  assert.deepEqual(finding?.range, { startLine: 0, startColumn: 0, endLine: 0, endColumn: 10 });
  assert.deepEqual(finding?.fixes[0]?.edits, [
    {
      kind: 'replace',
      cell: 0,
      range: { startLine: 0, startColumn: 0, endLine: 0, endColumn: 0 },
      text: '# Notebook Name\n\n',
    },
  ]);
  const after = fixed(notebook, 'header-title');
  assert.deepEqual(lintHeader(after), []);
  assert.equal(
    parseNotebookHeader({ cells: [{ cell_type: 'markdown', source: after.cells[0]?.source ?? '' }] }).title,
    'Notebook Name',
  );
});

test('header-purpose and header-audience: a missing section is added where the template puts it', () => {
  const heading = nb(md('# Sales\n\n## Audience\nManagers.\n\n## References\nThe wiki.\n'));
  const [finding] = lintHeader(heading);
  assert.equal(finding?.rule, 'header-purpose');
  assert.equal(finding?.message, 'The header has no Purpose section.');
  assert.equal(finding?.range.startLine, 0, 'on the title line');
  assert.equal(finding?.fixes[0]?.title, 'Add the Purpose section');
  const added = fixed(heading, 'header-purpose');
  assert.equal(
    added.cells[0]?.source,
    '# Sales\n\n## Purpose\nWhat are you trying to do with this notebook?\n\n## Audience\nManagers.\n\n## References\nThe wiki.\n',
  );
  // The section is there now, still to be written: the finding has become the placeholder's.
  assert.match(
    only(lintHeader(added), 'header-purpose')[0]?.message ?? '',
    /still holds the template's text/,
  );
  // An inline header gets an inline section; with no later section it goes at the end, a blank line apart.
  const inline = nb(md('# Sales\n**Purpose:** Sum sales.'));
  const withAudience = fixed(inline, 'header-audience');
  assert.equal(
    withAudience.cells[0]?.source,
    '# Sales\n**Purpose:** Sum sales.\n\n**Audience:** Who is this notebook developed for?',
  );
  assert.match(only(lintHeader(withAudience), 'header-audience')[0]?.message ?? '', /still holds/);
  // Only a title: the Purpose and Audience sections go after it, in the template's order.
  const titleOnly = fixed(fixed(nb(md('# Sales\n')), 'header-purpose'), 'header-audience');
  assert.equal(
    titleOnly.cells[0]?.source,
    '# Sales\n\n## Purpose\nWhat are you trying to do with this notebook?\n\n## Audience\nWho is this notebook developed for?\n',
  );
});

test('header-purpose and header-audience: empty or still the placeholder (no fix); one written copy is enough', () => {
  const empty = lintHeader(
    nb(md('# T\n## Purpose\n\n## Audience\n**Who is this notebook developed for?**\n')),
  );
  assert.deepEqual(
    empty.map((f) => [f.rule, f.message, f.range.startLine, f.range.endColumn, f.fixes.length]),
    [
      ['header-purpose', 'Say what this notebook is for under Purpose: the section is empty.', 1, 10, 0],
      [
        'header-audience',
        "Say who this notebook is for under Audience: it still holds the template's text.",
        4,
        39,
        0,
      ],
    ],
  );
  const inline = lintHeader(
    nb(md('# T\n**Purpose:** what are you trying to do with this  notebook?\n**Audience:** Me')),
  );
  assert.deepEqual(
    inline.map((f) => [f.rule, f.range.startLine]),
    [['header-purpose', 1]],
  );
  const repeated = nb(
    md('# T\n## Purpose\nWhat are you trying to do with this notebook?\n## Audience\nMe\n## Purpose\nSums.'),
  );
  assert.deepEqual(lintHeader(repeated), []);
  // The operator's placeholders count, and so do the built-in ones a notebook made earlier still holds.
  const operator = '# Name\n**Purpose:** Why does this exist?\n**Audience:** Who reads it?';
  const old = nb(
    md('# T\n**Purpose:** Why does this exist?\n**Audience:** Who is this notebook developed for?'),
  );
  assert.deepEqual(
    lintHeader(old, { template: operator }).map((f) => f.rule),
    ['header-purpose', 'header-audience'],
  );
  assert.deepEqual(
    lintHeader(old).map((f) => f.rule),
    ['header-audience'],
  );
});

const WRITTEN = '# Sales\n**Purpose:** Sum sales.\n**Audience:** Managers.\n';

test('header-parameter-unassigned: on the name in the header; the fix assigns it, or adds a parameters cell', () => {
  const notebook = nb(
    md(`${WRITTEN}\n## Parameters\n- month: the month\n- \`region\`: one region\n`),
    params('month = "2026-01"\n'),
  );
  const findings = lintHeader(notebook);
  assert.deepEqual(
    findings.map((f) => [f.rule, f.cell, f.range]),
    [['header-parameter-unassigned', 0, { startLine: 6, startColumn: 3, endLine: 6, endColumn: 9 }]],
  );
  assert.equal(findings[0]?.fixes.length, 1, 'no "all" fix for a single name');
  assert.match(findings[0]?.fixes[0]?.note ?? '', /None stands in for a default/);
  const after = fixed(notebook, 'header-parameter-unassigned');
  assert.equal(after.cells[1]?.source, 'month = "2026-01"\nregion = None\n');
  assert.deepEqual(lintHeader(after), []);
  // Without a parameters cell, the fix adds one after the header.
  const none = nb(md(`${WRITTEN}**Parameters:** month, region`), code('print(1)'));
  const [first] = lintHeader(none);
  assert.equal(
    first?.message,
    'month is listed in the header, but the notebook has no parameters cell to assign it in.',
  );
  assert.equal(first?.fixes[0]?.title, 'Add a parameters cell assigning month');
  const all = fixed(none, 'header-parameter-unassigned', /^Assign all/).cells;
  assert.deepEqual(
    all.map((c) => [c.kind, c.source, c.tags]),
    [
      ['markdown', `${WRITTEN}**Parameters:** month, region`, []],
      ['code', 'month = None\nregion = None', ['parameters']],
      ['code', 'print(1)', []],
    ],
  );
  assert.deepEqual(lintHeader({ cells: all }), []);
});

// Each way a header may list its parameters, and what listing `top_n` (and `limit`) makes of it.
const LISTINGS: [string, string, string][] = [
  [
    'a table',
    '## Parameters\n| Name | Description |\n| --- | --- |\n| `month` | The month |\n\n## References\nx',
    '| top_n |  |',
  ],
  ['an ordered list', '## Parameters\n1. month: the month\n   more about it\n', '   more about it\n2. top_n'],
  ['names', '**Parameters:** month', '**Parameters:** month, top_n'],
  [
    'a heading saying none',
    '## Parameters\nNone',
    '## Parameters\n\nParameter | Description\n--------- | -----------\ntop_n | \n\nNone',
  ],
  ['an inline none', '**Parameters:** none', '**Parameters:** top_n'],
  ['an inline key alone', '**Parameters:**', '**Parameters:** top_n'],
  ['inline prose', '**Parameters:** see below', '**Parameters:** see below\ntop_n'],
];

test('header-parameter-unlisted: on the assignment; the fix lists it the way the header lists parameters', () => {
  for (const [label, section, expected] of LISTINGS) {
    const month = section.includes('month') ? 'month = 1\n' : '';
    const notebook = nb(md(`${WRITTEN}\n${section}`), code('x'), params(`${month}top_n = 10  # rows`));
    const [finding, ...rest] = lintHeader(notebook);
    assert.deepEqual(rest, [], label);
    assert.equal(finding?.rule, 'header-parameter-unlisted', label);
    assert.equal(finding?.severity, 'information', label);
    assert.equal(finding?.cell, 2, label);
    const line = month ? 1 : 0;
    assert.deepEqual(finding?.range, { startLine: line, startColumn: 0, endLine: line, endColumn: 5 }, label);
    assert.equal(
      finding?.message,
      "top_n is assigned in the parameters cell but not listed in the header's Parameters.",
    );
    assert.equal(finding?.fixes[0]?.title, "List top_n in the header's Parameters");
    const after = fixed(notebook, 'header-parameter-unlisted');
    assert.ok(after.cells[0]?.source.includes(expected), `${label}:\n${after.cells[0]?.source}`);
    assert.deepEqual(lintHeader(after), [], label);
  }
});

test('header-parameter-unlisted without a Parameters section: one is added, a table or an inline line', () => {
  const heading = nb(md('# T\n## Purpose\nx\n## Audience\ny\n## References\nz'), params('a = 1\nb = 2'));
  const findings = lintHeader(heading);
  assert.deepEqual(
    findings.map((f) => [f.rule, f.range.startLine]),
    [
      ['header-parameter-unlisted', 0],
      ['header-parameter-unlisted', 1],
    ],
  );
  const all = fixed(nb(heading.cells[0] ?? md(''), params('a = 1')), 'header-parameter-unlisted');
  assert.equal(
    all.cells[0]?.source,
    '# T\n## Purpose\nx\n## Audience\ny\n## Parameters\n\nParameter | Description\n--------- | -----------\na | \n\n## References\nz',
  );
  const both = applyEdits(heading, findings[0]?.fixes.find((f) => /^List all 2/.test(f.title))?.edits ?? []);
  assert.deepEqual(
    parseNotebookHeader({ cells: [{ cell_type: 'markdown', source: both.cells[0]?.source ?? '' }] })
      .parameters,
    ['a', 'b'],
  );
  assert.deepEqual(lintHeader(both), []);
  const inline = fixed(nb(md(WRITTEN.trimEnd()), params('a = 1')), 'header-parameter-unlisted');
  assert.equal(
    inline.cells[0]?.source,
    '# Sales\n**Purpose:** Sum sales.\n**Audience:** Managers.\n\n**Parameters:** a',
  );
  assert.deepEqual(lintHeader(inline), []);
});

test('parameter rules read Python only; findings come back raw, even on an ignored line', () => {
  const r = { cells: [md(`${WRITTEN}**Parameters:** month`), params('top_n <- 10')], language: 'r' };
  assert.deepEqual(lintHeader(r), []);
  const ignored = nb(md(`${WRITTEN}**Parameters:** month <!-- hubnb-lint-ignore -->`), params(''));
  assert.deepEqual(
    lintHeader(ignored).map((f) => f.rule),
    ['header-parameter-unassigned'],
  );
  // A header made from the template with its parameters assigned and its text written is clean.
  const header = DEFAULT_HEADER_TEMPLATE.replace(
    'What are you trying to do with this notebook?',
    'Sums.',
  ).replace('Who is this notebook developed for?', 'Managers.');
  assert.deepEqual(lintHeader(nb(md(header), params('PARAM_1 = 1\nPARAM_2 = 2\n'))), []);
});
