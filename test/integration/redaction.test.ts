// Redaction against real kernels: the team secret (TEAM_API_KEY, which the hub gives every kernel) is read
// with readKernelEnvironment, where another client of the kernel never sees it, and every kind of output that
// prints it reaches the output model's items and metadata as [REDACTED]. Then docs/hub-kit's IPython extension,
// which does the same inside the kernel for JupyterLab users: loaded by %load_ext in a hub kernel, and at
// start (--ext, or an ipython_kernel_config.json) in ipykernels that jupyter_client starts here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { KernelConnection, KernelMessage } from '@jupyterlab/services';
import type { KernelClient, KernelSession } from '../../src/core/kernels';
import { CellOutputs, type CellOutput } from '../../src/core/kernels/cellOutputs';
import { IopubProbe } from '../../src/core/kernels/iopubProbe';
import { openKernelConnection } from '../../src/core/kernels/kernelConnection';
import { readKernelEnvironment } from '../../src/core/kernels/kernelEnvironment';
import { HubKernelSession } from '../../src/core/kernels/kernelSession';
import { REDACTED, Redactor } from '../../src/core/kernels/redact';
import type { IopubOutput } from '../../src/core/kernels/types';
import { useHub } from '../hub/fixture';
import { TEAM_API_KEY, type HubHandle } from '../hub/harness';
import { HUB_KIT_SRC } from '../hub/settings';
import { adminClient } from './clients';
import {
  AliceToken,
  HANG_GUARD,
  aliceKernels,
  alicePath,
  py,
  runToEnd,
  type AliceKernels,
} from './support/kernels';

const PREFIX = `h5-redaction-${process.pid}-${Date.now().toString(36)}`;
/** A value with quotes, backslashes, a newline and non-ASCII, set in a kernel's os.environ by a test. */
const TRICKY = 'q\'u"o\\te\nnew ü ✓ 😀 end';

let hub: HubHandle;
let token: AliceToken;
let alice: AliceKernels;
let kernels: KernelClient;
const opened: KernelSession[] = [];
const observers: KernelConnection[] = [];

before(async () => {
  hub = await useHub();
  token = new AliceToken(hub);
  await token.swap();
  alice = aliceKernels(hub, token, `redaction-trace-${process.pid}`);
  kernels = alice.client();
  await alice.hubClient.startServer('alice');
});

after(async () => {
  for (const observer of observers) observer.dispose();
  for (const session of opened) await session.shutdown().catch(() => session.dispose());
  await adminClient(hub)
    .stopServer('alice')
    .catch(() => undefined);
  await token.dispose();
});

/** A session with a kernel of its own (sessions need no file: nothing is written in alice's home). */
async function open(): Promise<HubKernelSession> {
  const path = alicePath({ area: 'me', path: `${PREFIX}-${opened.length}.ipynb` });
  const { session } = await kernels.openSession({ path, kernelName: 'python3' });
  opened.push(session);
  assert.ok(session instanceof HubKernelSession);
  return session;
}

/**
 * A second client of the session's kernel, as JupyterLab would be: its own websocket and `session_id`, proven
 * to receive iopub before it resolves. Records every message it receives, but the answers to its own requests.
 */
async function observe(session: KernelSession): Promise<KernelMessage.IMessage[]> {
  const seen: KernelMessage.IMessage[] = [];
  // Its own requests (the probe's kernel_info) get replies that are no business of the test.
  const own = new Set<string>();
  const clientId = randomUUID();
  const probe = new IopubProbe();
  const kernel = openKernelConnection({
    server: kernels.server,
    getToken: token.getToken,
    kernel: { id: session.kernelId, name: session.kernelName },
    clientId,
    username: 'alice',
    hooks: { onAuthRefused: () => undefined, onServerStopped: () => undefined },
  });
  observers.push(kernel);
  kernel.anyMessage.connect((_sender, args) => {
    if (args.direction === 'send') own.add(args.msg.header.msg_id);
    if (args.direction !== 'recv') return;
    // Any iopub message, the echo of the probe's own kernel_info included, proves the subscription.
    if (args.msg.channel === 'iopub') probe.notice();
    const parent = (args.msg.parent_header as Partial<KernelMessage.IHeader>).msg_id ?? '';
    if (!own.has(parent)) seen.push(args.msg);
  });
  await new Promise<void>((resolve) => {
    const check = () => kernel.connectionStatus === 'connected' && resolve();
    kernel.connectionStatusChanged.connect(check);
    check();
  });
  assert.equal(await probe.run(kernel, clientId, 'alice'), true, 'the observer receives iopub');
  return seen;
}

