// A minimal Jupyter kernel client on a bare `ws` socket: the baseline for the kernel benchmarks, and a control
// in fault tests (it never reconnects). It speaks the legacy JSON websocket protocol of jupyter_server (no
// subprotocol: every message is one JSON text frame with a `channel` field), which 1.x and 2.x both serve.
import crypto from 'node:crypto';

import WebSocket from 'ws';

import type { IopubOutput, MimeBundle, OutputMetadata } from '../../src/core/kernels/types';

export interface RawKernelOptions {
  /** The user's server as a websocket URL with a trailing slash, e.g. `ws://127.0.0.1:8000/user/alice/`. */
  wsBaseUrl: string;
  kernelId: string;
  /** Sent only in the Authorization header. */
  token: string;
  /** The websocket `session_id`; a fresh one when absent. */
  sessionId?: string;
}

/** How a run ended: the execute_reply's status and execution count. */
export interface RawExecuteReply {
  status: 'ok' | 'error' | 'aborted';
  executionCount: number | null;
}

export interface RawExecuteResult extends RawExecuteReply {
  outputs: IopubOutput[];
}

export interface RawExecuteCount extends RawExecuteReply {
  /** Messages of this run, on every channel. */
  messages: number;
  /** UTF-8 bytes of the text of its stream outputs. */
  streamBytes: number;
}

/** One message of the legacy protocol, with the fields this client reads. */
export interface RawMessage {
  channel: string;
  header: { msg_id: string; msg_type: string };
  parent_header: { msg_id?: string };
  content: Record<string, unknown>;
}

export interface RawKernel {
  readonly sessionId: string;
  /** Sends an execute_request; resolves once its execute_reply and its `idle` status have both arrived. */
  execute(code: string): Promise<RawExecuteResult>;
  /** Like execute, but hands each message of the run to `onMessage` instead of keeping outputs. */
  executeStreaming(code: string, onMessage: (message: RawMessage) => void): Promise<RawExecuteReply>;
  /** Counts a run's messages and stream bytes without keeping them, e.g. for 100 MB of output. */
  executeCounting(code: string): Promise<RawExecuteCount>;
  /** Closes the websocket; runs still waiting reject. */
  close(): Promise<void>;
}

/**
 * Opens `api/kernels/{id}/channels` and waits for the kernel_info_reply to a kernel_info_request, so the
 * kernel is known to answer before the first execute.
 */
export async function connectRawKernel(options: RawKernelOptions): Promise<RawKernel> {
  const sessionId = options.sessionId ?? crypto.randomUUID();
  const url = `${options.wsBaseUrl}api/kernels/${encodeURIComponent(options.kernelId)}/channels?session_id=${encodeURIComponent(sessionId)}`;
  const ws = new WebSocket(url, { headers: { Authorization: `token ${options.token}` } });
  const runs = new Map<string, Run>();
  ws.on('message', (data, isBinary) => {
    // Binary frames carry messages with buffers (comms, widgets), which no benchmark cell sends.
    // With ws's default binaryType ('nodebuffer'), a frame arrives as one Buffer.
    if (!isBinary) dispatch(runs, JSON.parse((data as Buffer).toString('utf8')) as RawMessage);
  });
  // A socket error is followed by 'close', which fails what is waiting; opened() reports one before 'open'.
  ws.on('error', () => undefined);
  ws.on('close', (code) => {
    for (const run of runs.values()) run.fail(new Error(`kernel websocket closed (${code})`));
    runs.clear();
  });
  await opened(ws);
  const request = (msgType: string, content: object, onMessage: (m: RawMessage) => void) =>
    send(ws, runs, sessionId, msgType, content, onMessage);
  await request('kernel_info_request', {}, () => undefined);

  const executeStreaming = (code: string, onMessage: (m: RawMessage) => void): Promise<RawExecuteReply> =>
    request('execute_request', executeContent(code), onMessage);
  return {
    sessionId,
    execute: async (code) => {
      const outputs: IopubOutput[] = [];
      const reply = await executeStreaming(code, (m) => {
        const output = m.channel === 'iopub' ? toOutput(m) : undefined;
        if (output) outputs.push(output);
      });
      return { ...reply, outputs };
    },
    executeStreaming,
    executeCounting: async (code) => {
      let messages = 0;
      let streamBytes = 0;
      const reply = await executeStreaming(code, (m) => {
        messages++;
        const text = m.header.msg_type === 'stream' ? m.content['text'] : undefined;
        if (typeof text === 'string') streamBytes += Buffer.byteLength(text, 'utf8');
      });
      return { ...reply, messages, streamBytes };
    },
    close: async () => {
      if (ws.readyState === WebSocket.CLOSED) return;
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      ws.close();
      await closed;
    },
  };
}

