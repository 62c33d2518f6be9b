import { z } from 'zod';
import { parseAllowedOrigins } from '../core/auth/redirectUri';

/** The hub service's settings, read from the environment JupyterHub gives a managed service. */
export interface ServiceConfig {
  /** `JUPYTERHUB_SERVICE_NAME`, `hub-notebooks` by convention. */
  name: string;
  /** `JUPYTERHUB_API_URL`, for example `http://127.0.0.1:8081/hub/api`. */
  hubApiUrl: string;
  /** `JUPYTERHUB_API_TOKEN`: the service's own token, also its OAuth client secret. Never logged. */
  apiToken: string;
  /** `JUPYTERHUB_SERVICE_PREFIX`, for example `/services/hub-notebooks/`; always ends in `/`. */
  prefix: string;
  /** Where to listen, from `JUPYTERHUB_SERVICE_URL` (the proxy forwards the prefix there). */
  host: string;
  port: number;
  oauth: OAuthSettings;
  catalog: CatalogSettings;
  signInLimits: SignInLimits;
  authoring: AuthoringSettings;
}

/** What the service tells the extension about writing notebooks: the header template and the secrets. */
export interface AuthoringSettings {
  /**
   * `HUB_NOTEBOOKS_HEADER_TEMPLATE`: an absolute path to the team's template notebook (its first cell is the
   * header), read on every request so an edit needs no restart; undefined serves the built-in template.
   */
  headerTemplatePath: string | undefined;
  /**
   * `HUB_NOTEBOOKS_REDACT_ENV`: names of environment variables the hub gives kernels (`Spawner.environment`)
   * whose values the extension replaces by `[REDACTED]` in cell outputs. Names only: the values never pass
   * through the service.
   */
  redactEnvironment: string[];
}

/** An environment variable's name as POSIX shells accept it. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** How hard one client may push the sign-in endpoints. */
export interface SignInLimits {
  /** `HUB_NOTEBOOKS_SIGN_IN_RATE_LIMIT`: requests a minute per client to each of auth/start and auth/token. */
  perMinute: number;
  /** `HUB_NOTEBOOKS_TRUSTED_PROXIES`: how many proxies in front append to X-Forwarded-For (JupyterHub's: 1). */
  trustedProxies: number;
}

/** Where the team's notebooks and the supported store live, and who sees or maintains what. */
export interface CatalogSettings {
  /** `HUB_NOTEBOOKS_DATA_DIR`: the supported store's SQLite file and blobs (default `/var/lib/hub-notebooks`). */
  dataDir: string;
  /** `HUB_NOTEBOOKS_HOME`: a user's home on the shared filesystem, `{username}` replaced (default `/home/{username}`). */
  homeTemplate: string;
  /** `HUB_NOTEBOOKS_TEAM_GROUPS`: the hub groups that make people teammates; undefined means every group. */
  teamGroups: string[] | undefined;
  /** `HUB_NOTEBOOKS_MAINTAINER_GROUPS`: members of these hub groups may publish and roll back. */
  maintainerGroups: string[];
  /** `HUB_NOTEBOOKS_AUTH_CACHE_SECONDS`: how long a checked user token is trusted without asking the hub again. */
  authCacheMs: number;
  /** `HUB_NOTEBOOKS_INDEX_MAX_AGE_SECONDS`: how stale the team index may be before a request rescans (by mtime). */
  indexMaxAgeMs: number;
}

