import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod/mini';
import { RequestError, queryOf } from '../http';

/** The user a catalog request is made for, as the hub vouched for their token. */
export interface Caller {
  name: string;
  /** Their hub groups. */
  groups: string[];
  /** In a maintainer group: may publish and roll back. */
  maintainer: boolean;
}

/**
 * One operation of the service's HTTP API, described once: the router dispatches by it, checks its query with
 * its zod schema and its authentication before any handler runs, and the OpenAPI document (openapi.ts) is
 * generated from the same description. A route that is not described here does not exist.
 */
export interface Operation {
  /** The OpenAPI operationId, also the key handlers are registered under. */
  id: string;
  method: 'GET' | 'POST' | 'PUT';
  /** The path after the service prefix, such as `api/team/list`. */
  path: string;
  tag: 'service' | 'sign-in' | 'catalog' | 'team' | 'supported';
  summary: string;
  description?: string;
  /**
   * Both `caller` and `bearer` need a hub token in `Authorization: token X` (or `Bearer X`), the document's
   * `hubToken` scheme. For `caller` the router checks it at the hub (a user whose token grants access to this
   * service) before the handler runs; for `bearer` the handler does, since it acts on that token itself.
   */
  auth: 'none' | 'caller' | 'bearer';
  /** Answers HEAD too, as GET without the body. */
  head?: boolean;
  /** The query parameters, all strings; unknown ones are ignored. */
  query?: z.ZodMiniObject;
  /** The longest query string accepted. */
  maxQueryLength: number;
  /** A realistic value of each parameter, for the document's readers and fuzzers. */
  queryExamples?: Readonly<Record<string, string>>;
  /** The error code a refused parameter gets, by name; the rest get `invalid_request`. */
  queryErrors?: Readonly<Record<string, string>>;
  body?: BodySpec;
  responses: Readonly<Record<number, ResponseSpec>>;
  /** Refusals are HTML pages (the browser's requests during sign-in) rather than JSON. */
  errorsAsPages?: boolean;
}

/** A literal JSON Schema, for what zod does not describe (HTML pages, notebook bytes). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** A schema for a body: a zod schema, which is also what validates it, or a literal JSON Schema. */
export type BodySchema = z.ZodMiniType | JsonSchema;

export interface BodySpec {
  description: string;
  required: boolean;
  /** Media type → schema. */
  content: Readonly<Record<string, BodySchema>>;
}

export interface ResponseSpec {
  description: string;
  content?: Readonly<Record<string, BodySchema>>;
  headers?: Readonly<Record<string, { description: string; schema: JsonSchema }>>;
}

/** What a handler gets: the request, the response, the checked query, and the caller when the operation needs one. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  query: Readonly<Record<string, string | undefined>>;
  /** Set for `caller` operations. */
  caller: Caller | undefined;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

/** Handlers by operation id. */
export type Handlers = Readonly<Record<string, Handler>>;

/** The caller of a `caller` operation, which the router has set before any handler runs. */
export function callerOf(ctx: RequestContext): Caller {
  if (!ctx.caller) throw new Error('a caller operation ran without an authenticated caller');
  return ctx.caller;
}

/** True for a zod schema, as opposed to a literal JSON Schema. */
export function isZodSchema(schema: BodySchema): schema is z.ZodMiniType {
  return typeof schema === 'object' && '_zod' in schema;
}

/**
 * Reads the query of a request and checks it with the operation's schema. A parameter given twice is refused
 * rather than one of its values picked, so what was checked is what is used. Throws RequestError 400 or 414.
 */
export function checkedQuery(op: Operation, req: IncomingMessage): Record<string, string | undefined> {
  const params = queryOf(req, op.maxQueryLength);
  if (!op.query) return {};
  const raw: Record<string, string> = {};
  for (const name of Object.keys(op.query.shape)) {
    const values = params.getAll(name);
    if (values.length > 1) {
      throw new RequestError(400, errorCode(op, name), `Give \`${name}\` once, not ${values.length} times.`);
    }
    if (values[0] !== undefined) raw[name] = values[0];
  }
  const parsed = op.query.safeParse(raw);
  if (parsed.success) return parsed.data as Record<string, string | undefined>;
  const issue = parsed.error.issues[0];
  const name = typeof issue?.path[0] === 'string' ? issue.path[0] : '';
  throw new RequestError(400, errorCode(op, name), issue?.message ?? 'The query is not valid.');
}

/** Checks a request body (already read and parsed) with its zod schema; throws RequestError 400 with the first issue. */
export function checkedBody<T>(schema: z.ZodMiniType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new RequestError(400, 'invalid_request', parsed.error.issues[0]?.message ?? 'The body is not valid.');
}

function errorCode(op: Operation, name: string): string {
  return op.queryErrors?.[name] ?? 'invalid_request';
}

/** A required text parameter: `missing` is the sentence when it is absent or empty. */
export function requiredText(missing: string, maxLength = 1024): z.ZodMiniString {
  return z
    .string({ error: missing })
    .check(z.minLength(1, missing), z.maxLength(maxLength, `At most ${maxLength} characters.`));
}

/** A required parameter that must match `pattern`, whose rule `rule` states in a sentence. */
export function patternText(missing: string, pattern: RegExp, rule: string): z.ZodMiniString {
  return z.string({ error: missing }).check(z.minLength(1, missing), z.regex(pattern, rule));
}
