import { z } from 'zod';

/*
 * Runtime shapes of the JupyterHub REST API payloads we read, checked on every response so that a surprise
 * becomes one clear error at the edge rather than `undefined` deep inside. Only the fields we use are listed;
 * unknown fields are dropped. Both JupyterHub 3.0 and 5.x shapes are accepted.
 */

const isoDate = z.string().nullable().optional();

/** `GET /hub/api`: the version every hub reports, even without a token. */
export const hubRootSchema = z.object({ version: z.string().min(1) });

const componentSchema = z.object({ class: z.string(), version: z.string().optional() }).optional();

/** `GET /hub/api/info`: details only some tokens may read. */
export const hubInfoSchema = z.object({
  version: z.string(),
  python: z.string().optional(),
  sys_executable: z.string().optional(),
  spawner: componentSchema,
  authenticator: componentSchema,
});

/** One entry of a user's `servers` map (the default server has the name ''). */
export const serverSchema = z.object({
  name: z.string(),
  ready: z.boolean(),
  pending: z.string().nullable().optional(),
  stopped: z.boolean().optional(),
  url: z.string(),
  progress_url: z.string().optional(),
  started: isoDate,
  last_activity: isoDate,
});

/** `GET /hub/api/user` and `GET /hub/api/users/{name}`. */
export const userSchema = z.object({
  name: z.string().min(1),
  kind: z.string().optional(),
  admin: z.boolean().optional(),
  groups: z.array(z.string()).optional(),
  roles: z.array(z.string()).optional(),
  scopes: z.array(z.string()).optional(),
  server: z.string().nullable().optional(),
  pending: z.string().nullable().optional(),
  last_activity: isoDate,
  servers: z.record(z.string(), serverSchema).optional(),
});

/** One token of `GET /hub/api/users/{name}/tokens`. */
export const tokenSchema = z.object({
  id: z.string().min(1),
  kind: z.string().optional(),
  note: z.string().nullable().optional(),
  created: isoDate,
  expires_at: isoDate,
  last_activity: isoDate,
  scopes: z.array(z.string()).optional(),
  roles: z.array(z.string()).optional(),
  oauth_client: z.string().nullable().optional(),
});

/** `POST /hub/api/users/{name}/tokens`: the token model plus the secret, shown this once. */
export const createdTokenSchema = tokenSchema.extend({ token: z.string().min(1) });

/** `GET /hub/api/users/{name}/tokens`: 3.0 lists OAuth tokens apart, 5.x puts every token in `api_tokens`. */
export const tokenListSchema = z.object({
  api_tokens: z.array(tokenSchema),
  oauth_tokens: z.array(tokenSchema).optional(),
});

/** One `data:` event of the spawn progress stream. */
export const progressEventSchema = z.object({
  progress: z.number().optional(),
  message: z.string().optional(),
  ready: z.boolean().optional(),
  failed: z.boolean().optional(),
  url: z.string().optional(),
});

export type HubRoot = z.infer<typeof hubRootSchema>;
export type HubInfo = z.infer<typeof hubInfoSchema>;
export type HubServer = z.infer<typeof serverSchema>;
export type HubUser = z.infer<typeof userSchema>;
export type HubToken = z.infer<typeof tokenSchema>;
export type CreatedHubToken = z.infer<typeof createdTokenSchema>;
export type SpawnProgressEvent = z.infer<typeof progressEventSchema>;
