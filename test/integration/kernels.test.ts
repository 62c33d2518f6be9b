// The kernel layer against real kernels on the real hub: every kind of output, stdin, interrupt, restart,
// where kernels start and as whom, the team secret in the environment, and a reloaded window reattaching to
// a run in progress. Alice's server is started here and left stopped at the end, as the next files expect.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { createContentsClient } from '../../src/core/contents';
import {
  CellNotRunError,
  KernelRestartedError,
  SessionDisposedError,
  type InputRequest,
  type KernelClient,
  type KernelSession,
} from '../../src/core/kernels';
import type { HubnbLocation } from '../../src/core/uris/types';
import { useHub } from '../hub/fixture';
import { TEAM_API_KEY, type HubHandle } from '../hub/harness';
import { adminClient } from './clients';
import {
  AliceToken,
  DISPLAY_TEXTS,
  RunRecorder,
  aliceKernels,
  alicePath,
  checkJpeg,
  checkPng,
  displayBundleCode,
  errorOutput,
  mergedStreams,
  resultText,
  runToEnd,
  stdoutOf,
  streamText,
  type AliceKernels,
  HANG_GUARD,
  py,
} from './support/kernels';

const HOME = '/home/alice';
// Other test runs share alice's home: every file and session path of this file starts with this prefix.
const PREFIX = `h5-kernels-${process.pid}-${Date.now().toString(36)}`;

let hub: HubHandle;
let token: AliceToken;
let alice: AliceKernels;
let kernels: KernelClient;
const opened: KernelSession[] = [];

before(async () => {
  hub = await useHub();
  token = new AliceToken(hub);
  await token.swap();
  alice = aliceKernels(hub, token, `kernels-trace-${process.pid}`);
  kernels = alice.client();
  await alice.hubClient.startServer('alice');
});

after(async () => {
  for (const session of opened) await session.shutdown().catch(() => session.dispose());
  for (const name of fs.existsSync(HOME) ? fs.readdirSync(HOME) : []) {
    if (name.startsWith(PREFIX)) fs.rmSync(path.join(HOME, name), { recursive: true, force: true });
  }
  await adminClient(hub)
    .stopServer('alice')
    .catch(() => undefined);
  await token.dispose();
});

/** A session for one of alice's own notebooks (a kernel of its own by default), shut down in `after`. */
async function open(notebook = own(`cells-${opened.length}.ipynb`)): Promise<KernelSession> {
  const { session } = await kernels.openSession({ path: alicePath(notebook), kernelName: 'python3' });
  opened.push(session);
  return session;
}

function own(name: string): HubnbLocation {
  return { area: 'me', path: `${PREFIX}-${name}` };
}

test('stdout and stderr arrive in order with their exact text', HANG_GUARD, async () => {
  const session = await open();
  const result = await runToEnd(
    session.execute(
      [
        'import sys',
        "print('out 1', flush=True)",
        "print('err 1', file=sys.stderr, flush=True)",
        "print('out 2', flush=True)",
        "print('err 2', 'ünï ✓', file=sys.stderr, flush=True)",
        "print('tail, flushed when the cell ends')",
      ].join('\n'),
    ),
  );
  assert.equal(result.done.status, 'ok');
  assert.ok(result.outputs.every((o) => o.type === 'stream'));
  assert.deepEqual(mergedStreams(result.outputs), [
    { name: 'stdout', text: 'out 1\n' },
    { name: 'stderr', text: 'err 1\n' },
    { name: 'stdout', text: 'out 2\n' },
    { name: 'stderr', text: 'err 2 ünï ✓\n' },
    { name: 'stdout', text: 'tail, flushed when the cell ends\n' },
  ]);
});

test('counts increase, and started/result/done share them; done comes once, last', HANG_GUARD, async () => {
  const session = await open();
  const counts: number[] = [];
  for (const n of [6, 7, 8]) {
    const result = await runToEnd(session.execute(`${n} * 7`));
    const started = result.events[0];
    assert.equal(started?.kind, 'started');
    const count = started.executionCount;
    assert.equal(typeof count, 'number');
    assert.equal(result.done.executionCount, count);
    assert.equal(result.done.status, 'ok');
    assert.equal(resultText(result.outputs), String(n * 7));
    const [output] = result.outputs;
    assert.equal(output?.type === 'execute_result' && output.executionCount, count);
    assert.deepEqual(
      result.events.map((e) => e.kind),
      ['started', 'output', 'done'],
    );
    counts.push(count ?? -1);
  }
  const first = counts[0] ?? -1;
  assert.deepEqual(counts, [first, first + 1, first + 2]);
});

