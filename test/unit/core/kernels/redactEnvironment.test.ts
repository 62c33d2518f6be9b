// Reading the secret values from a kernel: the silent execute_request with user_expressions, one expression
// per language, and the decoding of each result's text/plain (quoted hex) back to the exact value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { KernelDisconnectedError } from '../../../../src/core/kernels/errors';
import {
  KernelEnvironmentError,
  canReadEnvironment,
  evaluateUserExpressions,
  readKernelEnvironment,
  type ExpressionResults,
  type UserExpressions,
  type UserExpressionsTarget,
} from '../../../../src/core/kernels/kernelEnvironment';

const TRICKY = 'q\'u"o\\te\nnew ü ✓ 😀 end';
const hex = (value: string) => Buffer.from(value, 'utf8').toString('hex');
const ok = (textPlain: string) => ({ status: 'ok', data: { 'text/plain': textPlain }, metadata: {} });

/** A kernel that answers each expression with `answer(expression)` and records what it was asked. */
function fakeKernel(
  answer: (expression: string) => unknown,
): UserExpressionsTarget & { asked: UserExpressions[] } {
  const asked: UserExpressions[] = [];
  return {
    asked,
    evaluateUserExpressions(expressions: UserExpressions): Promise<ExpressionResults> {
      asked.push(expressions);
      return Promise.resolve(Object.fromEntries(Object.entries(expressions).map(([k, e]) => [k, answer(e)])));
    },
  };
}

/** What a Python kernel shows for each expression, given an environment: the repr of the hex string. */
function pythonKernel(env: Record<string, string>) {
  return fakeKernel((expression) => {
    const name = /environ\.get\('([A-Za-z_0-9]+)'/.exec(expression)?.[1] ?? '';
    return ok(`'${hex(env[name] ?? '')}'`);
  });
}

test('python: one user expression per name, read back exactly, quotes, backslashes and unicode included', async () => {
  const kernel = pythonKernel({ TEAM_API_KEY: 'fake-team-key-for-tests', ODD: TRICKY });
  const env = await readKernelEnvironment(kernel, ['TEAM_API_KEY', 'ODD', 'UNSET'], 'python');
  assert.deepEqual(
    [...env],
    [
      ['TEAM_API_KEY', 'fake-team-key-for-tests'],
      ['ODD', TRICKY],
      ['UNSET', ''],
    ],
  );
  assert.equal(kernel.asked.length, 1, 'one request for all names');
  assert.deepEqual(Object.values(kernel.asked[0] ?? {}), [
    "__import__('os').environ.get('TEAM_API_KEY', '').encode('utf-8', 'surrogateescape').hex()",
    "__import__('os').environ.get('ODD', '').encode('utf-8', 'surrogateescape').hex()",
    "__import__('os').environ.get('UNSET', '').encode('utf-8', 'surrogateescape').hex()",
  ]);
});

test('R and Julia: their expressions, and their way of printing a string', async () => {
  const r = fakeKernel(() => ok(`[1] "${hex(TRICKY)}"`));
  assert.deepEqual([...(await readKernelEnvironment(r, ['K'], 'R'))], [['K', TRICKY]]);
  assert.deepEqual(Object.values(r.asked[0] ?? {}), [
    'paste(as.character(charToRaw(enc2utf8(Sys.getenv("K")))), collapse = "")',
  ]);
  const julia = fakeKernel(() => ok(`"${hex(TRICKY)}"`));
  assert.deepEqual([...(await readKernelEnvironment(julia, ['K'], 'julia'))], [['K', TRICKY]]);
  assert.deepEqual(Object.values(julia.asked[0] ?? {}), ['bytes2hex(codeunits(get(ENV, "K", "")))']);
});

test('an unknown language, or no names, gives an empty map without asking the kernel', async () => {
  const kernel = pythonKernel({ K: 'value' });
  assert.equal(canReadEnvironment('scala'), false);
  assert.equal(canReadEnvironment('Python'), true);
  assert.deepEqual([...(await readKernelEnvironment(kernel, ['K'], 'scala'))], []);
  assert.deepEqual([...(await readKernelEnvironment(kernel, [], 'python'))], []);
  assert.equal(kernel.asked.length, 0);
});

test('a name that is not a plain variable name is refused before anything is sent', async () => {
  const kernel = pythonKernel({});
  for (const name of ["K') or print('x", 'A B', '1ABC', '', 'K"']) {
    await assert.rejects(readKernelEnvironment(kernel, [name], 'python'), RangeError);
  }
  assert.equal(kernel.asked.length, 0);
});

test('an error, a missing result or an unexpected text rejects with KernelEnvironmentError', async () => {
  const cases: unknown[] = [
    { status: 'error', ename: 'NameError', evalue: "name '__import__' is not defined", traceback: [] },
    undefined,
    ok("'not hex'"),
    ok("'abc'"),
    { status: 'ok', data: {} },
  ];
  for (const answer of cases) {
    const error = await readKernelEnvironment(
      fakeKernel(() => answer),
      ['K'],
      'python',
    ).catch((e: unknown) => e);
    assert.ok(error instanceof KernelEnvironmentError, String(error));
    assert.match(error.message, /\bK\b/, 'names the variable');
  }
});

interface SentRequest {
  content: KernelMessage.IExecuteRequestMsg['content'];
  disposeOnDone: boolean | undefined;
}

/** A @jupyterlab/services kernel connection that records requestExecute and lets the test reply. */
function fakeConnection() {
  const sent: SentRequest[] = [];
  let disposed = 0;
  const future = {
    onReply: (_msg: KernelMessage.IExecuteReplyMsg): void => undefined,
    done: new Promise<never>(() => undefined),
    dispose: () => void (disposed += 1),
  };
  const connection = {
    requestExecute(content: SentRequest['content'], disposeOnDone?: boolean) {
      sent.push({ content, disposeOnDone });
      return future;
    },
  } as unknown as Kernel.IKernelConnection;
  const reply = (content: Record<string, unknown>) =>
    future.onReply({ content } as unknown as KernelMessage.IExecuteReplyMsg);
  return { connection, sent, reply, disposed: () => disposed };
}

test('evaluateUserExpressions sends a silent, history-less empty execute_request and returns its results', async () => {
  const fake = fakeConnection();
  const pending = evaluateUserExpressions(fake.connection, { a: '1+1' });
  assert.deepEqual(fake.sent[0]?.content, {
    code: '',
    silent: true,
    store_history: false,
    user_expressions: { a: '1+1' },
    allow_stdin: false,
    stop_on_error: false,
  });
  fake.reply({ status: 'ok', execution_count: 4, user_expressions: { a: ok('2') } });
  assert.deepEqual(await pending, { a: ok('2') });
  assert.equal(fake.disposed(), 1, 'the future is disposed once the reply came');
});

test('evaluateUserExpressions: an aborted reply, a cancel and no connection each reject', async () => {
  const aborted = fakeConnection();
  const pending = evaluateUserExpressions(aborted.connection, { a: 'x' });
  aborted.reply({ status: 'aborted' });
  await assert.rejects(pending, KernelEnvironmentError);
  const cancelled = fakeConnection();
  const controller = new AbortController();
  const waiting = evaluateUserExpressions(cancelled.connection, { a: 'x' }, controller.signal);
  controller.abort(new Error('cancelled by the test'));
  await assert.rejects(waiting, /cancelled by the test/);
  assert.equal(cancelled.disposed(), 1);
  await assert.rejects(evaluateUserExpressions(undefined, { a: 'x' }), KernelDisconnectedError);
});
