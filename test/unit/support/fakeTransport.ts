// The one fake hub transport of the unit tests: every request goes to `answer` and is recorded, with the token
// the real transport would have sent. Bodies are JSON; an Error answer is thrown as the transport would.
import type { HubRequest, HubTransport } from '../../../src/core/hub';

/** One request the fake received. */
export interface HubCall {
  baseUrl: string;
  method: string;
  path: string;
  body: unknown;
  token: string | undefined;
}

export type HubAnswer = { status: number; body?: unknown } | Error;

export interface FakeTransportOptions {
  baseUrl: string;
  getToken?: () => string | undefined | Promise<string | undefined>;
  /** Where the calls are recorded; a new list when left out. */
  calls?: HubCall[];
}

export function fakeTransport(
  options: FakeTransportOptions,
  answer: (call: HubCall) => HubAnswer,
): HubTransport {
  const calls = options.calls ?? [];
  return {
    baseUrl: new URL(options.baseUrl),
    async request(req: HubRequest) {
      const token = await options.getToken?.();
      const call = { baseUrl: options.baseUrl, method: req.method, path: req.path, body: req.body, token };
      calls.push(call);
      const result = answer(call);
      if (result instanceof Error) throw result;
      return {
        status: result.status,
        headers: { 'content-type': 'application/json' },
        data: result.body === undefined ? '' : JSON.stringify(result.body),
        url: new URL(req.path, options.baseUrl).href,
        redirects: 0,
      };
    },
    stream() {
      return Promise.reject(new Error('the fake transport does not stream'));
    },
  };
}