test('an error has its ename, exact evalue and a traceback; the next cell runs', HANG_GUARD, async () => {
  const session = await open();
  // After an error, ipykernel aborts the execute requests that reach it within stop_on_error_timeout (0 s by
  // default, which under load still caught a cell sent the moment the error's reply came: 1 run in 30). The
  // session queues cells itself, so nothing it sends may be caught: widened here to make that race certain.
  await stdoutOf(session, 'get_ipython().kernel.stop_on_error_timeout = 3.0');
  const failed = await runToEnd(
    session.execute("def check(x):\n    raise ValueError(f'bad value: {x}')\ncheck(7)"),
  );
  assert.equal(failed.done.status, 'error');
  const error = errorOutput(failed.outputs);
  assert.equal(error.ename, 'ValueError');
  assert.equal(error.evalue, 'bad value: 7');
  assert.ok(error.traceback.length > 0);
  // IPython colours its tracebacks with ANSI escapes; the text between them names the failing line.
  const plain = stripVTControlCharacters(error.traceback.join('\n'));
  assert.match(plain, /----> 3 check\(7\)/);
  assert.match(plain, /^ValueError: bad value: 7$/m);
  assert.equal(failed.outputs.length, 1);
  assert.equal(
    resultText((await runToEnd(session.execute("'after the error'"))).outputs),
    "'after the error'",
  );
});

test('display_data carries every MIME type of a bundle, byte for byte', HANG_GUARD, async () => {
  const session = await open();
  const result = await runToEnd(session.execute(displayBundleCode()));
  assert.equal(result.done.status, 'ok', JSON.stringify(result.outputs));
  assert.equal(result.outputs.length, 1, JSON.stringify(result.outputs));
  const [display] = result.outputs;
  assert.equal(display?.type, 'display_data');
  assert.deepEqual(Object.keys(display.data).sort(), [
    'application/json',
    'image/jpeg',
    'image/png',
    'image/svg+xml',
    'text/html',
    'text/markdown',
    'text/plain',
  ]);
  for (const [mime, value] of Object.entries(DISPLAY_TEXTS))
    assert.deepEqual(display.data[mime], value, mime);
  checkPng(display.data['image/png']);
  checkJpeg(display.data['image/jpeg']);
  assert.equal(display.displayId, undefined);
});

test('update_display_data and clear_output arrive in order, with the display id', HANG_GUARD, async () => {
  const session = await open();
  const result = await runToEnd(
    session.execute(
      [
        'from IPython.display import display, clear_output',
        "handle = display({'text/plain': 'version 1'}, raw=True, display_id=True)",
        "print('before the update', flush=True)",
        "handle.update({'text/plain': 'version 2'}, raw=True)",
        'clear_output(wait=True)',
        "print('after the waiting clear')",
        'clear_output()',
        "print('last')",
      ].join('\n'),
    ),
  );
  assert.equal(result.done.status, 'ok');
  const [first] = result.outputs;
  assert.equal(first?.type, 'display_data');
  const id = first.displayId;
  assert.ok(id, 'display_id=True gives the display an id');
  const seen = result.outputs.map((o) => {
    if (o.type === 'display_data' || o.type === 'update_display_data')
      return { type: o.type, text: o.data['text/plain'], id: o.displayId };
    if (o.type === 'stream') return { type: o.name, text: o.text };
    if (o.type === 'clear_output') return { type: o.type, wait: o.wait };
    return { type: o.type };
  });
  assert.deepEqual(seen, [
    { type: 'display_data', text: 'version 1', id },
    { type: 'stdout', text: 'before the update\n' },
    { type: 'update_display_data', text: 'version 2', id },
    { type: 'clear_output', wait: true },
    { type: 'stdout', text: 'after the waiting clear\n' },
    { type: 'clear_output', wait: false },
    { type: 'stdout', text: 'last\n' },
  ]);
});

test('stdin: input() and getpass() are answered through onInput', HANG_GUARD, async () => {
  const session = await open();
  const asked: InputRequest[] = [];
  const answers = ['Ada Lovelace', 'open sesame'];
  const onInput = (request: InputRequest): Promise<string> => {
    asked.push(request);
    return Promise.resolve(answers.shift() ?? '');
  };
  const named = await runToEnd(
    session.execute("name = input('Your name: ')\nprint(f'hello {name}!')", { onInput }),
  );
  assert.equal(named.done.status, 'ok');
  assert.deepEqual(mergedStreams(named.outputs), [{ name: 'stdout', text: 'hello Ada Lovelace!\n' }]);
  const secret = await runToEnd(
    session.execute(
      "import getpass\nsecret = getpass.getpass('Passphrase: ')\nprint(len(secret), secret == 'open sesame')",
      { onInput },
    ),
  );
  assert.equal(secret.done.status, 'ok');
  assert.deepEqual(mergedStreams(secret.outputs), [{ name: 'stdout', text: '11 True\n' }]);
  assert.deepEqual(asked, [
    { prompt: 'Your name: ', password: false },
    { prompt: 'Passphrase: ', password: true },
  ]);
});

