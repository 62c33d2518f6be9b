// The lint's view of an nbformat notebook: cell kinds, sources, tags, the kernel's language and the text of
// each kind of output. Pure functions, no I/O.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintNotebookFromNbformat } from '../../../../src/core/lint/fromNbformat';
import type { Notebook } from '../../../../src/core/notebook/nbformat';

const ESC = '\u001b';

test('cells, sources, tags and the text of every kind of output', () => {
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', language: 'python' }, language_info: { name: 'Python' } },
    cells: [
      { cell_type: 'markdown', source: ['# Title\n', 'Text'], metadata: { tags: ['header', 3] } },
      {
        cell_type: 'code',
        source: 'x = 1',
        metadata: { tags: ['parameters'] },
        outputs: [
          { output_type: 'stream', name: 'stdout', text: ['a\n', 'b\n'] },
          {
            output_type: 'execute_result',
            execution_count: 1,
            data: {
              'text/plain': ['1\n', '2'],
              'text/html': '<b>1</b>',
              'image/png': 'iVBORw0KGgo=',
              'application/json': { a: [1] },
              'application/vnd.plotly.v1+json': { data: [] },
            },
            metadata: {},
          },
          { output_type: 'display_data', data: { 'image/png': 'iVBORw0KGgo=' }, metadata: {} },
          {
            output_type: 'error',
            ename: 'KeyError',
            evalue: "'token'",
            traceback: [`${ESC}[0;31m---------${ESC}[0m`, `${ESC}[0;32mcell${ESC}[0m line 1`],
          },
          { output_type: 'stream', name: 'stderr', text: '' },
          'not an output',
        ],
      },
      { cell_type: 'raw', source: 'raw text' },
      { cell_type: 'heading', source: 'old', outputs: [{ output_type: 'stream', text: 'x' }] },
    ],
  };
  assert.deepEqual(lintNotebookFromNbformat(nb), {
    language: 'python',
    cells: [
      { kind: 'markdown', source: '# Title\nText', tags: ['header'], outputs: [] },
      {
        kind: 'code',
        source: 'x = 1',
        tags: ['parameters'],
        outputs: [
          { index: 0, text: 'a\nb\n' },
          { index: 1, text: '1\n2\n<b>1</b>\n{\n "a": [\n  1\n ]\n}\n{\n "data": []\n}' },
          { index: 3, text: "KeyError: 'token'\n---------\ncell line 1" },
        ],
      },
      { kind: 'raw', source: 'raw text', tags: [], outputs: [] },
      { kind: 'raw', source: 'old', tags: [], outputs: [] },
    ],
  });
});

test("the kernel's language: language_info first, then the kernelspec's, else none", () => {
  const lang = (metadata: Record<string, unknown>) =>
    lintNotebookFromNbformat({ cells: [], metadata }).language;
  assert.equal(lang({ language_info: { name: 'R' }, kernelspec: { language: 'python' } }), 'r');
  assert.equal(lang({ language_info: { name: '' }, kernelspec: { language: 'Julia' } }), 'julia');
  assert.equal(lang({ kernelspec: { name: 'ir' } }), undefined);
  assert.equal(lintNotebookFromNbformat({ cells: [] }).language, undefined);
});