/** One request waiting for its reply (shell) and, for execute and kernel_info, its `idle` status (iopub). */
interface Run {
  onMessage(message: RawMessage): void;
  fail(err: Error): void;
}

function send(
  ws: WebSocket,
  runs: Map<string, Run>,
  sessionId: string,
  msgType: string,
  content: object,
  onMessage: (message: RawMessage) => void,
): Promise<RawExecuteReply> {
  const msgId = crypto.randomUUID();
  return new Promise((resolve, reject) => {
    let reply: RawExecuteReply | undefined;
    let idle = false;
    const finish = (): void => {
      if (!reply || !idle) return;
      runs.delete(msgId);
      resolve(reply);
    };
    runs.set(msgId, {
      onMessage: (m) => {
        onMessage(m);
        if (m.channel === 'shell' && m.header.msg_type.endsWith('_reply')) reply = replyOf(m);
        if (m.header.msg_type === 'status' && m.content['execution_state'] === 'idle') idle = true;
        finish();
      },
      fail: reject,
    });
    ws.send(JSON.stringify(message(sessionId, msgId, msgType, content)));
  });
}

function dispatch(runs: Map<string, Run>, message: RawMessage): void {
  const parent = message.parent_header.msg_id;
  if (parent !== undefined) runs.get(parent)?.onMessage(message);
}

function message(sessionId: string, msgId: string, msgType: string, content: object): object {
  return {
    channel: 'shell',
    header: {
      msg_id: msgId,
      msg_type: msgType,
      username: '',
      session: sessionId,
      date: new Date().toISOString(),
      version: '5.3',
    },
    parent_header: {},
    metadata: {},
    content,
    buffers: [],
  };
}

function executeContent(code: string): object {
  return {
    code,
    silent: false,
    store_history: true,
    user_expressions: {},
    allow_stdin: false,
    stop_on_error: true,
  };
}

function replyOf(m: RawMessage): RawExecuteReply {
  const status = m.content['status'];
  const count = m.content['execution_count'];
  return {
    status: status === 'error' || status === 'aborted' ? status : 'ok',
    executionCount: typeof count === 'number' ? count : null,
  };
}

/**
 * The content fields of the output messages (messaging protocol 5.x), all in one shape. The client trusts the
 * server here: it is a test baseline, and the product's own client validates.
 */
interface OutputContent {
  name: 'stdout' | 'stderr';
  text: string;
  data: MimeBundle;
  metadata: OutputMetadata;
  execution_count?: number | null;
  transient?: { display_id?: string };
  ename: string;
  evalue: string;
  traceback: string[];
  wait: boolean;
}

/** The output a message stands for, in the contract's shape; undefined for messages that are no output. */
function toOutput(m: RawMessage): IopubOutput | undefined {
  const c = m.content as unknown as OutputContent;
  const displayId = c.transient?.display_id;
  switch (m.header.msg_type) {
    case 'stream':
      return { type: 'stream', name: c.name, text: c.text };
    case 'execute_result':
      return {
        type: 'execute_result',
        data: c.data,
        metadata: c.metadata,
        executionCount: c.execution_count ?? null,
        displayId,
      };
    case 'display_data':
      return { type: 'display_data', data: c.data, metadata: c.metadata, displayId };
    case 'update_display_data':
      return { type: 'update_display_data', data: c.data, metadata: c.metadata, displayId: displayId ?? '' };
    case 'error':
      return { type: 'error', ename: c.ename, evalue: c.evalue, traceback: c.traceback };
    case 'clear_output':
      return { type: 'clear_output', wait: c.wait };
    default:
      return undefined;
  }
}

/** Resolves on 'open'; rejects with ws's error, e.g. "Unexpected server response: 403". */
function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}
