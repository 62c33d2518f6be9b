// Shared helpers for the kernel integration tests (kernels.test.ts, kernelFaults.test.ts): alice's token in
// a swappable holder, a kernel client logging into a file of its own, and a recorder that consumes a cell
// run in the background so a test can act on what arrived so far and still see how the run ended.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import zlib from 'node:zlib';
import { HubClient, createHubTransport, type HubTransport } from '../../../src/core/hub';
import {
  createKernelClient,
  kernelSessionPath,
  type ExecutionEvent,
  type IopubOutput,
  type KernelClient,
  type KernelExecution,
  type KernelSession,
} from '../../../src/core/kernels';
import type { HubnbLocation } from '../../../src/core/uris/types';
import { extensionTokenScopes } from '../../../src/service/config';
import type { HubHandle } from '../../hub/harness';
import { adminClient } from '../clients';
import { fileLogger, recordIssuedToken } from './secrets';

export type DoneEvent = Extract<ExecutionEvent, { kind: 'done' }>;

/** How a cell run ended: every event in order, its outputs, and the one `done` event. */
export interface CellResult {
  events: ExecutionEvent[];
  outputs: IopubOutput[];
  done: DoneEvent;
}

/**
 * Alice's API token, minted with the extension's scopes, behind a getter the clients read on every request:
 * `swap()` puts a fresh token in place (a new sign-in), `revoke()` revokes the current one at the hub.
 */
export class AliceToken {
  private current: { id: string; value: string } | undefined;
  private readonly minted: string[] = [];

  constructor(private readonly hub: HubHandle) {}

  /** The token source for transports and kernel clients. */
  readonly getToken = (): string | undefined => this.current?.value;

  /** Every token value minted so far, to check that none ends up in a log. */
  get values(): string[] {
    return [...this.minted];
  }

  /** Mints a new token and makes it the current one. */
  async swap(): Promise<void> {
    const created = await adminClient(this.hub).createToken('alice', {
      note: 'hub-notebooks kernel test',
      expiresInSeconds: 3600,
      scopes: extensionTokenScopes(),
    });
    recordIssuedToken(created.token);
    this.minted.push(created.token);
    this.current = { id: created.id, value: created.token };
  }

  /** `DELETE /hub/api/users/alice/tokens/{id}` of the current token; the getter keeps returning it. */
  async revoke(): Promise<void> {
    if (this.current) await adminClient(this.hub).revokeToken('alice', this.current.id);
  }

  /** Revokes the current token, ignoring failures (for `after`). */
  async dispose(): Promise<void> {
    await this.revoke().catch(() => undefined);
    this.current = undefined;
  }
}

/** Alice's transport, a HubClient on it, and a factory of kernel clients, all logging into `logFile`. */
export interface AliceKernels {
  transport: HubTransport;
  hubClient: HubClient;
  logFile: string;
  /** A new kernel client (a new window) on the same token and log. */
  client(): KernelClient;
}

/** Wires alice's clients to `token`, with every level logged to a fresh file of the hub's state dir. */
export function aliceKernels(hub: HubHandle, token: AliceToken, logName: string): AliceKernels {
  const logFile = path.join(hub.stateDir, `${logName}.log`);
  fs.rmSync(logFile, { force: true });
  const logger = fileLogger(logFile);
  const transport = createHubTransport({
    baseUrl: hub.url,
    getToken: token.getToken,
    timeoutMs: 15_000,
    logger,
  });
  return {
    transport,
    hubClient: new HubClient(transport),
    logFile,
    client: () =>
      createKernelClient({ transport, user: 'alice', getToken: token.getToken, healthCheckMs: 1000, logger }),
  };
}

/** The session path of one of alice's notebooks (her home is `alice` below the server's root, `/home`). */
export function alicePath(notebook: HubnbLocation): string {
  return kernelSessionPath(notebook, { home: 'alice', sharedFolder: '' });
}

/**
 * Consumes a cell run in the background. `until` waits for an event the test needs before acting (the cell
 * printed its marker, so it is surely running); `ended` settles the way the run ends.
 */
export class RunRecorder {
  readonly events: ExecutionEvent[] = [];
  readonly ended: Promise<CellResult>;
  private outcome: 'pending' | 'done' | 'failed' = 'pending';
  private readonly listeners = new Set<() => void>();

  constructor(readonly execution: KernelExecution) {
    this.ended = this.consume();
    // Tests await `ended` themselves; this only keeps an early failure from counting as unhandled.
    this.ended.catch(() => undefined);
  }

