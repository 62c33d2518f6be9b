// The lint as the extension and the service run it: every rule's findings together, less the rules turned
// off and the lines an escape-hatch comment silences (for an output: a comment anywhere in its cell).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintNotebook, type LintCell, type LintNotebook } from '../../../../src/core/lint';
import { lineIgnores } from '../../../../src/core/lint/text';
import { DEFAULT_HEADER_TEMPLATE } from '../../../../src/core/notebook/template';

// Built at run time, so no token-shaped literal sits in the repository.
const TOKEN = ['ghp', '_', 'Q7x9Lm2Pz8Rt4Vw6Ys1Ab3Cd5Ef7Gh9Jk2Mn'].join('');
const cell = (
  source: string,
  kind: LintCell['kind'] = 'code',
  outputs: LintCell['outputs'] = [],
): LintCell => ({
  kind,
  source,
  tags: [],
  outputs,
});
const nb = (...cells: LintCell[]): LintNotebook => ({ cells, language: 'python' });
const rules = async (n: LintNotebook, disabled: string[] = []) =>
  (await lintNotebook(n, { disabled: new Set(disabled) as never })).map((f) => `${f.rule}@${f.cell}`).sort();

test('header and secret findings come together, and a rule turned off is left out', async () => {
  const n = nb(cell('x = 1'), cell(`token = "${TOKEN}"`));
  assert.deepEqual(await rules(n), ['header-missing@0', 'secret-token@1']);
  assert.deepEqual(await rules(n, ['header-missing']), ['secret-token@1']);
  assert.deepEqual(await rules(n, ['header-missing', 'secret-token']), []);
});

test('hubnb-lint-ignore silences its own line: every rule, only the ones it names, or with a reason', async () => {
  const header = cell(DEFAULT_HEADER_TEMPLATE, 'markdown');
  const base = await rules(nb(header, cell(`token = "${TOKEN}"`)));
  assert.ok(base.includes('secret-token@1'));
  for (const comment of [
    '# hubnb-lint-ignore',
    '# hubnb-lint-ignore secret-token',
    '# hubnb-lint-ignore: a fake key from the docs',
  ]) {
    const found = await rules(nb(header, cell(`token = "${TOKEN}"  ${comment}`)));
    assert.ok(!found.includes('secret-token@1'), comment);
  }
  const other = await rules(nb(header, cell(`token = "${TOKEN}"  # hubnb-lint-ignore secret-assignment`)));
  assert.ok(other.includes('secret-token@1'), 'naming another rule does not silence this one');
  const elsewhere = await rules(nb(header, cell(`# hubnb-lint-ignore\ntoken = "${TOKEN}"`)));
  assert.ok(elsewhere.includes('secret-token@1'), 'a comment on another line does not count');
});

test("an output's finding is silenced by the comment anywhere in its cell", async () => {
  const header = cell(DEFAULT_HEADER_TEMPLATE, 'markdown');
  const printed = (source: string) => cell(source, 'code', [{ index: 0, text: `your token: ${TOKEN}\n` }]);
  assert.ok((await rules(nb(header, printed('print(t)')))).includes('secret-output@1'));
  assert.ok(
    !(await rules(nb(header, printed('# hubnb-lint-ignore secret-output\nprint(t)')))).includes(
      'secret-output@1',
    ),
  );
});

test('lineIgnores reads only known rule ids after the marker', () => {
  assert.equal(lineIgnores('x  # hubnb-lint-ignore', 'secret-token'), true);
  assert.equal(lineIgnores('x  # hubnb-lint-ignore because it is a test fixture', 'secret-token'), true);
  assert.equal(lineIgnores('x  # hubnb-lint-ignore secret-token, header-title', 'header-title'), true);
  assert.equal(lineIgnores('x  # hubnb-lint-ignore secret-token', 'secret-assignment'), false);
  assert.equal(lineIgnores('x  # no marker here', 'secret-token'), false);
});

test("the operator's template, when given, is what counts as its placeholder text", async () => {
  const template =
    '# Team notebook\n\n## Purpose\nWhy does this notebook exist?\n\n## Audience\nWho reads it?\n';
  const header = cell(
    '# Logins\n\n## Purpose\nWhy does this notebook exist?\n\n## Audience\nThe SOC.\n',
    'markdown',
  );
  const n = nb(header);
  const without = (await lintNotebook(n)).map((f) => f.rule);
  const withTemplate = (await lintNotebook(n, { template })).map((f) => f.rule);
  assert.ok(!without.includes('header-purpose'), 'unknown to the built-in template, the text is a purpose');
  assert.ok(withTemplate.includes('header-purpose'), "the operator's placeholder is still a placeholder");
});
