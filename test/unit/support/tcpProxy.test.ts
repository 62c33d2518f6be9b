// The fault-injection proxy against local servers: it forwards bytes both ways, cuts with a reset on both
// sides, keeps accepting after a cut, frees its port on close, and cutWhenQuiet waits for silence.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { test, type TestContext } from 'node:test';

import { startStub } from '../../support/httpStub';
import { startTcpProxy, type TcpProxy } from '../../support/tcpProxy';

/** An echo server that keeps its sockets, so tests can see what happens to the target's side. */
async function startEcho(t: TestContext): Promise<{ port: number; sockets: net.Socket[] }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined); // a cut resets it: expected
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { port: (server.address() as net.AddressInfo).port, sockets };
}

async function proxyTo(t: TestContext, targetPort: number): Promise<TcpProxy> {
  const proxy = await startTcpProxy({ targetHost: '127.0.0.1', targetPort });
  t.after(() => proxy.close());
  return proxy;
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  return socket;
}

/** Writes `text` and resolves with the first `text.length` bytes that come back. */
async function roundTrip(socket: net.Socket, text: string): Promise<string> {
  let got = '';
  const done = new Promise<string>((resolve) => {
    const onData = (chunk: Buffer): void => {
      got += chunk.toString('utf8');
      if (got.length < text.length) return;
      socket.off('data', onData);
      resolve(got);
    };
    socket.on('data', onData);
  });
  socket.write(text);
  return done;
}

/** Resolves with the error code a socket closed with ('' for a clean close). */
function closeCode(socket: net.Socket): Promise<string> {
  let code = '';
  socket.on('error', (err: NodeJS.ErrnoException) => (code = err.code ?? 'error'));
  return new Promise((resolve) => socket.once('close', () => resolve(code)));
}

test('bytes go both ways, and HTTP works through url()', async (t) => {
  const echo = await startEcho(t);
  const proxy = await proxyTo(t, echo.port);
  const socket = await connect(proxy.port);
  t.after(() => socket.destroy());
  const big = 'x'.repeat(1_000_000);
  assert.equal(await roundTrip(socket, 'hello'), 'hello');
  assert.equal((await roundTrip(socket, big)).length, big.length);

  const stub = await startStub((req, res) => res.end(`you asked for ${req.url}`));
  t.after(() => stub.close());
  const httpProxy = await proxyTo(t, Number(new URL(stub.url).port));
  const res = await fetch(httpProxy.url('/hub/api/'));
  assert.equal(await res.text(), 'you asked for /hub/api/');
  assert.equal(httpProxy.url(`${stub.url}user/alice/`), `http://127.0.0.1:${httpProxy.port}/user/alice/`);
  assert.equal(httpProxy.url('ws://127.0.0.1:1/x?y=1'), `ws://127.0.0.1:${httpProxy.port}/x?y=1`);
});

test('cut() resets every pair, counts them, and both peers see the connection go', async (t) => {
  const echo = await startEcho(t);
  const proxy = await proxyTo(t, echo.port);
  const clients = [await connect(proxy.port), await connect(proxy.port)];
  for (const c of clients) await roundTrip(c, 'ready');
  assert.equal(proxy.connections(), 2);
  assert.equal(echo.sockets.length, 2);

  const clientCodes = clients.map(closeCode);
  const targetCodes = echo.sockets.map(closeCode);
  assert.equal(proxy.cut(), 2);
  assert.deepEqual(await Promise.all(clientCodes), ['ECONNRESET', 'ECONNRESET']);
  assert.deepEqual(await Promise.all(targetCodes), ['ECONNRESET', 'ECONNRESET']);
  assert.equal(proxy.connections(), 0);
  assert.equal(proxy.cut(), 0);
});

test('new connections work after a cut, and onConnection sees them', async (t) => {
  const echo = await startEcho(t);
  const proxy = await proxyTo(t, echo.port);
  const seen: number[] = [];
  proxy.onConnection(({ id }) => seen.push(id));
  const first = await connect(proxy.port);
  await roundTrip(first, 'one');
  const firstClosed = closeCode(first);
  proxy.cut();
  await firstClosed;

  const second = await connect(proxy.port);
  t.after(() => second.destroy());
  assert.equal(await roundTrip(second, 'two'), 'two');
  assert.equal(proxy.connections(), 1);
  assert.deepEqual(seen, [1, 2]);
});

test('a clean close on one side is passed on, and the pair is forgotten', async (t) => {
  const echo = await startEcho(t);
  const proxy = await proxyTo(t, echo.port);
  const client = await connect(proxy.port);
  await roundTrip(client, 'hi');
  const targetClosed = closeCode(echo.sockets[0] ?? assert.fail('no target socket'));
  const clientClosed = closeCode(client);
  client.end();
  assert.equal(await targetClosed, '');
  assert.equal(await clientClosed, '');
  // The pair leaves the set once the proxy's own sockets have closed too, which can be a little after ours.
  for (let i = 0; i < 1000 && proxy.connections() > 0; i++) await new Promise((r) => setImmediate(r));
  assert.equal(proxy.connections(), 0);
});

test('close() cuts what is open and frees the port', async (t) => {
  const echo = await startEcho(t);
  const proxy = await startTcpProxy({ targetHost: '127.0.0.1', targetPort: echo.port });
  const client = await connect(proxy.port);
  await roundTrip(client, 'hi');
  const clientClosed = closeCode(client);
  await proxy.close();
  assert.equal(await clientClosed, 'ECONNRESET');

  const refused = net.connect({ host: '127.0.0.1', port: proxy.port });
  assert.equal(await closeCode(refused), 'ECONNREFUSED');
  const again = net.createServer();
  again.listen(proxy.port, '127.0.0.1');
  await once(again, 'listening');
  again.close();
});

test('cutWhenQuiet waits until the target has been silent, then cuts', async (t) => {
  // The target sends 10 chunks 10 ms apart, then nothing: a cut that did not wait for silence would land
  // before the last chunk.
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    let sent = 0;
    const timer = setInterval(() => {
      socket.write(`chunk${sent}.`);
      if (++sent === 10) clearInterval(timer);
    }, 10);
    socket.on('close', () => clearInterval(timer));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const proxy = await proxyTo(t, (server.address() as net.AddressInfo).port);
  const client = await connect(proxy.port);
  let got = '';
  client.on('data', (chunk: Buffer) => (got += chunk.toString('utf8')));
  const clientClosed = closeCode(client);

  assert.equal(await proxy.cutWhenQuiet({ quietMs: 300 }), 1);
  assert.equal(await clientClosed, 'ECONNRESET');
  assert.match(got, /chunk9\.$/);
});

test('an aborted cutWhenQuiet rejects and cuts nothing', async (t) => {
  const echo = await startEcho(t);
  const proxy = await proxyTo(t, echo.port);
  const client = await connect(proxy.port);
  t.after(() => client.destroy());
  await roundTrip(client, 'hi');
  const abort = new AbortController();
  const waiting = proxy.cutWhenQuiet({ quietMs: 60_000, signal: abort.signal });
  abort.abort();
  await assert.rejects(waiting, { name: 'AbortError' });
  assert.equal(proxy.connections(), 1);
  assert.equal(await roundTrip(client, 'still here'), 'still here');
});