/** How the service signs users in through the hub and what it hands the extension. */
export interface OAuthSettings {
  /** `JUPYTERHUB_CLIENT_ID`, `service-hub-notebooks`. */
  clientId: string;
  /** `JUPYTERHUB_OAUTH_CALLBACK_URL`: the registered redirect URI, usually host-relative. */
  callbackUrl: string;
  /** The hub's authorize endpoint as the browser reaches it (`JUPYTERHUB_HOST` + base URL + `hub/api/oauth2/authorize`). */
  authorizeUrl: string;
  /** The hub's token endpoint as the service reaches it (`JUPYTERHUB_API_URL/oauth2/token`). */
  tokenUrl: string;
  /**
   * The hub's public URL, reported to the extension as `hub_url`: `JUPYTERHUB_PUBLIC_HUB_URL` without its
   * `hub/` (JupyterHub 4.1+ sets it from `public_url`), else `JUPYTERHUB_HOST` and the base URL, else just the
   * base URL. Never taken from a request's headers, which the client writes.
   */
  publicHubUrl: string;
  /** `HUB_NOTEBOOKS_EXTENSION_ID`: the extension allowed behind editor URI schemes. */
  extensionId: string;
  /** `HUB_NOTEBOOKS_ALLOWED_REDIRECT_ORIGINS`: extra https origins for web or remote VS Code. */
  allowedRedirectOrigins: string[];
  /** `HUB_NOTEBOOKS_TOKEN_EXPIRES_IN`: lifetime in seconds of the token the extension receives. */
  tokenExpiresInSeconds: number;
  /** `HUB_NOTEBOOKS_TOKEN_SCOPES`: the scopes of that token (space or comma separated). */
  tokenScopes: string[];
  /** `HUB_NOTEBOOKS_HANDOFF_TTL_SECONDS`: how long a handoff code lives; at most 60. */
  handoffTtlMs: number;
}

/** A week: long enough not to nag every morning, short enough that a lost laptop's token dies on its own. */
export const DEFAULT_TOKEN_EXPIRES_IN = 7 * 24 * 3600;

/**
 * What the extension's token may do, and no more: know who it is and its groups, start, stop and use the
 * user's own servers, and call this service. `!user` means the token's owner.
 */
export const DEFAULT_TOKEN_SCOPES: readonly string[] = [
  'read:users:name!user',
  'read:users:groups!user',
  'read:servers!user',
  'servers!user',
  'access:servers!user',
];

/** The scopes of the token the extension receives by default: DEFAULT_TOKEN_SCOPES and access to the service. */
export function extensionTokenScopes(serviceName = 'hub-notebooks'): string[] {
  return [...DEFAULT_TOKEN_SCOPES, `access:services!service=${serviceName}`];
}

