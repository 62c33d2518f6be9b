// The Jupyter extension bridge: the "Hub Notebooks" server collection is registered with a fake Jupyter
// extension only when that extension is there and worth activating; it lists every signed-in account's servers,
// named and stopped ones included; resolving starts a stopped server after the user agreed and hands over its
// URL with the token in the Authorization header only; declining or cancelling rejects with CancellationError.
import { fake, recordingLogger, until } from '../../support/authFixture';
import { createFakeJupyterApi, createFakeJupyterHost } from '../../support/jupyterFake';

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type { JupyterServer, JupyterServerProvider } from '@vscode/jupyter-extension';
import type { HubServer, StartServerOptions } from '../../../../src/core/hub';
import { CancellationError, CancellationTokenSource, EventEmitter } from '../../../support/fakeVscode';
import {
  COLLECTION_ID,
  COLLECTION_LABEL,
  JupyterBridge,
  type BridgeAccount,
} from '../../../../src/vscode/jupyter/jupyterBridge';
import { hubUrl } from '../../../support/hubUrls';
import type { HubUrl } from '../../../../src/core/auth';

beforeEach(() => fake.reset());

const HUB_A = hubUrl('https://hub-a.example.org/');
const HUB_B = hubUrl('https://hub-b.example.org:8443/jhub/');

interface AccountSpec {
  hubUrl: HubUrl;
  user: string;
  token: string;
  /** The user's servers as the hub reports them, stopped ones included; '' is the default server. */
  servers: Record<string, HubServer>;
  listError?: Error;
}

function server(name: string, state: 'running' | 'stopped' | 'starting'): HubServer {
  return {
    name,
    ready: state === 'running',
    pending: state === 'starting' ? 'spawn' : null,
    stopped: state === 'stopped',
    url: `/user/x/${name}`,
  };
}

/** Two hubs: alice on A with a running default and a stopped "gpu"; bob on B with only a stopped "big". */
function twoHubs(): AccountSpec[] {
  return [
    {
      hubUrl: HUB_A,
      user: 'alice',
      token: 'tok-alice-secret',
      servers: { '': server('', 'running'), gpu: server('gpu', 'stopped') },
    },
    { hubUrl: HUB_B, user: 'bob', token: 'tok-bob-secret', servers: { big: server('big', 'stopped') } },
  ];
}

/** The bridge's dependencies over scripted accounts, recording every start. */
function setup(accounts = twoHubs(), startDefault: boolean | Promise<boolean> = true) {
  const log = recordingLogger();
  const starts: string[] = [];
  const changed = new EventEmitter<void>();
  const spec = (hubUrl: string) => {
    const found = accounts.find((a) => a.hubUrl === hubUrl);
    if (!found) throw new Error(`not signed in to ${hubUrl}`);
    return found;
  };
  const account = (hubUrl: HubUrl): BridgeAccount => {
    const a = spec(hubUrl);
    return {
      hubUrl,
      user: a.user,
      hub: {
        listServers: (_user: string, signal?: AbortSignal) => {
          if (signal?.aborted) return Promise.reject(new DOMException('aborted', 'AbortError'));
          return a.listError ? Promise.reject(a.listError) : Promise.resolve({ ...a.servers });
        },
        startServer: (user: string, options?: StartServerOptions) => {
          const name = options?.serverName ?? '';
          starts.push(`named ${hubUrl} ${user}/${name}`);
          a.servers[name] = server(name, 'running');
          return Promise.resolve(a.servers[name]);
        },
      },
    };
  };
  const deps = {
    clients: {
      signedInAccounts: () => Promise.resolve(accounts.map(({ hubUrl, user }) => ({ hubUrl, user }))),
      account: (hubUrl: HubUrl) => Promise.resolve(account(hubUrl)),
      run: <T>(hubUrl: HubUrl, op: (a: BridgeAccount) => Promise<T>) => op(account(hubUrl)),
      onDidChange: changed.event,
    },
    servers: {
      startServer: async (hubUrl: string) => {
        starts.push(`default ${hubUrl}`);
        const ok = await startDefault;
        if (ok) spec(hubUrl).servers[''] = server('', 'running');
        return ok;
      },
    },
    auth: {
      liveSessions: () =>
        Promise.resolve(accounts.map(({ hubUrl, user, token }) => ({ hubUrl, user, token }))),
    },
    logger: log.logger,
  };
  const jupyter = createFakeJupyterApi();
  const host = createFakeJupyterHost();
  return { deps, log, starts, changed, jupyter, host, accounts };
}

/** Registers the bridge with an active Jupyter extension and returns the provider it registered. */
async function registered(s: ReturnType<typeof setup>) {
  s.host.install(s.jupyter.api, { active: true, announce: false });
  const bridge = new JupyterBridge({ ...s.deps, host: s.host.host });
  await bridge.settled();
  const collection = s.jupyter.live()[0];
  assert.ok(collection, 'a collection was registered');
  return { bridge, collection, provider: collection.provider };
}

