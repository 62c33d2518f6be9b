import { NotAJupyterHubError, HubError } from './errors';
import { expectStatus, parseBody } from './response';
import { hubInfoSchema, hubRootSchema, type HubInfo } from './schemas';
import type { HubTransport } from './transport';

/** What `GET /hub/api` tells about a hub. */
export interface HubVersion {
  version: string;
  /** The major version, for the few places where 3.x and 5.x behave differently. */
  major: number;
}

/**
 * `GET /hub/api`: the hub's version. Throws NotAJupyterHubError when the URL answers like something else,
 * such as an ordinary web page, so a wrong hub URL is reported as such rather than as a parse failure.
 */
export async function getHubVersion(transport: HubTransport, signal?: AbortSignal): Promise<HubVersion> {
  const res = await transport.request({ method: 'GET', path: 'hub/api', signal });
  const notAHub = (why: string): NotAJupyterHubError =>
    new NotAJupyterHubError(
      `${transport.baseUrl.toString()} is not a JupyterHub: ${why}. Set the hub URL to the address you open ` +
        'the hub at in a browser, without /hub/ or /user/ at the end.',
      { status: res.status, url: res.url },
    );
  if (res.status === 404) throw notAHub('it has no /hub/api');
  expectStatus(res, [200], 'report its version');
  if (!(res.headers['content-type'] ?? '').includes('json')) {
    throw notAHub(`/hub/api answered with ${res.headers['content-type'] ?? 'no content type'}, not JSON`);
  }
  let root;
  try {
    root = parseBody(res, hubRootSchema, 'the version request');
  } catch (err) {
    if (err instanceof HubError) throw notAHub('/hub/api did not report a JupyterHub version');
    throw err;
  }
  return { version: root.version, major: Number.parseInt(root.version, 10) };
}

/** `GET /hub/api/info`: Python, spawner and authenticator details; needs a token allowed to read them. */
export async function getHubInfo(transport: HubTransport, signal?: AbortSignal): Promise<HubInfo> {
  const res = await transport.request({ method: 'GET', path: 'hub/api/info', signal });
  expectStatus(res, [200], 'describe itself');
  return parseBody(res, hubInfoSchema, 'the info request');
}