  get msgId(): string {
    return this.execution.msgId;
  }

  /** Whether the run has ended, either way. */
  get settled(): boolean {
    return this.outcome !== 'pending';
  }

  get outputs(): IopubOutput[] {
    return outputsOf(this.events);
  }

  /** Resolves once `predicate` holds for what arrived; rejects if the run ends first. */
  until(predicate: (recorder: RunRecorder) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (predicate(this)) {
          this.listeners.delete(check);
          resolve();
        } else if (this.settled) {
          this.listeners.delete(check);
          reject(new Error(`the run ended before the awaited event; it had ${JSON.stringify(this.events)}`));
        }
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Resolves once the cell printed `text` on stdout. */
  untilPrinted(text: string): Promise<void> {
    return this.until((r) => streamText(r.outputs, 'stdout').includes(text));
  }

  private async consume(): Promise<CellResult> {
    try {
      for await (const event of this.execution) {
        this.events.push(event);
        this.notify();
      }
      this.outcome = 'done';
    } catch (err) {
      this.outcome = 'failed';
      throw err;
    } finally {
      if (this.outcome === 'pending') this.outcome = 'failed';
      this.notify();
    }
    return resultOf(this.events);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** Runs a cell to its end and returns what it produced. */
export function runToEnd(execution: KernelExecution): Promise<CellResult> {
  return new RunRecorder(execution).ended;
}

/** Checks that a finished run's events are well-formed (one `done`, last) and returns them as a result. */
export function resultOf(events: ExecutionEvent[]): CellResult {
  const dones = events.filter((e): e is DoneEvent => e.kind === 'done');
  assert.equal(dones.length, 1, `exactly one done event: ${JSON.stringify(events)}`);
  assert.equal(events.at(-1)?.kind, 'done', 'done comes last');
  return { events, outputs: outputsOf(events), done: dones[0] as DoneEvent };
}

export function outputsOf(events: ExecutionEvent[]): IopubOutput[] {
  return events.flatMap((e) => (e.kind === 'output' ? [e.output] : []));
}

/** The text a cell wrote to one stream, across however many stream messages the kernel batched it in. */
export function streamText(outputs: IopubOutput[], name: 'stdout' | 'stderr'): string {
  return outputs.map((o) => (o.type === 'stream' && o.name === name ? o.text : '')).join('');
}

/** Stream outputs with neighbours of the same stream merged: what a notebook shows, batching aside. */
export function mergedStreams(outputs: IopubOutput[]): { name: 'stdout' | 'stderr'; text: string }[] {
  const merged: { name: 'stdout' | 'stderr'; text: string }[] = [];
  for (const o of outputs) {
    if (o.type !== 'stream') continue;
    const last = merged.at(-1);
    if (last?.name === o.name) last.text += o.text;
    else merged.push({ name: o.name, text: o.text });
  }
  return merged;
}

/** Runs a cell that must succeed and returns its stdout. */
export async function stdoutOf(session: KernelSession, code: string): Promise<string> {
  const result = await runToEnd(session.execute(code));
  assert.equal(result.done.status, 'ok', JSON.stringify(result.outputs));
  return streamText(result.outputs, 'stdout');
}

/** The text/plain of a run's only output, which must be an execute_result. */
export function resultText(outputs: IopubOutput[]): unknown {
  assert.equal(outputs.length, 1, JSON.stringify(outputs));
  const [only] = outputs;
  assert.equal(only?.type, 'execute_result');
  return only.data['text/plain'];
}

/** The one error output of a run. */
export function errorOutput(outputs: IopubOutput[]): Extract<IopubOutput, { type: 'error' }> {
  const errors = outputs.filter((o) => o.type === 'error');
  assert.equal(errors.length, 1, `one error output: ${JSON.stringify(outputs)}`);
  return errors[0] as Extract<IopubOutput, { type: 'error' }>;
}

/** Waits until a file exists: the kernel writes it as a side channel the test can see without a connection. */
export async function waitForFile(file: string): Promise<void> {
  while (!fs.existsSync(file)) await delay(50);
}

/** Resolves with the first value `listen` reports that `accept` takes. */
export function nextEvent<T>(
  listen: (listener: (value: T) => void) => () => void,
  accept: (value: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve) => {
    const stop = listen((value) => {
      if (!accept(value)) return;
      stop();
      resolve(value);
    });
  });
}

/** The text parts of the display bundle of displayBundleCode(), as they must arrive. */
export const DISPLAY_TEXTS: Record<string, unknown> = {
  'text/plain': 'a tiny bundle – ünïcödé ✓',
  'text/html': '<b>bold</b> &amp; <i>brave</i>',
  'text/markdown': '# Title\n\n*emphasis* and `code`',
  'image/svg+xml':
    '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="#08f"/></svg>',
  'application/json': { answer: 42, list: [1, 'two', null], nested: { ok: true } },
};

/** The pixels of the PNG the kernel builds: one scanline (filter 0), a red then a blue RGB pixel. */
const PNG_SCANLINE = Buffer.from([0, 0xff, 0, 0, 0, 0, 0xff]);

/**
 * A cell that builds a 2×1 PNG (zlib and struct, with real CRCs) and an 8×8 grey baseline JPEG (one DC
 * coefficient of 0, Huffman tables of one code each) in plain Python, and displays them raw with DISPLAY_TEXTS.
 */
export function displayBundleCode(): string {
  return [
    'import base64, json, struct, zlib',
    'from IPython.display import display',
    'def chunk(kind, body):',
    "    return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))",
    "png = (b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 2, 1, 8, 2, 0, 0, 0))",
    `       + chunk(b'IDAT', zlib.compress(bytes.fromhex('${PNG_SCANLINE.toString('hex')}'))) + chunk(b'IEND', b''))`,
    `jpeg = bytes.fromhex('${jpegBytes().toString('hex')}')`,
    `bundle = json.loads(${JSON.stringify(JSON.stringify(DISPLAY_TEXTS))})`,
    "bundle['image/png'] = base64.b64encode(png).decode('ascii')",
    "bundle['image/jpeg'] = base64.b64encode(jpeg).decode('ascii')",
    'display(bundle, raw=True)',
  ].join('\n');
}

/** Checks a base64 PNG: signature, chunk CRCs, a 2×1 8-bit RGB header, and the pixels once inflated. */
export function checkPng(base64: unknown): void {
  assert.equal(typeof base64, 'string');
  const png = Buffer.from(base64 as string, 'base64');
  assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'PNG signature');
  const chunks: { kind: string; body: Buffer }[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const kindAndBody = png.subarray(at + 4, at + 8 + length);
    assert.equal(png.readUInt32BE(at + 8 + length), zlib.crc32(kindAndBody), 'chunk CRC');
    chunks.push({ kind: kindAndBody.subarray(0, 4).toString('latin1'), body: kindAndBody.subarray(4) });
    at += 12 + length;
  }
  assert.deepEqual(
    chunks.map((c) => c.kind),
    ['IHDR', 'IDAT', 'IEND'],
  );
  assert.equal(chunks[0]?.body.toString('hex'), '00000002000000010802000000', '2×1, 8-bit RGB');
  assert.deepEqual(zlib.inflateSync(chunks[1]?.body ?? Buffer.alloc(0)), PNG_SCANLINE);
}

/** Checks a base64 JPEG against the bytes the kernel was given. */
export function checkJpeg(base64: unknown): void {
  assert.equal(typeof base64, 'string');
  assert.deepEqual(Buffer.from(base64 as string, 'base64'), jpegBytes());
}

/**
 * An 8×8 mid-grey baseline JPEG: quantisation table of ones, one component, DC and AC Huffman tables with a
 * single one-bit code each (category 0, end of block), and one scan byte: those two codes padded with ones.
 */
function jpegBytes(): Buffer {
  const segment = (marker: number, body: number[]): number[] => [
    0xff,
    marker,
    (body.length + 2) >> 8,
    (body.length + 2) & 0xff,
    ...body,
  ];
  const oneCodeTable = (tableClass: number): number[] => [tableClass, 1, ...Array<number>(15).fill(0), 0];
  return Buffer.from([
    0xff,
    0xd8,
    ...segment(0xdb, [0, ...Array<number>(64).fill(1)]),
    ...segment(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]),
    ...segment(0xc4, oneCodeTable(0x00)),
    ...segment(0xc4, oneCodeTable(0x10)),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    0x3f,
    0xff,
    0xd9,
  ]);
}

/** A cell that never ends must fail its test, not stall the suite; no test comes near this. */
export const HANG_GUARD = { timeout: 120_000 };

/** A Python string literal of `s`. */
export const py = (s: string): string => JSON.stringify(s);