const token = () => new CancellationTokenSource().token;

async function listed(provider: JupyterServerProvider): Promise<JupyterServer[]> {
  return (await provider.provideJupyterServers(token())) ?? [];
}

test('an active Jupyter extension gets the "Hub Notebooks" collection at once, without being activated again', async () => {
  const s = setup();
  const { bridge, collection } = await registered(s);
  assert.equal(collection.id, COLLECTION_ID);
  assert.equal(collection.id, 'hub-notebooks');
  assert.equal(collection.label, COLLECTION_LABEL);
  assert.equal(collection.label, 'Hub Notebooks');
  assert.equal(s.host.jupyter?.activations, 0);
  assert.equal(bridge.registered, true);
  bridge.dispose();
});

test('an inactive Jupyter extension is left alone until a notebook opens, then activated once', async () => {
  const s = setup();
  const jupyter = s.host.install(s.jupyter.api, { announce: false });
  const bridge = new JupyterBridge({ ...s.deps, host: s.host.host });
  await bridge.settled();
  assert.equal(jupyter.activations, 0, 'not activated at our activation');
  assert.equal(s.jupyter.collections.length, 0);
  s.host.openNotebook();
  s.host.openNotebook();
  await bridge.settled();
  assert.equal(jupyter.activations, 1);
  assert.equal(s.jupyter.live().length, 1);
  bridge.dispose();
});

test('a notebook already open at activation is enough to activate the Jupyter extension', async () => {
  const s = setup();
  s.host.openNotebook({ announce: false });
  const jupyter = s.host.install(s.jupyter.api, { announce: false });
  const bridge = new JupyterBridge({ ...s.deps, host: s.host.host });
  await bridge.settled();
  assert.equal(jupyter.activations, 1);
  assert.equal(s.jupyter.live().length, 1);
  bridge.dispose();
});

test('without the Jupyter extension nothing is registered, until it is installed', async () => {
  const s = setup();
  s.host.openNotebook({ announce: false });
  const bridge = new JupyterBridge({ ...s.deps, host: s.host.host });
  s.host.openNotebook();
  await bridge.settled();
  assert.equal(bridge.registered, false);
  assert.equal(s.jupyter.collections.length, 0);
  s.host.install(s.jupyter.api);
  await bridge.settled();
  assert.equal(s.jupyter.live().length, 1, 'registered once installed');
  s.host.uninstall();
  assert.equal(bridge.registered, false, 'dropped when uninstalled');
  assert.equal(s.jupyter.live().length, 0);
  bridge.dispose();
});

test('a Jupyter extension without server collections registers nothing and is logged', async () => {
  const s = setup();
  s.host.install({ kernels: {} }, { active: true, announce: false });
  const bridge = new JupyterBridge({ ...s.deps, host: s.host.host });
  await bridge.settled();
  assert.equal(bridge.registered, false);
  assert.ok(s.log.lines.some((l) => l.startsWith('warn') && /no server collections/.test(l)));
  bridge.dispose();
});

test('dispose removes the collection and stops forwarding changes', async () => {
  const s = setup();
  const { bridge, collection, provider } = await registered(s);
  let fired = 0;
  provider.onDidChangeServers?.(() => fired++);
  s.changed.fire();
  assert.equal(fired, 1, 'a clients change reaches the Jupyter extension');
  bridge.dispose();
  assert.equal(collection.disposed, true);
  s.changed.fire();
  assert.equal(fired, 1);
});

test('every signed-in account’s servers are listed, named and stopped ones included, without connection info', async () => {
  const s = setup();
  const { bridge, provider } = await registered(s);
  const servers = await listed(provider);
  assert.deepEqual(
    servers.map((x) => x.label),
    [
      'alice on hub-a.example.org',
      'alice/gpu on hub-a.example.org',
      'bob on hub-b.example.org:8443',
      'bob/big on hub-b.example.org:8443',
    ],
  );
  assert.equal(new Set(servers.map((x) => x.id)).size, 4, 'ids are unique');
  assert.ok(
    servers.every((x) => x.connectionInformation === undefined),
    'resolved lazily',
  );
  assert.ok(
    servers.every((x) => !x.id.includes('tok-')),
    'no token in an id',
  );
  bridge.dispose();
});

test('a hub whose servers cannot be listed still offers its default server', async () => {
  const accounts = twoHubs();
  accounts[1]!.listError = new Error('hub down');
  const s = setup(accounts);
  const { bridge, provider } = await registered(s);
  const labels = (await listed(provider)).map((x) => x.label);
  assert.deepEqual(labels.slice(2), ['bob on hub-b.example.org:8443']);
  assert.ok(s.log.lines.some((l) => l.startsWith('warn') && /hub down/.test(l)));
  bridge.dispose();
});

