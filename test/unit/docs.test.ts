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

test("every setting the service reads from its environment is in the operator's guide", () => {
  const config = fs.readFileSync(path.join(root, 'src', 'service', 'config.ts'), 'utf8');
  const guide = fs.readFileSync(path.join(root, 'docs', 'operators.md'), 'utf8');
  const names = new Set(config.match(/\b(?:JUPYTERHUB|HUB_NOTEBOOKS)_[A-Z_]+(?=:\s*z\.)/g) ?? []);
  assert.ok(names.size >= 20, `found only ${names.size} settings in config.ts`);
  const missing = [...names].filter((name) => !guide.includes(`\`${name}\``));
  assert.deepEqual(missing, [], 'settings missing from docs/operators.md');
});
