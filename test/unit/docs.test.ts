// The operator's guide shows the same snippet the test harness loads into every test hub.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '..', '..');

test("the operator's guide quotes docs/jupyterhub_config.hub-notebooks.py exactly", () => {
  const guide = fs.readFileSync(path.join(root, 'docs', 'operators.md'), 'utf8');
  const snippet = fs.readFileSync(path.join(root, 'docs', 'jupyterhub_config.hub-notebooks.py'), 'utf8');
  const quoted = /<!-- snippet:start -->\s*```python\n([\s\S]*?)```\s*<!-- snippet:end -->/.exec(guide)?.[1];
  assert.ok(quoted, 'the guide has a marked snippet block');
  assert.equal(quoted, snippet);
});

test('the harness loads that snippet rather than a copy of its own', () => {
  const config = fs.readFileSync(path.join(root, 'test', 'hub', 'jupyterhub_config.py'), 'utf8');
  assert.match(config, /exec\(compile\(f\.read\(\), s\['operatorSnippet'\]/);
  assert.doesNotMatch(config, /oauth_client_allowed_scopes/);
  const settings = fs.readFileSync(path.join(root, 'test', 'hub', 'settings.ts'), 'utf8');
  assert.match(settings, /'docs', 'jupyterhub_config\.hub-notebooks\.py'/);
});