/** Finds a listed server by label and resolves it. */
async function resolve(provider: JupyterServerProvider, label: string, t = token()) {
  const found = (await listed(provider)).find((x) => x.label === label);
  assert.ok(found, `listed ${label}`);
  const resolved = await provider.resolveJupyterServer(found, t);
  assert.ok(resolved, 'resolve returns a server');
  return resolved;
}

test('resolving a stopped named server asks, starts it with progress, then hands over URL and header', async () => {
  const s = setup();
  const { bridge, provider } = await registered(s);
  fake.answer.message = () => 'Start Server';
  const resolved = await resolve(provider, 'alice/gpu on hub-a.example.org');
  assert.match(fake.messages[0]?.message ?? '', /server "gpu" on hub-a\.example\.org is not running/);
  assert.deepEqual(s.starts, [`named ${HUB_A} alice/gpu`]);
  assert.equal(fake.progress[0]?.title, 'Starting your server "gpu" on hub-a.example.org');
  assert.equal(fake.progress[0]?.cancellable, true);
  const info = resolved.connectionInformation;
  assert.ok(info);
  assert.equal(info.baseUrl.toString(), 'https://hub-a.example.org/user/alice/gpu/');
  assert.deepEqual(info.headers, { Authorization: 'token tok-alice-secret' });
  assert.equal('token' in info, false, 'no token field: the Jupyter extension would put it in URLs');
  assert.ok(!info.baseUrl.toString().includes('tok-'));
  assert.ok(!s.log.lines.some((l) => l.includes('tok-')), 'the token is never logged');
  bridge.dispose();
});

test('resolving a stopped default server starts it through HubServers; a hub path prefix is kept', async () => {
  const s = setup();
  const { bridge, provider } = await registered(s);
  fake.answer.message = () => 'Start Server';
  const resolved = await resolve(provider, 'bob on hub-b.example.org:8443');
  assert.deepEqual(s.starts, [`default ${HUB_B}`]);
  assert.equal(
    resolved.connectionInformation?.baseUrl.toString(),
    'https://hub-b.example.org:8443/jhub/user/bob/',
  );
  assert.deepEqual(resolved.connectionInformation?.headers, { Authorization: 'token tok-bob-secret' });
  bridge.dispose();
});

test('a running server resolves without a question or a start', async () => {
  const s = setup();
  const { bridge, provider } = await registered(s);
  const resolved = await resolve(provider, 'alice on hub-a.example.org');
  assert.equal(resolved.connectionInformation?.baseUrl.toString(), 'https://hub-a.example.org/user/alice/');
  assert.equal(fake.messages.length, 0);
  assert.deepEqual(s.starts, []);
  bridge.dispose();
});

test('a server already starting is not asked about, only waited for', async () => {
  const accounts = twoHubs();
  accounts[0]!.servers['gpu'] = server('gpu', 'starting');
  const s = setup(accounts);
  const { bridge, provider } = await registered(s);
  await resolve(provider, 'alice/gpu on hub-a.example.org');
  assert.equal(fake.messages.length, 0);
  assert.deepEqual(s.starts, [`named ${HUB_A} alice/gpu`]);
  bridge.dispose();
});

test('declining the start rejects with CancellationError and starts nothing', async () => {
  const s = setup();
  const { bridge, provider } = await registered(s);
  fake.answer.message = () => 'Cancel';
  await assert.rejects(resolve(provider, 'alice/gpu on hub-a.example.org'), CancellationError);
  assert.deepEqual(s.starts, []);
  bridge.dispose();
});

test('a start that fails or is cancelled in its notification rejects with CancellationError', async () => {
  const s = setup(twoHubs(), false);
  const { bridge, provider } = await registered(s);
  fake.answer.message = () => 'Start Server';
  await assert.rejects(resolve(provider, 'bob on hub-b.example.org:8443'), CancellationError);
  assert.deepEqual(s.starts, [`default ${HUB_B}`]);
  bridge.dispose();
});

test('the Jupyter extension cancelling while the question is open rejects at once', async () => {
  const s = setup();
  const { bridge, provider } = await registered(s);
  fake.answer.message = () => new Promise(() => undefined);
  const source = new CancellationTokenSource();
  const pending = resolve(provider, 'alice/gpu on hub-a.example.org', source.token);
  await until(() => fake.messages.length > 0);
  source.cancel();
  await assert.rejects(pending, CancellationError);
  assert.deepEqual(s.starts, []);
  bridge.dispose();
});

test('a server of an account that signed out meanwhile fails with a message to sign in', async () => {
  const accounts = twoHubs();
  const s = setup(accounts);
  const { bridge, provider } = await registered(s);
  const alice = (await listed(provider)).find((x) => x.label === 'alice on hub-a.example.org');
  assert.ok(alice);
  accounts.shift();
  await assert.rejects(async () => provider.resolveJupyterServer(alice, token()), /not signed in to/);
  const stranger = { id: 'elsewhere', label: 'x' };
  await assert.rejects(async () => provider.resolveJupyterServer(stranger, token()), /not one of/);
  bridge.dispose();
});
