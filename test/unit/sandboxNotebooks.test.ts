// The sandbox's supported notebooks (`npm start` publishes them) must carry a full header, in both styles the
// parser reads, so the quick pick and search show what a real catalog would. The samples in each demo home
// must run offline.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseNotebook, parseNotebookHeader } from '../../src/core/notebook';
import { SANDBOX_VERSIONS, sandboxSupportedNotebooks } from '../hub/seedCatalog';

const expectedParameters: Record<string, string[]> = {
  'churn-check': ['quarter', 'top_n'],
  'monthly-sales': ['month', 'threshold'],
};

test('every sandbox supported notebook parses and has every header field, per version', () => {
  const notebooks = sandboxSupportedNotebooks();
  assert.deepEqual(
    notebooks.map((n) => n.name),
    Object.keys(expectedParameters),
  );
  for (const notebook of notebooks) {
    assert.deepEqual(
      notebook.versions.map((v) => v.version),
      [...SANDBOX_VERSIONS],
    );
    for (const { version, text } of notebook.versions) {
      const parsed = parseNotebook(text);
      assert.ok(parsed.ok, `${notebook.name} ${version}: ${parsed.ok ? '' : parsed.reason}`);
      const header = parseNotebookHeader(parsed.notebook);
      for (const field of ['title', 'purpose', 'audience', 'dataSources', 'references'] as const) {
        assert.ok(header[field], `${notebook.name} ${version} has a ${field}`);
      }
      assert.match(header.description ?? '', new RegExp(`Version ${version.replaceAll('.', '\\.')}\\.`));
      assert.deepEqual(header.parameters, expectedParameters[notebook.name]);
      assert.ok(!text.includes('{{'), 'no placeholder is left');
    }
  }
});

// The notebooks test/hub/setup.sh copies into each demo home, and the earlier releases it may replace.
const HOME_SAMPLES = path.join('test', 'hub', 'notebooks');
const codeOf = (text: string): string[] => {
  const parsed = parseNotebook(text);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
  return parsed.notebook.cells
    .filter((c) => c.cell_type === 'code')
    .map((c) => (Array.isArray(c.source) ? c.source.join('') : String(c.source)));
};

test('welcome.ipynb ends with a chart of a pandas DataFrame it builds itself, drawn with matplotlib', () => {
  const cells = codeOf(fs.readFileSync(path.join(HOME_SAMPLES, 'welcome.ipynb'), 'utf8'));
  assert.equal(cells.length, 4, 'where, secret, example, chart');
  const chart = cells.at(-1) ?? '';
  assert.match(chart, /^import matplotlib\.pyplot as plt$/m);
  assert.match(chart, /^import pandas as pd$/m);
  assert.match(chart, /pd\.DataFrame\(\{/);
  assert.match(chart, /plt\.show\(\)$/);
  // The sandbox has no network, and the notebook ships alone: no downloads and no data files.
  assert.doesNotMatch(cells.join('\n'), /https?:|read_csv|read_excel|open\(/);
});

test('every earlier release in notebooks/earlier differs from the current sample of that name', () => {
  const earlier = fs.readdirSync(path.join(HOME_SAMPLES, 'earlier')).sort();
  assert.ok(earlier.length > 0);
  for (const file of earlier) {
    const name = /^(.+)\.\d+\.ipynb$/.exec(file)?.[1];
    assert.ok(name, `${file} is named NAME.N.ipynb`);
    const current = fs.readFileSync(path.join(HOME_SAMPLES, `${name}.ipynb`), 'utf8');
    const old = fs.readFileSync(path.join(HOME_SAMPLES, 'earlier', file), 'utf8');
    assert.notEqual(old, current, `${file} is not the current release`);
    codeOf(old);
  }
});
