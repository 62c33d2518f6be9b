// The secret rules on the positive corpus (every shape in a source and in an output, with its range, its
// message and its fix) and on the values that must not be found. Pure functions, no I/O.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintSecrets } from '../../../../src/core/lint/secretRules';
import { SECRET_SHAPES } from './secretCorpus';
import { applyEdits, assertNoValue, covered, notebook } from './secretTestUtil';

test('the corpus has at least 40 distinct shapes', () => {
  assert.ok(SECRET_SHAPES.length >= 40, `only ${SECRET_SHAPES.length} shapes`);
  assert.equal(new Set(SECRET_SHAPES.map((s) => s.name)).size, SECRET_SHAPES.length);
  assert.equal(new Set(SECRET_SHAPES.map((s) => s.secret)).size, SECRET_SHAPES.length);
});

for (const shape of SECRET_SHAPES) {
  test(`secret-token in a source: ${shape.name}`, async () => {
    const findings = await lintSecrets(notebook([{ source: shape.source }]));
    assert.equal(findings.length, 1, JSON.stringify(findings.map((f) => [f.rule, f.message])));
    const [finding] = findings;
    assert.ok(finding);
    assert.equal(finding.rule, 'secret-token');
    assert.equal(finding.severity, 'error');
    assert.deepEqual(finding.where, { kind: 'source' });
    assert.ok(finding.message.includes(shape.label), finding.message);
    assert.ok(finding.message.includes(`(${shape.secret.length} characters)`), finding.message);
    assertNoValue(finding.message, shape.secret);
    if (shape.env === undefined) {
      assert.equal(covered(shape.source, finding), shape.secret);
      assert.deepEqual(finding.fixes, []);
      return;
    }
    const literal = shape.literal ?? `"${shape.secret}"`;
    assert.equal(covered(shape.source, finding), literal);
    assert.equal(finding.fixes.length, 1);
    const [fix] = finding.fixes;
    assert.equal(fix?.title, `Read ${shape.env} from the environment`);
    assert.ok(fix?.note?.includes(`add ${shape.env} to c.Spawner.environment`));
    const fixed = applyEdits(shape.source, fix?.edits ?? []);
    assert.equal(fixed, `import os\n${shape.source.replace(literal, `os.environ["${shape.env}"]`)}`);
  });

  test(`secret-output: ${shape.name}`, async () => {
    const outputs = [
      { index: 0, text: 'nothing to see\n' },
      { index: 2, text: shape.output },
    ];
    const findings = await lintSecrets(notebook([{ source: 'connect()\n', outputs }]));
    assert.equal(findings.length, 1, JSON.stringify(findings.map((f) => [f.rule, f.message])));
    const [finding] = findings;
    assert.ok(finding);
    assert.equal(finding.rule, 'secret-output');
    assert.equal(finding.severity, 'error');
    assert.deepEqual(finding.where, { kind: 'output', output: 2 });
    assert.equal(covered(shape.output, finding), shape.secret);
    assert.ok(finding.message.includes(shape.label), finding.message);
    assertNoValue(finding.message, shape.secret);
    assert.deepEqual(finding.fixes, [
      { title: 'Clear This Output', edits: [{ kind: 'clear-output', cell: 0, output: 2 }] },
    ]);
  });
}

test('tokens in markdown and raw cells are found, with no fix', async () => {
  const shape = SECRET_SHAPES.find((s) => s.name === 'GitHub classic token');
  assert.ok(shape);
  const nb = notebook([
    { kind: 'markdown', source: `Use \`${shape.secret}\` to push.` },
    { kind: 'raw', source: `token: ${shape.secret}\n` },
  ]);
  const findings = await lintSecrets(nb);
  assert.deepEqual(
    findings.map((f) => [f.cell, f.rule, f.fixes.length]),
    [
      [0, 'secret-token', 0],
      [1, 'secret-token', 0],
    ],
  );
  assert.ok(findings[0]?.message.endsWith('Remove it: a notebook is no place for a secret.'));
});

test('a token assigned to a name is read from the variable of that name', async () => {
  const shape = SECRET_SHAPES.find((s) => s.name === 'GitHub classic token');
  assert.ok(shape);
  const source = `import os\nself.gh_token = "${shape.secret}"\n`;
  const [finding, ...rest] = await lintSecrets(notebook([{ source }]));
  assert.equal(rest.length, 0, 'the assignment rule gives way to the token rule on the same literal');
  assert.equal(finding?.rule, 'secret-token');
  assert.equal(
    applyEdits(source, finding?.fixes[0]?.edits ?? []),
    'import os\nself.gh_token = os.environ["GH_TOKEN"]\n',
  );
});

test('a token in the middle of a literal gets no fix', async () => {
  const shape = SECRET_SHAPES.find((s) => s.name === 'GitHub classic token');
  assert.ok(shape);
  const source = `url = "https://${shape.secret}@github.com/acme/data.git"\n`;
  const [finding] = await lintSecrets(notebook([{ source }]));
  assert.equal(finding?.rule, 'secret-token');
  assert.equal(covered(source, finding), shape.secret);
  assert.deepEqual(finding.fixes, []);
});

