// Output stripping on publish: no output, execution count or output-related metadata survives, so a secret a
// cell printed never reaches the catalog; the author's sources and other metadata are kept, and the input is
// not modified.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stripOutputs, type Notebook } from '../../../../src/core/notebook';

const SECRET = 'sk-live-THIS-IS-A-FAKE-SECRET-1234';

function executed(): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3' },
      widgets: { 'application/vnd.jupyter.widget-state+json': { state: { w: { value: SECRET } } } },
    },
    cells: [
      {
        cell_type: 'markdown',
        source: '# Title',
        metadata: {},
        attachments: { 'a.png': { 'image/png': 'AA' } },
      },
      {
        cell_type: 'code',
        source: ['import os\n', 'print(os.environ["TOKEN"])'],
        execution_count: 7,
        metadata: {
          tags: ['keep-me'],
          collapsed: false,
          scrolled: true,
          ExecuteTime: { end_time: '2026-01-01' },
          execution: { 'iopub.execute_input': '2026-01-01T00:00:00Z' },
          jupyter: { outputs_hidden: true, source_hidden: false },
        },
        outputs: [
          { output_type: 'stream', name: 'stdout', text: [`${SECRET}\n`] },
          { output_type: 'execute_result', execution_count: 7, data: { 'text/plain': SECRET }, metadata: {} },
          { output_type: 'error', ename: 'E', evalue: SECRET, traceback: [SECRET] },
        ],
      },
      {
        cell_type: 'code',
        source: 'x = 1',
        execution_count: 8,
        metadata: { jupyter: { outputs_hidden: true } },
        outputs: [{ output_type: 'display_data', data: { 'text/html': `<b>${SECRET}</b>` }, metadata: {} }],
      },
      { cell_type: 'raw', source: 'raw', metadata: {}, outputs: [SECRET] },
    ],
  };
}

test('every output, execution count and output metadata is gone, and no trace of the secret is left', () => {
  const input = executed();
  const before = JSON.stringify(input);
  const stripped = stripOutputs(input);
  const text = JSON.stringify(stripped);
  assert.ok(!text.includes(SECRET), text);
  assert.equal(JSON.stringify(input), before, 'the input notebook is left as it was');

  const [markdown, first, second, raw] = stripped.cells;
  assert.deepEqual(first?.outputs, []);
  assert.equal(first?.execution_count, null);
  assert.deepEqual(first?.metadata, { tags: ['keep-me'], jupyter: { source_hidden: false } });
  assert.deepEqual(second?.outputs, []);
  assert.equal(second?.execution_count, null);
  assert.deepEqual(second?.metadata, {});
  assert.equal('outputs' in (raw ?? {}), false);
  // The author's content stays: sources, attachments, the kernelspec.
  assert.deepEqual(first?.source, ['import os\n', 'print(os.environ["TOKEN"])']);
  assert.deepEqual(markdown?.attachments, { 'a.png': { 'image/png': 'AA' } });
  assert.deepEqual(stripped.metadata, { kernelspec: { name: 'python3', display_name: 'Python 3' } });
  assert.equal(stripped.nbformat, 4);
  assert.equal(stripped.nbformat_minor, 5);
});

test('stripping is idempotent and leaves an unexecuted notebook as it was', () => {
  const once = stripOutputs(executed());
  assert.deepEqual(stripOutputs(once), once);
  const clean: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [{ cell_type: 'code', source: '', metadata: {}, outputs: [], execution_count: null }],
  };
  assert.deepEqual(stripOutputs(clean), clean);
});
