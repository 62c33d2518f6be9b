import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  NUDGE_MAX_TURN_BYTES,
  authWebSocketClass,
  type AckNudge,
} from '../../../../src/core/kernels/authSocket';

/**
 * A real ws server on loopback. For each connection it records the upgrade's Authorization header and the pongs
 * that arrive, and answers the client's text frames: 'burst N' sends N frames, 'count' answers with the number
 * of pongs received so far. TCP keeps order, so the count says what the client sent before asking.
 */
class PongCounter {
  readonly server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  authorization: string | undefined;
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.once('listening', resolve));
    this.url = `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    this.server.on('connection', (ws: WebSocket, req) => {
      this.authorization = req.headers.authorization;
      let pongs = 0;
      ws.on('pong', () => pongs++);
      ws.on('message', (data: RawData) => {
        const [verb, n] = Buffer.from(data as Buffer)
          .toString('utf8')
          .split(' ');
        if (verb === 'burst') for (let i = 0; i < Number(n); i++) ws.send(`m${i}`);
        if (verb === 'big') ws.send('x'.repeat(Number(n)));
        if (verb === 'count') ws.send(`pongs ${pongs}`);
      });
    });
  }

  async stop(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const hooks = { onAuthRefused: () => undefined, onServerStopped: () => undefined };

/**
 * Opens a socket of the class under test, asks for a burst of `frames`, lets the turns after the last frame
 * run (where a nudge goes), then asks the server how many pongs it had.
 */
async function pongsAfterBurst(
  url: string,
  frames: number,
  nudge: AckNudge,
  request = `burst ${frames}`,
): Promise<number> {
  const Socket = authWebSocketClass(() => 'secret-token', hooks, nudge);
  const socket = new Socket(url);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = (event) => reject(new Error(`socket error: ${String(event)}`));
    });
    let seen = 0;
    const answer = new Promise<number>((resolve) => {
      socket.onmessage = ({ data }) => {
        const text = String(data);
        if (text.startsWith('pongs ')) return resolve(Number(text.slice(6)));
        if (++seen === frames)
          // Two turns later the nudge of the last frame's turn has run (it is one setImmediate deep).
          setImmediate(() => setImmediate(() => socket.send('count')));
      };
    });
    socket.send(request);
    return await answer;
  } finally {
    socket.close();
  }
}

describe('authWebSocketClass', () => {
  const server = new PongCounter();
  before(() => server.start());
  after(() => server.stop());

  it('sends the token in the Authorization header of the upgrade and not in the URL', async () => {
    await pongsAfterBurst(server.url, 1, undefined);
    assert.equal(server.authorization, 'token secret-token');
  });

  it('sends no pong when the ACK nudge is off', async () => {
    assert.equal(await pongsAfterBurst(server.url, 5, undefined), 0);
  });

  it('sends no pong while no reply is awaited', async () => {
    assert.equal(await pongsAfterBurst(server.url, 5, () => false), 0);
  });

  it('answers messages with a pong while a reply is awaited, at most one per message', async () => {
    const pongs = await pongsAfterBurst(server.url, 5, () => true);
    assert.ok(pongs >= 1, `no pong after 5 messages`);
    assert.ok(pongs <= 5, `${pongs} pongs for 5 messages`);
  });

  it('sends no pong after a turn that brought a flood of output (Nagle holds back only small writes)', async () => {
    assert.equal(await pongsAfterBurst(server.url, 1, () => true, `big ${NUDGE_MAX_TURN_BYTES}`), 0);
    assert.equal(await pongsAfterBurst(server.url, 1, () => true, `big ${NUDGE_MAX_TURN_BYTES - 1}`), 1);
  });

  it('asks whether a reply is awaited after the turn, so a run that just ended sends nothing', async () => {
    let awaited = true;
    const Socket = authWebSocketClass(
      () => 'secret-token',
      hooks,
      () => awaited,
    );
    const socket = new Socket(server.url);
    try {
      await new Promise<void>((resolve) => (socket.onopen = () => resolve()));
      const answer = new Promise<number>((resolve) => {
        socket.onmessage = ({ data }) => {
          const text = String(data);
          if (text.startsWith('pongs ')) return resolve(Number(text.slice(6)));
          // @jupyterlab/services routes a message in promise jobs: the run ends after the message event.
          queueMicrotask(() => (awaited = false));
          setImmediate(() => setImmediate(() => socket.send('count')));
        };
      });
      socket.send('burst 1');
      assert.equal(await answer, 0);
    } finally {
      socket.close();
    }
  });
});
