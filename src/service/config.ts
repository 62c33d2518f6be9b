import { z } from 'zod';

/** The hub service's settings, read from the environment JupyterHub gives a managed service. */
export interface ServiceConfig {
  /** `JUPYTERHUB_SERVICE_NAME`, `hub-notebooks` by convention. */
  name: string;
  /** `JUPYTERHUB_API_URL`, for example `http://127.0.0.1:8081/hub/api`. */
  hubApiUrl: string;
  /** `JUPYTERHUB_API_TOKEN`: the service's own token. Never logged. */
  apiToken: string;
  /** `JUPYTERHUB_SERVICE_PREFIX`, for example `/services/hub-notebooks/`; always ends in `/`. */
  prefix: string;
  /** Where to listen, from `JUPYTERHUB_SERVICE_URL` (the proxy forwards the prefix there). */
  host: string;
  port: number;
}

const envSchema = z.object({
  JUPYTERHUB_SERVICE_NAME: z.string().min(1).default('hub-notebooks'),
  JUPYTERHUB_API_URL: z.url(),
  JUPYTERHUB_API_TOKEN: z.string().min(1),
  JUPYTERHUB_SERVICE_PREFIX: z.string().startsWith('/').default('/services/hub-notebooks/'),
  JUPYTERHUB_SERVICE_URL: z.url(),
});

/** Reads and checks the environment; the error names each missing or malformed variable, never its value. */
export function loadServiceConfig(env: NodeJS.ProcessEnv): ServiceConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(
      `hub-notebooks service: missing or invalid environment (${names}). It is meant to be launched by ` +
        'JupyterHub as a managed service; see docs/operators.md.',
    );
  }
  const e = parsed.data;
  const listen = new URL(e.JUPYTERHUB_SERVICE_URL);
  const prefix = e.JUPYTERHUB_SERVICE_PREFIX.endsWith('/')
    ? e.JUPYTERHUB_SERVICE_PREFIX
    : `${e.JUPYTERHUB_SERVICE_PREFIX}/`;
  return {
    name: e.JUPYTERHUB_SERVICE_NAME,
    hubApiUrl: e.JUPYTERHUB_API_URL,
    apiToken: e.JUPYTERHUB_API_TOKEN,
    prefix,
    host: listen.hostname,
    port: Number(listen.port || (listen.protocol === 'https:' ? 443 : 80)),
  };
}