test('the fix reads the variable in the language of the kernel or of the cell magic', async () => {
  const shape = SECRET_SHAPES.find((s) => s.name === 'Stripe secret key');
  assert.ok(shape);
  const lit = `"${shape.secret}"`;
  const cases: [string, string, string][] = [
    ['r', `stripe_key <- ${lit}\n`, 'stripe_key <- Sys.getenv("STRIPE_KEY")\n'],
    ['julia', `const STRIPE = ${lit}\n`, 'const STRIPE = ENV["STRIPE"]\n'],
    ['javascript', `const stripeKey = ${lit};\n`, 'const stripeKey = process.env.STRIPE_KEY;\n'],
    ['typescript', `let key: string = ${lit};\n`, 'let key: string = process.env.KEY;\n'],
    [
      'bash',
      `curl -u ${lit}: https://api.stripe.com\n`,
      'curl -u "$STRIPE_API_KEY": https://api.stripe.com\n',
    ],
    [
      'python',
      `%%bash\ncurl -u ${lit}: https://api.stripe.com\n`,
      '%%bash\ncurl -u "$STRIPE_API_KEY": https://api.stripe.com\n',
    ],
    ['python', `%%R\nkey <- ${lit}\n`, '%%R\nkey <- Sys.getenv("KEY")\n'],
    ['python', `!stripe login --api-key ${lit}\n`, '!stripe login --api-key "$STRIPE_API_KEY"\n'],
    ['python', `import os\nstripe.api_key = ${lit}\n`, 'import os\nstripe.api_key = os.environ["API_KEY"]\n'],
    ['python', `%%time\nclient(${lit})\n`, '%%time\nimport os\nclient(os.environ["STRIPE_API_KEY"])\n'],
    [
      'python',
      `from __future__ import annotations\nk = ${lit}\n`,
      'from __future__ import annotations\nimport os\nk = os.environ["STRIPE_API_KEY"]\n',
    ],
  ];
  for (const [language, source, expected] of cases) {
    const [finding] = await lintSecrets(notebook([{ source }], language));
    assert.equal(finding?.rule, 'secret-token', `${language}: ${source}`);
    assert.equal(applyEdits(source, finding.fixes[0]?.edits ?? []), expected, `${language}: ${source}`);
  }
});

test('a token in the arguments of a line magic gets no fix', async () => {
  const shape = SECRET_SHAPES.find((s) => s.name === 'Stripe secret key');
  assert.ok(shape);
  const [finding] = await lintSecrets(notebook([{ source: `%run pay.py --key "${shape.secret}"\n` }]));
  assert.equal(finding?.rule, 'secret-token');
  assert.deepEqual(finding.fixes, []);
});

test('no import is added when this or an earlier code cell imports os', async () => {
  const shape = SECRET_SHAPES.find((s) => s.name === 'Stripe secret key');
  assert.ok(shape);
  const nb = notebook([
    { kind: 'markdown', source: 'import os' },
    { source: 'import sys, os.path as p\nimport json, os\n' },
    { source: `key = "${shape.secret}"\n` },
  ]);
  const [finding] = await lintSecrets(nb);
  assert.equal(finding?.fixes[0]?.edits.length, 1);
  const later = notebook([{ source: `key = "${shape.secret}"\n` }, { source: 'import os\n' }]);
  const [first] = await lintSecrets(later);
  assert.equal(first?.fixes[0]?.edits.length, 2, 'an import in a later cell does not count');
});

test('a secret written into the environment is fixed by removing the line', async () => {
  const shape = SECRET_SHAPES.find((s) => s.name === 'OpenAI legacy key');
  assert.ok(shape);
  const cases: [string, string, string][] = [
    ['python', `import os\nos.environ["OPENAI_API_KEY"] = "${shape.secret}"\nrun()\n`, 'import os\nrun()\n'],
    ['python', `%env OPENAI_KEY=${shape.secret}\nrun()\n`, 'run()\n'],
    ['python', `!export OAI=${shape.secret}\n!run`, '!run'],
    ['r', `Sys.setenv(OPENAI_API_KEY = "${shape.secret}")\n`, ''],
    ['bash', `export OPENAI_API_KEY="${shape.secret}"\n./run.sh\n`, './run.sh\n'],
  ];
  for (const [language, source, expected] of cases) {
    const [finding] = await lintSecrets(notebook([{ source }], language));
    const fix = finding?.fixes[0];
    assert.ok(fix, `${language}: ${source}`);
    assert.ok(fix.title.startsWith('Remove this line'), `${language}: ${source}`);
    assert.equal(applyEdits(source, fix.edits), expected, `${language}: ${source}`);
  }
});

test('a text output is linted whatever else the cell holds, and each value once per output', async () => {
  const shape = SECRET_SHAPES.find((s) => s.name === 'Slack bot token');
  assert.ok(shape);
  const text = `${shape.secret}\n<pre>${shape.secret}</pre>\n`;
  const findings = await lintSecrets(notebook([{ outputs: [{ index: 0, text }] }]));
  assert.equal(findings.length, 1);
});

test('an aborted signal stops the lint', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(lintSecrets(notebook([{ source: 'x = 1' }]), controller.signal), {
    name: 'AbortError',
  });
});
