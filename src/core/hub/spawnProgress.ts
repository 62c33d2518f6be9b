import { createParser } from 'eventsource-parser';
import type { Readable } from 'node:stream';
import { InvalidHubResponseError, errorForStatus } from './errors';
import { expectStatus, checkShape } from './response';
import { progressEventSchema, type SpawnProgressEvent } from './schemas';
import type { HubTransport } from './transport';

/** How a progress stream ended: with the hub's final event, or without one. */
export type SpawnOutcome =
  | { kind: 'ready'; event: SpawnProgressEvent }
  | { kind: 'failed'; event: SpawnProgressEvent }
  | { kind: 'ended' };

/**
 * Follows `GET /hub/api/users/{name}/server/progress`, the hub's event stream of spawn progress, passing each
 * event to `onProgress` until the hub sends `ready` or `failed`, the stream ends, or `signal` aborts.
 */
export async function followSpawnProgress(
  transport: HubTransport,
  progressPath: string,
  onProgress: (event: SpawnProgressEvent) => void,
  signal?: AbortSignal,
): Promise<SpawnOutcome> {
  // The stream stays open for as long as the spawn takes, so the socket timeout is off; `signal` bounds it.
  const res = await transport.stream({ method: 'GET', path: progressPath, signal, timeoutMs: 0 });
  try {
    if (res.status !== 200) {
      // An error answer is short JSON or HTML: read it, so the typed error carries the hub's message.
      throw errorForStatus(res.status, res.url, await readText(res.data, 16_384), 'report spawn progress');
    }
    // A 200 can still be the hub's login page after redirects; expectStatus knows those.
    expectStatus(res, [200], 'report spawn progress');
    return await readEvents(res.data, onProgress, signal);
  } finally {
    res.data.destroy();
  }
}

async function readText(stream: Readable, limit: number): Promise<string> {
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream as AsyncIterable<string>) {
    text += chunk;
    if (text.length >= limit) break;
  }
  return text;
}

async function readEvents(
  stream: Readable,
  onProgress: (event: SpawnProgressEvent) => void,
  signal: AbortSignal | undefined,
): Promise<SpawnOutcome> {
  let outcome: SpawnOutcome | undefined;
  let bad: Error | undefined;
  const parser = createParser({
    onEvent: (message) => {
      if (outcome || bad) return;
      try {
        const event = checkShape(JSON.parse(message.data), progressEventSchema, 'spawn progress');
        onProgress(event);
        if (event.failed) outcome = { kind: 'failed', event };
        else if (event.ready) outcome = { kind: 'ready', event };
      } catch (err) {
        bad =
          err instanceof SyntaxError
            ? new InvalidHubResponseError('The spawn progress stream sent non-JSON.')
            : err instanceof Error
              ? err
              : new Error(String(err));
      }
    },
  });
  stream.setEncoding('utf8');
  for await (const chunk of stream as AsyncIterable<string>) {
    parser.feed(chunk);
    if (bad) throw bad;
    if (outcome) return outcome;
    signal?.throwIfAborted();
  }
  signal?.throwIfAborted();
  return { kind: 'ended' };
}