const envSchema = z.object({
  JUPYTERHUB_SERVICE_NAME: z.string().min(1).default('hub-notebooks'),
  JUPYTERHUB_API_URL: z.url(),
  JUPYTERHUB_API_TOKEN: z.string().min(1),
  JUPYTERHUB_SERVICE_PREFIX: z.string().startsWith('/').default('/services/hub-notebooks/'),
  JUPYTERHUB_SERVICE_URL: z.url(),
  JUPYTERHUB_CLIENT_ID: z.string().min(1).default('service-hub-notebooks'),
  JUPYTERHUB_OAUTH_CALLBACK_URL: z.string().optional(),
  JUPYTERHUB_HOST: z.string().default(''),
  JUPYTERHUB_BASE_URL: z.string().startsWith('/').default('/'),
  JUPYTERHUB_PUBLIC_HUB_URL: z.string().optional(),
  HUB_NOTEBOOKS_EXTENSION_ID: z.string().min(3).default('hub-notebooks.hub-notebooks'),
  HUB_NOTEBOOKS_ALLOWED_REDIRECT_ORIGINS: z.string().optional(),
  HUB_NOTEBOOKS_TOKEN_EXPIRES_IN: z.coerce.number().int().min(300).default(DEFAULT_TOKEN_EXPIRES_IN),
  HUB_NOTEBOOKS_TOKEN_SCOPES: z.string().optional(),
  HUB_NOTEBOOKS_HANDOFF_TTL_SECONDS: z.coerce.number().int().min(1).max(60).default(60),
  HUB_NOTEBOOKS_DATA_DIR: z.string().startsWith('/').default('/var/lib/hub-notebooks'),
  HUB_NOTEBOOKS_HOME: z.string().startsWith('/').includes('{username}').default('/home/{username}'),
  HUB_NOTEBOOKS_TEAM_GROUPS: z.string().optional(),
  HUB_NOTEBOOKS_MAINTAINER_GROUPS: z.string().default('notebook-maintainers'),
  HUB_NOTEBOOKS_AUTH_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(10),
  HUB_NOTEBOOKS_INDEX_MAX_AGE_SECONDS: z.coerce.number().min(0).max(3600).default(2),
  HUB_NOTEBOOKS_SIGN_IN_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(30),
  HUB_NOTEBOOKS_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(1),
  HUB_NOTEBOOKS_HEADER_TEMPLATE: z.string().startsWith('/').optional(),
  HUB_NOTEBOOKS_REDACT_ENV: z
    .string()
    .default('')
    .refine((v) => splitList(v).every((n) => ENV_NAME_PATTERN.test(n))),
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
  const prefix = withSlash(e.JUPYTERHUB_SERVICE_PREFIX);
  const apiUrl = withSlash(e.JUPYTERHUB_API_URL);
  return {
    name: e.JUPYTERHUB_SERVICE_NAME,
    hubApiUrl: e.JUPYTERHUB_API_URL,
    apiToken: e.JUPYTERHUB_API_TOKEN,
    prefix,
    host: listen.hostname,
    port: Number(listen.port || (listen.protocol === 'https:' ? 443 : 80)),
    oauth: {
      clientId: e.JUPYTERHUB_CLIENT_ID,
      callbackUrl: e.JUPYTERHUB_OAUTH_CALLBACK_URL || `${prefix}oauth_callback`,
      authorizeUrl: `${e.JUPYTERHUB_HOST}${withSlash(e.JUPYTERHUB_BASE_URL)}hub/api/oauth2/authorize`,
      tokenUrl: `${apiUrl}oauth2/token`,
      publicHubUrl: e.JUPYTERHUB_PUBLIC_HUB_URL
        ? withSlash(e.JUPYTERHUB_PUBLIC_HUB_URL).replace(/hub\/$/, '')
        : `${e.JUPYTERHUB_HOST}${withSlash(e.JUPYTERHUB_BASE_URL)}`,
      extensionId: e.HUB_NOTEBOOKS_EXTENSION_ID,
      allowedRedirectOrigins: parseAllowedOrigins(e.HUB_NOTEBOOKS_ALLOWED_REDIRECT_ORIGINS),
      tokenExpiresInSeconds: e.HUB_NOTEBOOKS_TOKEN_EXPIRES_IN,
      tokenScopes: e.HUB_NOTEBOOKS_TOKEN_SCOPES
        ? e.HUB_NOTEBOOKS_TOKEN_SCOPES.split(/[\s,]+/).filter(Boolean)
        : extensionTokenScopes(e.JUPYTERHUB_SERVICE_NAME),
      handoffTtlMs: e.HUB_NOTEBOOKS_HANDOFF_TTL_SECONDS * 1000,
    },
    catalog: {
      dataDir: e.HUB_NOTEBOOKS_DATA_DIR,
      homeTemplate: e.HUB_NOTEBOOKS_HOME,
      teamGroups: e.HUB_NOTEBOOKS_TEAM_GROUPS ? splitList(e.HUB_NOTEBOOKS_TEAM_GROUPS) : undefined,
      maintainerGroups: splitList(e.HUB_NOTEBOOKS_MAINTAINER_GROUPS),
      authCacheMs: e.HUB_NOTEBOOKS_AUTH_CACHE_SECONDS * 1000,
      indexMaxAgeMs: e.HUB_NOTEBOOKS_INDEX_MAX_AGE_SECONDS * 1000,
    },
    signInLimits: {
      perMinute: e.HUB_NOTEBOOKS_SIGN_IN_RATE_LIMIT,
      trustedProxies: e.HUB_NOTEBOOKS_TRUSTED_PROXIES,
    },
    authoring: {
      headerTemplatePath: e.HUB_NOTEBOOKS_HEADER_TEMPLATE || undefined,
      redactEnvironment: [...new Set(splitList(e.HUB_NOTEBOOKS_REDACT_ENV))],
    },
  };
}

/** The hub's base URL for the core transport, from the API URL (`…/hub/api` → `…/`). */
export function hubBaseFromApiUrl(apiUrl: string): string {
  return withSlash(apiUrl).replace(/hub\/api\/$/, '');
}

function splitList(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

function withSlash(value: string): string {
  return value.endsWith('/') ? value : `${value}/`;
}
