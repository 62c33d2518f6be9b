/**
 * Reads the values of the team's secret environment variables from a running kernel, so that the output
 * model can redact them (redact.ts). They travel in the `user_expressions` of a silent `execute_request`:
 * the kernel evaluates those after the (empty) code and puts the results only in its `execute_reply`, which
 * jupyter_server sends on the shell channel of the websocket that asked. Being silent, the request publishes
 * no `execute_input` and no result on iopub, so another client of the same kernel (JupyterLab) sees nothing
 * but a busy and an idle status; it also leaves the execution count and the history alone.
 *
 * Each expression returns the value's UTF-8 bytes as hex rather than the value itself. The kernel formats a
 * result as its `repr()` (Python), `print()` form (R) or `show()` form (Julia), each with its own quoting and
 * escapes; hex comes back as `'6b6579'`, `[1] "6b6579"` or `"6b6579"`, which needs no escape parsing at all,
 * whatever quotes, backslashes, newlines or non-ASCII characters the value holds.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { untilAborted } from '../abortable';
import { KernelDisconnectedError } from './errors';

/** `user_expressions` of an execute_request: result name → expression. */
export type UserExpressions = Readonly<Record<string, string>>;
/** The `user_expressions` of an execute_reply: result name → `{status, data, metadata}` or an error. */
export type ExpressionResults = Readonly<Record<string, unknown>>;

/** What readKernelEnvironment needs of a kernel: HubKernelSession, or any kernel connection wrapped below. */
export interface UserExpressionsTarget {
  /** Sends a silent `execute_request` with these `user_expressions`; resolves with the reply's results. */
  evaluateUserExpressions(
    expressions: UserExpressions,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown>>;
}

/** The kernel could not tell the values: the caller turns redaction off for it and logs why (no value). */
export class KernelEnvironmentError extends Error {
  override readonly name = 'KernelEnvironmentError';
}

/**
 * The values of the environment variables `names` in the kernel, by name; '' for one that is unset. Kernels
 * of an unknown language (see `canReadEnvironment`) give an empty map: the caller logs that redaction is off
 * for that kernel. Rejects with KernelEnvironmentError when the kernel does not evaluate the expressions.
 */
export async function readKernelEnvironment(
  kernel: UserExpressionsTarget,
  names: readonly string[],
  language: string,
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const expression = EXPRESSIONS[language.toLowerCase()];
  if (!expression || names.length === 0) return new Map();
  for (const name of names) {
    // The names are pasted into code: only the portable form of a variable name can go there.
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new RangeError(`Not an environment variable name: ${name}`);
  }
  const expressions = Object.fromEntries(names.map((name, i) => [`env${i}`, expression(name)]));
  const results = await kernel.evaluateUserExpressions(expressions, signal);
  return new Map(names.map((name, i) => [name, decodeResult(results[`env${i}`], name)]));
}

/** Whether readKernelEnvironment can ask kernels of this language (a kernel spec's `language`). */
export function canReadEnvironment(language: string): boolean {
  return EXPRESSIONS[language.toLowerCase()] !== undefined;
}

/**
 * `execute_request` with `code: ''`, `silent: true`, `store_history: false` and `user_expressions` on a
 * @jupyterlab/services kernel connection, resolving with the `execute_reply`'s `user_expressions`. It waits
 * for the reply only, not for the idle status, which a websocket that jupyter_server has not yet subscribed
 * to iopub would miss.
 */
export async function evaluateUserExpressions(
  kernel: Kernel.IKernelConnection | undefined,
  expressions: UserExpressions,
  signal?: AbortSignal,
): Promise<ExpressionResults> {
  signal?.throwIfAborted();
  if (!kernel) throw new KernelDisconnectedError('Not connected to the kernel.');
  const content = {
    code: '',
    silent: true,
    store_history: false,
    user_expressions: { ...expressions },
    allow_stdin: false,
    stop_on_error: false,
  };
  let future: Kernel.IShellFuture<KernelMessage.IExecuteRequestMsg, KernelMessage.IExecuteReplyMsg>;
  try {
    future = kernel.requestExecute(content, true);
  } catch (err) {
    throw new KernelDisconnectedError(`The kernel could not take the request: ${String(err)}`);
  }
  // Disposing the future below cancels it, which rejects `done`: expected.
  future.done.catch(() => undefined);
  try {
    const reply = await untilAborted(
      new Promise<KernelMessage.IExecuteReplyMsg>((resolve) => (future.onReply = resolve)),
      signal,
    );
    if (reply.content.status !== 'ok') {
      throw new KernelEnvironmentError(`The kernel answered "${reply.content.status}" to the request.`);
    }
    return reply.content.user_expressions;
  } finally {
    future.dispose();
  }
}

/** Each language's expression for the hex of a variable's UTF-8 bytes, '' when it is unset. */
const EXPRESSIONS: Readonly<Record<string, ((name: string) => string) | undefined>> = {
  // surrogateescape gives back the bytes a non-UTF-8 value came from, where strict UTF-8 would raise.
  python: (name) => `__import__('os').environ.get('${name}', '').encode('utf-8', 'surrogateescape').hex()`,
  r: (name) => `paste(as.character(charToRaw(enc2utf8(Sys.getenv("${name}")))), collapse = "")`,
  julia: (name) => `bytes2hex(codeunits(get(ENV, "${name}", "")))`,
};

/** The value from one `user_expressions` result: `{status: 'ok', data: {'text/plain': <quoted hex>}}`. */
function decodeResult(result: unknown, name: string): string {
  const { status, data, ename } = (result ?? {}) as { status?: unknown; data?: unknown; ename?: unknown };
  if (status !== 'ok') {
    const why = result === undefined ? 'no result' : `"${String(status)}" (${String(ename)})`;
    throw new KernelEnvironmentError(`The kernel gave ${why} for the expression reading ${name}.`);
  }
  const text = (data as Record<string, unknown> | undefined)?.['text/plain'];
  // The result is hex, so quoting it in the message would show no value; it is left out all the same.
  const hex =
    typeof text === 'string' ? /^(?:\[1\]\s*)?(['"])((?:[0-9a-fA-F]{2})*)\1$/.exec(text.trim()) : null;
  if (!hex)
    throw new KernelEnvironmentError(`The kernel's result for ${name} is not the hex it was asked for.`);
  return Buffer.from(hex[2] ?? '', 'hex').toString('utf8');
}
