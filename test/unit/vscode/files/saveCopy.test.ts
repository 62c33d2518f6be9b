// "Save a Copy to My Notebooks": a team or supported notebook is copied into the user's own home under a name
// they choose (checked with the one path rule), an existing file is replaced only when they confirm, the
// server starts only with consent, and the copy opens.
import { bytes, fake, hubnb, makeFileSystem, text } from '../../support/hubnbFixture';

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { saveCopyToMyNotebooks, suggestedName } from '../../../../src/vscode/files/saveCopy';
import { recordingLogger } from '../../support/authFixture';

beforeEach(() => fake.reset());

function setup() {
  const fs = makeFileSystem();
  const log = recordingLogger();
  const copy = (uri: ReturnType<typeof hubnb>) =>
    saveCopyToMyNotebooks({ files: fs.provider, logger: log.logger }, uri);
  return { ...fs, copy, log };
}

type Validate = (value: string) => string | undefined;

test('copies a teammate’s notebook under the chosen name and opens it as a notebook', async () => {
  const { copy, contents } = setup();
  fake.answer.inputBox = () => 'copies/of-bob.ipynb';
  contents.put('copies', undefined);
  const target = await copy(hubnb('/team/bob/analysis.ipynb'));
  assert.equal(target?.path, '/me/copies/of-bob.ipynb');
  assert.equal(text((await contents.read('copies/of-bob.ipynb')).bytes), '{"bob":1}');
  const box = fake.inputBoxes[0];
  assert.equal(box?.['value'], 'analysis.ipynb');
  assert.deepEqual(box?.['valueSelection'], [0, 'analysis'.length]);
  const opened = fake.executedCommands.find((c) => c.id === 'vscode.openWith');
  assert.equal(String(opened?.args[0]), target?.toString());
  assert.equal(opened?.args[1], 'jupyter-notebook');
});

test('the name box applies the path rule', async () => {
  const { copy, contents } = setup();
  fake.answer.inputBox = () => undefined;
  assert.equal(await copy(hubnb('/team/bob/analysis.ipynb')), undefined);
  const validate = fake.inputBoxes[0]?.['validateInput'] as Validate;
  assert.equal(validate('fine/name.ipynb'), undefined);
  for (const bad of [
    '',
    '../escape.ipynb',
    '/abs.ipynb',
    '.hidden.ipynb',
    'a\\b.ipynb',
    '~bob/x.ipynb',
    'a//b',
  ]) {
    assert.ok(validate(bad), `refused: ${JSON.stringify(bad)}`);
  }
  assert.equal(contents.writes.length, 0, 'cancelled: nothing written');
  // A scripted answer that breaks the rule is refused too.
  fake.answer.inputBox = () => '../escape.ipynb';
  assert.equal(await copy(hubnb('/team/bob/analysis.ipynb')), undefined);
  assert.equal(contents.writes.length, 0);
});

test('supported notebooks suggest their name, with the version unless it is current', () => {
  assert.equal(suggestedName(hubnb('/supported/report/current.ipynb')), 'report.ipynb');
  assert.equal(suggestedName(hubnb('/supported/report/1.0.0.ipynb')), 'report-1.0.0.ipynb');
  assert.equal(suggestedName(hubnb('/team/bob/sub/deep.ipynb')), 'deep.ipynb');
  assert.equal(suggestedName(hubnb('/me/analysis.ipynb')), undefined);
  assert.equal(suggestedName(hubnb('/team/bob')), undefined);
  assert.equal(suggestedName(hubnb('/supported/report')), undefined);
});

test('a supported version is copied with its bytes', async () => {
  const { copy, contents } = setup();
  fake.answer.inputBox = (o) => o['value'] as string;
  await copy(hubnb('/supported/report/1.0.0.ipynb'));
  assert.equal(text((await contents.read('report-1.0.0.ipynb')).bytes), '{"report":"1.0.0"}');
});

test('an existing file is replaced only after the user confirms', async () => {
  const { copy, contents } = setup();
  fake.answer.inputBox = () => 'analysis.ipynb';
  fake.answer.message = () => undefined;
  assert.equal(await copy(hubnb('/team/bob/analysis.ipynb')), undefined);
  const ask = fake.messages.find((m) => /already exists in My Notebooks/.test(m.message));
  assert.ok(ask?.modal, 'asked in a modal dialog');
  assert.equal(text((await contents.read('analysis.ipynb')).bytes), '{"mine":1}', 'declined: unchanged');

  fake.answer.message = (m) => (/already exists/.test(m.message) ? 'Replace' : undefined);
  assert.ok(await copy(hubnb('/team/bob/analysis.ipynb')));
  assert.equal(text((await contents.read('analysis.ipynb')).bytes), '{"bob":1}');
});

test('a folder of that name is not replaced', async () => {
  const { copy, contents } = setup();
  fake.answer.inputBox = () => 'folder';
  assert.equal(await copy(hubnb('/team/bob/analysis.ipynb')), undefined);
  assert.ok(fake.messages.some((m) => m.kind === 'error' && /is a folder/.test(m.message)));
  assert.equal(contents.writes.length, 0);
});

test('own files and folders are not copied; a missing source is reported', async () => {
  const { copy, contents } = setup();
  assert.equal(await copy(hubnb('/me/analysis.ipynb')), undefined);
  assert.ok(
    fake.messages.some((m) => m.kind === 'error' && /works on a teammate's notebook/.test(m.message)),
  );
  fake.answer.inputBox = () => 'x.ipynb';
  assert.equal(await copy(hubnb('/team/bob/missing.ipynb')), undefined);
  assert.ok(fake.messages.some((m) => m.kind === 'error' && /Could not save a copy/.test(m.message)));
  assert.equal(fake.inputBoxes.length, 0, 'nothing asked before the source was read');
  assert.equal(contents.writes.length, 0);
});

test('a stopped server is started only with consent', async () => {
  const { copy, contents, hub } = setup();
  contents.stopped = true;
  fake.answer.inputBox = () => 'copy.ipynb';
  fake.answer.message = () => 'Cancel';
  assert.equal(await copy(hubnb('/team/bob/analysis.ipynb')), undefined);
  assert.deepEqual(hub.calls, []);
  assert.ok(fake.messages.some((m) => m.kind === 'error' && /not running/.test(m.message)));

  fake.answer.message = (m) => (/not running/.test(m.message) ? 'Start Server' : undefined);
  assert.ok(await copy(hubnb('/team/bob/analysis.ipynb')));
  assert.deepEqual(hub.calls, ['start alice']);
  assert.deepEqual(contents.files.get('copy.ipynb')?.bytes, bytes('{"bob":1}'));
});