test('stdin: without onInput, input() raises StdinNotImplementedError', HANG_GUARD, async () => {
  const session = await open();
  const result = await runToEnd(session.execute("input('Anything? ')"));
  assert.equal(result.done.status, 'error');
  const error = errorOutput(result.outputs);
  assert.equal(error.ename, 'StdinNotImplementedError');
  assert.equal(error.evalue, 'raw_input was called, but this frontend does not support input requests.');
});

test('stdin: a dismissed prompt interrupts the cell instead of leaving it waiting', HANG_GUARD, async () => {
  const session = await open();
  const asked: InputRequest[] = [];
  const result = await runToEnd(
    session.execute("answer = input('Continue? ')\nimport time\ntime.sleep(30)\nprint('not reached')", {
      onInput: (request) => {
        asked.push(request);
        return Promise.reject(new Error('the user dismissed the prompt'));
      },
    }),
  );
  assert.deepEqual(asked, [{ prompt: 'Continue? ', password: false }]);
  assert.equal(result.done.status, 'error');
  assert.equal(errorOutput(result.outputs).ename, 'KeyboardInterrupt');
  assert.equal(streamText(result.outputs, 'stdout'), '');
  assert.equal(resultText((await runToEnd(session.execute('1 + 1'))).outputs), '2');
});

test('aborting the signal interrupts a sleeping cell; the kernel goes on', HANG_GUARD, async () => {
  const session = await open();
  const abort = new AbortController();
  const run = new RunRecorder(
    session.execute("import time\nprint('sleeping', flush=True)\ntime.sleep(30)\nprint('woke up')", {
      signal: abort.signal,
    }),
  );
  await run.untilPrinted('sleeping\n');
  abort.abort();
  const result = await run.ended;
  assert.equal(result.done.status, 'error');
  assert.equal(errorOutput(result.outputs).ename, 'KeyboardInterrupt');
  assert.equal(streamText(result.outputs, 'stdout'), 'sleeping\n');
  assert.equal(resultText((await runToEnd(session.execute('1 + 1'))).outputs), '2');
});

test('restart: variables go, the running cell fails, queued cells never run', HANG_GUARD, async () => {
  const session = await open(own('restart.ipynb'));
  const marker = path.join(HOME, `${PREFIX}-queued-cell-ran.txt`);
  assert.equal(resultText((await runToEnd(session.execute('kept = 41\nkept + 1'))).outputs), '42');
  const running = new RunRecorder(
    session.execute("import time\nprint('sleeping', flush=True)\ntime.sleep(30)"),
  );
  const queued = new RunRecorder(session.execute(`open(${py(marker)}, 'w').write('ran')\nqueued_ran = True`));
  await running.untilPrinted('sleeping\n');
  await session.restart();
  await assert.rejects(running.ended, KernelRestartedError);
  await assert.rejects(queued.ended, CellNotRunError);
  assert.deepEqual(queued.events, [], 'the queued cell reported nothing: it was never sent');

  const after = await runToEnd(session.execute('kept'));
  assert.equal(after.done.status, 'error');
  assert.equal(after.events[0]?.kind === 'started' && after.events[0].executionCount, 1, 'a fresh kernel');
  const error = errorOutput(after.outputs);
  assert.equal(error.ename, 'NameError');
  assert.equal(error.evalue, "name 'kept' is not defined");
  assert.equal(resultText((await runToEnd(session.execute("'queued_ran' in globals()"))).outputs), 'False');
  assert.equal(fs.existsSync(marker), false, 'the queued cell did not write its file');
});

test('the server offers the python3 kernel spec', HANG_GUARD, async () => {
  const specs = await kernels.listKernelSpecs();
  const python = specs.find((s) => s.name === 'python3');
  assert.ok(python, JSON.stringify(specs));
  assert.equal(python.language, 'python');
  assert.match(python.displayName, /^Python 3/);
  assert.equal(specs[0]?.name, 'python3', 'the default kernel comes first');
});

