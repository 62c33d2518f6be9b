import * as z from 'zod/mini';
import { lazySchema } from '../lazySchema';

/*
 * Runtime shapes of the JupyterHub REST API payloads we read, checked on every response so that a surprise
 * becomes one clear error at the edge rather than `undefined` deep inside. Only the fields we use are listed;
 * unknown fields are dropped. Both JupyterHub 3.0 and 5.x shapes are accepted.
 */

const isoDate = lazySchema(() => z.optional(z.nullable(z.string())));

/** `GET /hub/api`: the version every hub reports, even without a token. */
export const hubRootSchema = lazySchema(() => z.object({ version: z.string().check(z.minLength(1)) }));

const componentSchema = lazySchema(() =>
  z.optional(z.object({ class: z.string(), version: z.optional(z.string()) })),
);

/** `GET /hub/api/info`: details only some tokens may read. */
export const hubInfoSchema = lazySchema(() =>
  z.object({
    version: z.string(),
    python: z.optional(z.string()),
    sys_executable: z.optional(z.string()),
    spawner: componentSchema,
    authenticator: componentSchema,
  }),
);

/** One entry of a user's `servers` map (the default server has the name ''). */
export const serverSchema = lazySchema(() =>
  z.object({
    name: z.string(),
    ready: z.boolean(),
    pending: z.optional(z.nullable(z.string())),
    stopped: z.optional(z.boolean()),
    url: z.string(),
    progress_url: z.optional(z.string()),
    started: isoDate,
    last_activity: isoDate,
  }),
);

/** `GET /hub/api/user` and `GET /hub/api/users/{name}`. */
export const userSchema = lazySchema(() =>
  z.object({
    name: z.string().check(z.minLength(1)),
    kind: z.optional(z.string()),
    admin: z.optional(z.boolean()),
    groups: z.optional(z.array(z.string())),
    roles: z.optional(z.array(z.string())),
    scopes: z.optional(z.array(z.string())),
    server: z.optional(z.nullable(z.string())),
    pending: z.optional(z.nullable(z.string())),
    last_activity: isoDate,
    servers: z.optional(z.record(z.string(), serverSchema)),
    /** `GET /hub/api/user` on 5.x: the id of the token that made the request (3.0 leaves it out). */
    token_id: z.optional(z.nullable(z.string())),
  }),
);

/** One token of `GET /hub/api/users/{name}/tokens`. */
export const tokenSchema = lazySchema(() =>
  z.object({
    id: z.string().check(z.minLength(1)),
    kind: z.optional(z.string()),
    note: z.optional(z.nullable(z.string())),
    created: isoDate,
    expires_at: isoDate,
    last_activity: isoDate,
    scopes: z.optional(z.array(z.string())),
    roles: z.optional(z.array(z.string())),
    oauth_client: z.optional(z.nullable(z.string())),
  }),
);

/** `POST /hub/api/users/{name}/tokens`: the token model plus the secret, shown this once. */
export const createdTokenSchema = lazySchema(() =>
  z.extend(tokenSchema, { token: z.string().check(z.minLength(1)) }),
);

/** `GET /hub/api/users/{name}/tokens`: 3.0 lists OAuth tokens apart, 5.x puts every token in `api_tokens`. */
export const tokenListSchema = lazySchema(() =>
  z.object({
    api_tokens: z.array(tokenSchema),
    oauth_tokens: z.optional(z.array(tokenSchema)),
  }),
);

/** One `data:` event of the spawn progress stream. */
export const progressEventSchema = lazySchema(() =>
  z.object({
    progress: z.optional(z.number()),
    message: z.optional(z.string()),
    ready: z.optional(z.boolean()),
    failed: z.optional(z.boolean()),
    url: z.optional(z.string()),
  }),
);

export type HubRoot = z.infer<typeof hubRootSchema>;
export type HubInfo = z.infer<typeof hubInfoSchema>;
export type HubServer = z.infer<typeof serverSchema>;
export type HubUser = z.infer<typeof userSchema>;
export type HubToken = z.infer<typeof tokenSchema>;
export type CreatedHubToken = z.infer<typeof createdTokenSchema>;
export type SpawnProgressEvent = z.infer<typeof progressEventSchema>;
