import * as z from 'zod/mini';
import { lazySchema } from '../lazySchema';
import { ServerNotRunningError } from '../hub/errors';
import { stoppedNamedServer } from '../hub/singleUserApi';
import { expectStatus, parseBody } from '../hub/response';
import { singleUserPath } from '../hub/singleUserApi';
import type { HubTransport } from '../hub/transport';
import type { KernelSpecInfo } from './types';

/** Where a user's single-user server lives: the hub transport, the user, and a named server or ''. */
export interface ServerRef {
  transport: HubTransport;
  user: string;
  serverName?: string | undefined;
}

const kernelModelSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    execution_state: z.optional(z.string()),
    last_activity: z.optional(z.string()),
  }),
);

const sessionModelSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    path: z.string(),
    name: z.optional(z.string()),
    type: z.optional(z.string()),
    kernel: z.nullable(kernelModelSchema),
  }),
);

const kernelSpecsSchema = lazySchema(() =>
  z.object({
    default: z.optional(z.string()),
    kernelspecs: z.record(
      z.string(),
      z.object({
        name: z.string(),
        spec: z.object({ display_name: z.string(), language: z.optional(z.string()) }),
      }),
    ),
  }),
);

export type KernelModel = z.infer<typeof kernelModelSchema>;
export type SessionModel = z.infer<typeof sessionModelSchema>;

/** The server's base path relative to the hub, for example `user/alice/` or `user/alice/gpu/`. */
export function serverBase(ref: ServerRef): string {
  return singleUserPath(ref.user, ref.serverName ?? '');
}

/** `GET {server}/api/kernelspecs`: the kernels the server offers, the default one first. */
export async function listKernelSpecs(ref: ServerRef, signal?: AbortSignal): Promise<KernelSpecInfo[]> {
  const res = await ref.transport.request({
    method: 'GET',
    path: `${serverBase(ref)}api/kernelspecs`,
    signal,
  });
  await rejectStoppedServer(ref, res.status, signal);
  expectStatus(res, [200], `list the kernels of ${label(ref)}`);
  const body = parseBody(res, kernelSpecsSchema, 'the kernel spec list');
  const specs = Object.values(body.kernelspecs).map((k) => ({
    name: k.name,
    displayName: k.spec.display_name,
    language: k.spec.language ?? '',
  }));
  return specs.sort(
    (a, b) => rank(a.name, body.default) - rank(b.name, body.default) || a.name.localeCompare(b.name),
  );
}

/** `GET {server}/api/sessions`: every running session of the server. */
export async function listSessions(ref: ServerRef, signal?: AbortSignal): Promise<SessionModel[]> {
  const res = await ref.transport.request({ method: 'GET', path: `${serverBase(ref)}api/sessions`, signal });
  await rejectStoppedServer(ref, res.status, signal);
  expectStatus(res, [200], `list the kernel sessions of ${label(ref)}`);
  return parseBody(res, z.array(sessionModelSchema), 'the session list');
}

/**
 * `POST {server}/api/sessions`: a session for a notebook path with a new kernel of `kernelName`. The server
 * starts the kernel in the folder of `path` (or the nearest existing parent folder).
 */
export async function createSession(
  ref: ServerRef,
  options: { path: string; kernelName: string; signal?: AbortSignal | undefined },
): Promise<SessionModel> {
  const name = options.path.split('/').pop() ?? options.path;
  const res = await ref.transport.request({
    method: 'POST',
    path: `${serverBase(ref)}api/sessions`,
    body: { path: options.path, name, type: 'notebook', kernel: { name: options.kernelName } },
    signal: options.signal,
  });
  await rejectStoppedServer(ref, res.status, options.signal);
  expectStatus(res, [201, 200], `start a ${options.kernelName} kernel on ${label(ref)}`);
  return parseBody(res, sessionModelSchema, 'the new session');
}

/** `DELETE {server}/api/sessions/{id}`: ends the session and shuts its kernel down. */
export async function deleteSession(ref: ServerRef, sessionId: string, signal?: AbortSignal): Promise<void> {
  const res = await ref.transport.request({
    method: 'DELETE',
    path: `${serverBase(ref)}api/sessions/${encodeURIComponent(sessionId)}`,
    signal,
  });
  await rejectStoppedServer(ref, res.status, signal);
  // 404: the session is already gone, which is what the caller wanted.
  if (res.status !== 404) expectStatus(res, [204], `shut down the kernel session on ${label(ref)}`);
}

/** `POST {server}/api/kernels/{id}/interrupt`: sends SIGINT (or an interrupt_request) to the kernel. */
export async function interruptKernel(ref: ServerRef, kernelId: string, signal?: AbortSignal): Promise<void> {
  const res = await ref.transport.request({
    method: 'POST',
    path: `${serverBase(ref)}api/kernels/${encodeURIComponent(kernelId)}/interrupt`,
    body: {},
    signal,
  });
  await rejectStoppedServer(ref, res.status, signal);
  expectStatus(res, [204], `interrupt the kernel on ${label(ref)}`);
}

/** `GET {server}/api/kernels/{id}`: the kernel's model, or undefined when the server no longer has it. */
export async function getKernel(
  ref: ServerRef,
  kernelId: string,
  signal?: AbortSignal,
): Promise<KernelModel | undefined> {
  const res = await ref.transport.request({
    method: 'GET',
    path: `${serverBase(ref)}api/kernels/${encodeURIComponent(kernelId)}`,
    signal,
  });
  if (res.status === 404) return undefined;
  expectStatus(res, [200], `look at the kernel on ${label(ref)}`);
  return parseBody(res, kernelModelSchema, 'the kernel model');
}

function label(ref: ServerRef): string {
  return ref.serverName ? `${ref.user}'s server "${ref.serverName}"` : `${ref.user}'s server`;
}

function rank(name: string, defaultName: string | undefined): number {
  return name === defaultName ? 0 : 1;
}

/**
 * Writes to a stopped server get 405 (JupyterHub 3.0) or a 403 "_xsrf missing" HTML page (5.x) instead of 424:
 * `GET api/status` tells a stopped server apart from a real refusal, so the caller can offer to start it. A
 * 404 on a named server is asked of the hub, which knows whether that server runs.
 */
async function rejectStoppedServer(ref: ServerRef, status: number, signal?: AbortSignal): Promise<void> {
  if (status === 404) {
    // A stopped named server behind a running default one (singleUserApi.ts, stoppedNamedServer).
    const stopped = await stoppedNamedServer(ref.transport, ref.user, ref.serverName ?? '', signal);
    if (stopped) throw stopped;
    return;
  }
  if (status !== 403 && status !== 405) return;
  const res = await ref.transport
    .request({ method: 'GET', path: `${serverBase(ref)}api/status`, signal })
    .catch(() => undefined);
  if (!res) return;
  try {
    expectStatus(res, [200], `reach ${label(ref)}`);
  } catch (err) {
    if (err instanceof ServerNotRunningError) throw err;
  }
}