test(
  'readKernelEnvironment reads the key on the shell channel only: another client sees no value',
  HANG_GUARD,
  async () => {
    const session = await open();
    const seen = await observe(session);
    const before = seen.length;
    const env = await readKernelEnvironment(session, ['TEAM_API_KEY', 'NOT_SET_ANYWHERE'], 'python');
    assert.deepEqual(
      [...env],
      [
        ['TEAM_API_KEY', TEAM_API_KEY],
        ['NOT_SET_ANYWHERE', ''],
      ],
    );
    // The request's idle status reaches every client: wait for it, so that nothing it caused is still on its way.
    const deadline = Date.now() + 10_000;
    const idle = () =>
      seen
        .slice(before)
        .some(
          (m) =>
            m.header.msg_type === 'status' &&
            (m.content as { execution_state?: string }).execution_state === 'idle',
        );
    while (!idle() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(idle(), 'the observer saw the silent request run');
    const during = seen.slice(before);
    const text = JSON.stringify(during);
    for (const form of [TEAM_API_KEY, Buffer.from(TEAM_API_KEY).toString('hex')]) {
      assert.equal(text.includes(form), false, `no message to the other client carries ${form}`);
    }
    assert.deepEqual(
      [...new Set(during.map((m) => `${m.channel} ${m.header.msg_type}`))].sort(),
      ['iopub status'],
      'silent: no execute_input, no result, and no reply to a request it did not send',
    );
  },
);

test(
  'readKernelEnvironment decodes quotes, backslashes, a newline and non-ASCII exactly',
  HANG_GUARD,
  async () => {
    const session = await open();
    const set = await runToEnd(session.execute(`import os\nos.environ['HUB_REDACT_TRICKY'] = ${py(TRICKY)}`));
    assert.equal(set.done.status, 'ok');
    const env = await readKernelEnvironment(session, ['HUB_REDACT_TRICKY'], 'python');
    assert.equal(env.get('HUB_REDACT_TRICKY'), TRICKY);
    // The silent request did not count as a run.
    const count = await runToEnd(session.execute('1'));
    assert.equal(count.done.executionCount, (set.done.executionCount ?? 0) + 1);
  },
);

/** Cells that print the key in every kind of output; the first sets `k`. */
const PRINTING_CELLS = [
  "import os, sys, time\nk = os.environ['TEAM_API_KEY']\nprint('stdout:', k)\nprint('stderr:', k, file=sys.stderr)",
  "print(k[:5], end='', flush=True); time.sleep(0.2); print(k[5:])",
  'from IPython.display import display, HTML, Markdown, JSON\ndisplay(k)\ndisplay(HTML(f"<b>{k}</b>"))',
  "display(Markdown(f'**{k}**'))\ndisplay(JSON({'key': k, k: [1, k]}))\ndisplay({'text/plain': k}, raw=True, metadata={'note': k})",
  "{'key': k}",
  "h = display('waiting', display_id=True)\nh.update(f'now {k}')",
  "def check(secret):\n    raise ValueError(f'bad key {secret}')\ncheck(k)",
  '%xmode Verbose\ncheck(k)',
  "print('url: https://api.example/?key=' + __import__('urllib.parse').parse.quote(k) + '&x=1')",
];

test('every kind of output that prints the key reaches the model as [REDACTED]', HANG_GUARD, async () => {
  const session = await open();
  const model = new CellOutputs();
  model.setRedactor(
    Redactor.fromEnvironment(await readKernelEnvironment(session, ['TEAM_API_KEY'], 'python')),
  );
  const raw: IopubOutput[] = [];
  const edited: string[] = [];
  for (const [i, code] of PRINTING_CELLS.entries()) {
    const cell = `cell-${i}`;
    model.reset(cell);
    for await (const event of session.execute(code)) {
      if (event.kind !== 'output') continue;
      raw.push(event.output);
      model.push(cell, event.output);
      // What VS Code would get at each flush: no edit may show the key even for a moment.
      for (const { edits } of model.takeEdits()) edited.push(JSON.stringify(edits.map(editText)));
    }
    model.settle(cell);
    for (const { edits } of model.takeEdits()) edited.push(JSON.stringify(edits.map(editText)));
  }
  assert.ok(JSON.stringify(raw).includes(TEAM_API_KEY), 'the kernel did print the key');
  const kinds = new Set(raw.map((o) => o.type));
  for (const kind of ['stream', 'display_data', 'execute_result', 'update_display_data', 'error']) {
    assert.ok(kinds.has(kind as IopubOutput['type']), kind);
  }
  const shown = PRINTING_CELLS.flatMap((_, i) => model.outputs(`cell-${i}`));
  const all = shown.map(outputText).join('\n');
  assert.equal(all.includes(TEAM_API_KEY), false, all);
  assert.equal(edited.join('\n').includes(TEAM_API_KEY), false, 'no edit showed it');
  assert.equal(edited.join('\n').includes('fake-team'), false, 'nor a start of it');
  assert.ok(all.includes(REDACTED));
  const split = model.outputs('cell-1');
  assert.equal(split.map(outputText).join(''), `${STDOUT_MIME}\n${REDACTED}\n\n{"outputType":"stream"}`);
  const error = model.outputs('cell-6')[0];
  const original = error?.metadata['originalError'] as { evalue: string; traceback: string[] };
  assert.equal(original.evalue, `bad key ${REDACTED}`);
  assert.ok(original.traceback.length > 1);
});

const STDOUT_MIME = 'application/vnd.code.notebook.stdout';
const decode = (data: Uint8Array) => new TextDecoder().decode(data);

function outputText(output: CellOutput): string {
  return [...output.items.map((i) => `${i.mime}\n${decode(i.data)}`), JSON.stringify(output.metadata)].join(
    '\n',
  );
}

function editText(edit: ReturnType<CellOutputs['takeEdits']>[number]['edits'][number]): string {
  if (edit.kind === 'replaceItems') return edit.items.map((i) => decode(i.data)).join('\n');
  return edit.outputs.map(outputText).join('\n');
}

// With the kit, what the kernel sends for PRINTING_CELLS is clean for every client, JupyterLab included.
test(
  'hub kit: loaded with %load_ext in a hub kernel, iopub itself carries [REDACTED]',
  HANG_GUARD,
  async () => {
    const session = await open();
    const seen = await observe(session);
    const source = fs.readFileSync(path.join(HUB_KIT_SRC, 'hub_notebooks_redact.py'), 'utf8');
    // The module goes in from its source, so the kernel needs no file it can read: nothing is left behind.
    const load = [
      'import os, sys, types',
      "os.environ['HUB_NOTEBOOKS_REDACT_ENV'] = 'TEAM_API_KEY'",
      "module = types.ModuleType('hub_notebooks_redact')",
      `exec(compile(${py(source)}, 'hub_notebooks_redact.py', 'exec'), module.__dict__)`,
      "sys.modules['hub_notebooks_redact'] = module",
      "get_ipython().run_line_magic('load_ext', 'hub_notebooks_redact')",
    ].join('\n');
    assert.equal((await runToEnd(session.execute(load))).done.status, 'ok');
    const before = seen.length;
    const outputs: IopubOutput[] = [];
    for (const code of PRINTING_CELLS) outputs.push(...(await runToEnd(session.execute(code))).outputs);
    const text = JSON.stringify(outputs);
    assert.equal(text.includes(TEAM_API_KEY), false, text);
    assert.ok(text.includes(REDACTED));
    const observed = JSON.stringify(seen.slice(before).filter((m) => m.header.msg_type !== 'execute_input'));
    assert.equal(observed.includes(TEAM_API_KEY), false, 'nor what the other client got');
    // readKernelEnvironment still reads the value: user_expressions are left alone.
    assert.equal(
      (await readKernelEnvironment(session, ['TEAM_API_KEY'], 'python')).get('TEAM_API_KEY'),
      TEAM_API_KEY,
    );
  },
);

/** The python of the hub flavour under test, whose ipykernel the kit must work with. */
function flavorPython(): string {
  return hub.flavor === 'pypi' ? '/opt/hub-notebooks/venv-jh5/bin/python' : '/usr/bin/python3';
}

/** Starts an ipykernel with jupyter_client, runs the cells, and returns every iopub message and reply. */
const DRIVER = [
  'import json, sys',
  'from jupyter_client.manager import start_new_kernel',
  'cells, extra, out = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]',
  "km, kc = start_new_kernel(kernel_name='python3', extra_arguments=extra, startup_timeout=60)",
  'runs = []',
  'try:',
  '    for code in cells:',
  '        msg_id = kc.execute(code)',
  '        iopub = []',
  '        while True:',
  '            m = kc.get_iopub_msg(timeout=60)',
  "            if m['parent_header'].get('msg_id') != msg_id: continue",
  "            iopub.append({'msg_type': m['msg_type'], 'content': m['content']})",
  "            if m['msg_type'] == 'status' and m['content']['execution_state'] == 'idle': break",
  "        runs.append({'iopub': iopub, 'reply': kc.get_shell_msg(timeout=60)['content']})",
  'finally:',
  '    kc.stop_channels()',
  '    km.shutdown_kernel(now=True)',
  // Written to a file: the kernel shares this process's stdout, where ipykernel echoes subprocess output.
  "with open(out, 'w') as f: json.dump(runs, f, default=str)",
].join('\n');

for (const how of ['--ext on the command line', 'an ipython_kernel_config.json'] as const) {
  test(`hub kit: ipykernel started with ${how} redacts its messages`, HANG_GUARD, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-kit-redact-'));
    try {
      const ipythonDir = path.join(dir, 'ipython');
      fs.mkdirSync(path.join(ipythonDir, 'profile_default'), { recursive: true });
      if (how !== '--ext on the command line') {
        const config = { InteractiveShellApp: { extensions: ['hub_notebooks_redact'] } };
        fs.writeFileSync(
          path.join(ipythonDir, 'profile_default', 'ipython_kernel_config.json'),
          JSON.stringify(config),
        );
      }
      const extra = how === '--ext on the command line' ? ['--ext=hub_notebooks_redact'] : [];
      const cells = [
        ...PRINTING_CELLS,
        "print(os.environ['ODD'])\nos.environ['ODD']",
        "import subprocess\nsubprocess.run(['sh', '-c', 'echo from a subprocess: $TEAM_API_KEY'])",
        "print('ends like the key: fake-te', end='')",
      ];
      const out = path.join(dir, 'runs.json');
      const run = spawnSync(
        flavorPython(),
        ['-c', DRIVER, JSON.stringify(cells), JSON.stringify(extra), out],
        {
          encoding: 'utf8',
          timeout: 110_000,
          env: {
            ...process.env,
            PYTHONPATH: HUB_KIT_SRC,
            HUB_NOTEBOOKS_REDACT_ENV: 'TEAM_API_KEY, ODD',
            TEAM_API_KEY,
            ODD: TRICKY,
            IPYTHONDIR: ipythonDir,
            JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime'),
            PYDEVD_DISABLE_FILE_VALIDATION: '1',
          },
        },
      );
      assert.equal(run.status, 0, run.stderr);
      const runs = JSON.parse(fs.readFileSync(out, 'utf8')) as {
        iopub: { msg_type: string; content: unknown }[];
      }[];
      const outputs = runs.flatMap((r) => r.iopub.filter((m) => m.msg_type !== 'execute_input'));
      const text = JSON.stringify(outputs);
      for (const value of [TEAM_API_KEY, TRICKY, JSON.stringify(TRICKY).slice(1, -1)]) {
        assert.equal(text.includes(value), false, `no ${value} in ${text}`);
      }
      const streams = (i: number) =>
        (runs[i]?.iopub ?? [])
          .map((m) => (m.msg_type === 'stream' ? (m.content as { text: string }).text : ''))
          .join('');
      assert.equal(streams(1), `${REDACTED}\n`, 'the split print');
      assert.match(streams(PRINTING_CELLS.length + 1), /from a subprocess: \[REDACTED\]/);
      assert.equal(
        streams(PRINTING_CELLS.length + 2),
        'ends like the key: fake-te',
        'held back, then sent at idle',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('neither the key nor a token is in the kernel client log', () => {
  const log = fs.readFileSync(alice.logFile, 'utf8');
  assert.match(log, /api\/sessions/);
  for (const value of [TEAM_API_KEY, TRICKY, ...token.values]) assert.equal(log.includes(value), false);
});
