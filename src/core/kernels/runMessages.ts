import { KernelMessage } from '@jupyterlab/services';
import type { CellRun } from './cellRun';
import { toIopubOutput } from './messages';

/** The execute_request for `run`: its msg_id is the run's, so every reply finds its way back to it. */
export function executeRequest(
  run: CellRun,
  code: string,
  header: { session: string; username: string },
): KernelMessage.IExecuteRequestMsg {
  return KernelMessage.createMessage<KernelMessage.IExecuteRequestMsg>({
    msgType: 'execute_request',
    channel: 'shell',
    session: header.session,
    username: header.username,
    msgId: run.msgId,
    content: {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: run.acceptsInput,
      // The session sends one cell at a time and the editor stops a batch at an error itself. With true, the
      // kernel also aborts whatever reaches it just after an error: the next cell, sent on the error's reply.
      stop_on_error: false,
    },
  });
}

/** The run a received message belongs to: its `parent_header.msg_id`. */
export function parentMsgId(msg: KernelMessage.IMessage): string | undefined {
  return (msg.parent_header as Partial<KernelMessage.IHeader>).msg_id;
}

/**
 * Hands one received message to its run: its status, its input, its outputs, its reply. Returns the stdin
 * request when the message is one, for the session to answer.
 */
export function deliverToRun(
  run: CellRun,
  msg: KernelMessage.IMessage,
): KernelMessage.IInputRequestMsg | undefined {
  const type = msg.header.msg_type;
  if (msg.channel === 'iopub') {
    if (type === 'status') {
      const state = (msg.content as { execution_state?: string }).execution_state;
      if (state === 'idle') run.idle();
    } else if (type === 'execute_input') {
      run.started((msg.content as { execution_count?: number | null }).execution_count ?? null);
    } else {
      const output = toIopubOutput(type, msg.content);
      if (output) run.output(output);
    }
  } else if (msg.channel === 'shell' && type === 'execute_reply') {
    const content = msg.content as { status?: string; execution_count?: number | null };
    run.replied(replyStatus(content.status), content.execution_count ?? null);
  } else if (msg.channel === 'stdin' && type === 'input_request') {
    return msg as KernelMessage.IInputRequestMsg;
  }
  return undefined;
}

function replyStatus(status: string | undefined): 'ok' | 'error' | 'aborted' {
  return status === 'ok' ? 'ok' : status === 'aborted' ? 'aborted' : 'error';
}
