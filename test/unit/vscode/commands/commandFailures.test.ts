// The one way every command reports a failure: cancellations stay silent, "not signed in" offers Sign In, and
// anything else is logged and shown as "Hub Notebooks could not <what the command does>: <why>" with Show Log.
import { fake, recordingLogger } from '../../support/authFixture';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { SignInError } from '../../../../src/core/auth';
import { reportingFailures } from '../../../../src/vscode/commands/commandFailures';
import { CommandIds } from '../../../../src/vscode/commands/commandIds';
import { NotSignedInError } from '../../../../src/vscode/hub/notSignedInError';
import { EXAMPLE_HUB } from '../../../support/hubUrls';

beforeEach(() => fake.reset());

function wrap(error: Error) {
  const log = recordingLogger();
  const prompts: NotSignedInError[] = [];
  let logShown = 0;
  const deps = {
    logger: log.logger,
    showLog: () => void logShown++,
    promptSignIn: (err: NotSignedInError) => void prompts.push(err),
  };
  const handler = reportingFailures(CommandIds.saveCopy, () => Promise.reject(error), deps);
  return { handler, log, prompts, logShown: () => logShown };
}

test('a failure is logged and shown with what the command was doing and Show Log', async () => {
  fake.answer.message = () => 'Show Log';
  const w = wrap(new Error('The hub refused the save (507).'));
  assert.equal(await w.handler(), undefined, 'the failure does not reach VS Code');
  assert.equal(fake.messages[0]?.kind, 'error');
  assert.equal(
    fake.messages[0]?.message,
    'Hub Notebooks could not save a copy: The hub refused the save (507).',
  );
  assert.deepEqual(fake.messages[0]?.items, ['Show Log']);
  assert.match(w.log.lines.join('\n'), /hubNotebooks\.saveCopy failed: The hub refused the save \(507\)\./);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(w.logShown(), 1);
});

test('a cancellation shows nothing', async () => {
  const w = wrap(new SignInError('cancelled', 'Sign-in was cancelled.'));
  await w.handler();
  assert.equal(fake.messages.length, 0);
  assert.deepEqual(w.prompts, []);
});

test('"not signed in" offers to sign in instead of an error', async () => {
  const err = new NotSignedInError('hub.example.org', EXAMPLE_HUB);
  const w = wrap(err);
  await w.handler();
  assert.deepEqual(w.prompts, [err]);
  assert.equal(fake.messages.length, 0);
});