test('where kernels start: own notebooks in their folder, others in her home', HANG_GUARD, async () => {
  const folder = `${PREFIX}-sub`;
  await createContentsClient({ transport: alice.transport, user: 'alice', root: 'alice' }).createDirectory(
    folder,
  );
  // Nothing creates the shared folder: team and supported kernels start in the nearest folder above, her home.
  assert.equal(fs.existsSync(path.join(HOME, '.hub-notebooks')), false);
  const cases: { notebook: HubnbLocation; sessionPath: string; cwd: string }[] = [
    {
      notebook: { area: 'me', path: `${folder}/x.ipynb` },
      sessionPath: `alice/${folder}/x.ipynb`,
      cwd: path.join(HOME, folder),
    },
    {
      notebook: { area: 'me', path: `${PREFIX}-missing/deeper/x.ipynb` },
      sessionPath: `alice/${PREFIX}-missing/deeper/x.ipynb`,
      cwd: HOME,
    },
    {
      notebook: { area: 'team', user: 'bob', path: 'analysis.ipynb' },
      sessionPath: 'alice/.hub-notebooks/team/bob/analysis.ipynb',
      cwd: HOME,
    },
    {
      notebook: { area: 'supported', name: 'demo', version: '1.0.0' },
      sessionPath: 'alice/.hub-notebooks/supported/demo/1.0.0.ipynb',
      cwd: HOME,
    },
  ];
  for (const { notebook, sessionPath, cwd } of cases) {
    assert.equal(alicePath(notebook), sessionPath);
    const session = await open(notebook);
    assert.equal(session.path, sessionPath);
    const printed = await stdoutOf(
      session,
      'import getpass, os, pwd\nprint(os.getcwd(), getpass.getuser(), pwd.getpwuid(os.getuid()).pw_name)',
    );
    assert.equal(printed, `${cwd} alice alice\n`, sessionPath);
    await session.shutdown();
  }
  assert.equal(fs.existsSync(path.join(HOME, `${PREFIX}-missing`)), false, 'no folder was created');
});

test('reattach: a new window with the same client id adopts the running cell', HANG_GUARD, async () => {
  const notebookPath = alicePath(own('reattach.ipynb'));
  const first = await kernels.openSession({ path: notebookPath, kernelName: 'python3' });
  assert.equal(first.reattached, false);
  const a = first.session;
  const lines = Array.from({ length: 15 }, (_, i) => `line ${i}`);
  const run = new RunRecorder(
    a.execute("import time\nfor i in range(15):\n    print(f'line {i}', flush=True)\n    time.sleep(0.2)"),
  );
  await run.untilPrinted('line 4\n');
  a.dispose();
  await assert.rejects(run.ended, SessionDisposedError);
  const seenByA = streamText(run.outputs, 'stdout').split('\n').filter(Boolean);

  // A reloaded window: a new client, the persisted client id and msg_id (registered before connecting, so
  // nothing the server replays on connecting is dropped).
  const second = await alice.client().openSession({
    path: notebookPath,
    kernelName: 'python3',
    clientId: a.clientId,
    adopt: [run.msgId],
  });
  const adopted = runToEnd(second.session.adopt(run.msgId));
  const b = second.session;
  opened.push(b);
  assert.equal(second.reattached, true);
  assert.equal(b.kernelId, a.kernelId);
  assert.equal(b.clientId, a.clientId);
  const rest = await adopted;
  assert.equal(rest.done.status, 'ok');
  const seenByB = streamText(rest.outputs, 'stdout').split('\n').filter(Boolean);
  assert.ok(seenByA.length >= 5 && seenByB.length > 0, `${seenByA.length} + ${seenByB.length} lines`);
  assert.deepEqual([...seenByA, ...seenByB], lines);

  // A run that already finished ends at once, with nothing but done.
  const again = await runToEnd(b.adopt(run.msgId));
  assert.deepEqual(
    again.events.map((e) => (e.kind === 'done' ? e.status : e.kind)),
    ['ok'],
  );
  assert.equal(resultText((await runToEnd(b.execute('i'))).outputs), '14', 'the same kernel ran the loop');
});

test('the team secret is in the kernel, and neither it nor a token is logged', HANG_GUARD, async () => {
  const session = await open();
  assert.equal(await stdoutOf(session, "import os\nprint(os.environ['TEAM_API_KEY'])"), `${TEAM_API_KEY}\n`);
  // A dismissed prompt makes the kernel layer itself log a line, next to the transport's request lines.
  const dismissed = await runToEnd(
    session.execute("input('Key? ')\nimport time\ntime.sleep(30)", {
      onInput: () => Promise.reject(new Error('dismissed')),
    }),
  );
  assert.equal(errorOutput(dismissed.outputs).ename, 'KeyboardInterrupt');
  const log = fs.readFileSync(alice.logFile, 'utf8');
  assert.match(log, /api\/sessions/);
  assert.match(log, /stdin prompt dismissed/);
  assert.equal(log.includes(TEAM_API_KEY), false, 'the secret is not in the log');
  for (const value of token.values) assert.equal(log.includes(value), false, 'no token in the log');
});
