// The sandbox's supported notebooks (`npm start` publishes them) must carry a full header, in both styles the
// parser reads, so the quick pick and search show what a real catalog would.
import assert from 'node:assert/strict';
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
