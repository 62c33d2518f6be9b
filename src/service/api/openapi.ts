import * as z from 'zod/mini';
import { isZodSchema, type BodySchema, type JsonSchema, type Operation } from './operation';

/** What the document says about itself and where the API lives. */
export interface DocumentInfo {
  version: string;
  /** The service prefix, such as `/services/hub-notebooks/`: the document's server URL. */
  prefix: string;
}

/** The name of the security scheme every authenticated operation lists. */
export const HUB_TOKEN_SCHEME = 'hubToken';

/**
 * The OpenAPI 3.1 document of the service's API, generated from the operations' descriptions and the zod
 * schemas the service validates with (zod emits JSON Schema 2020-12, the dialect of OpenAPI 3.1). It is never
 * written by hand: `docs/openapi.json` is a copy that a test compares with this.
 */
export function buildOpenApiDocument(operations: readonly Operation[], info: DocumentInfo): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const item = (paths[`/${op.path}`] ??= {});
    item[op.method.toLowerCase()] = operationObject(op);
    if (op.head) item.head = headObject(op);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hub Notebooks service',
      version: info.version,
      description:
        'The hub-notebooks service that JupyterHub runs as a managed service: sign-in broker, team catalog ' +
        'and supported notebooks. Errors are `{error, message}` JSON, or HTML pages for the browser’s ' +
        'sign-in requests. Paths and names travel in the query string, never in the URL path.',
    },
    servers: [{ url: info.prefix }],
    paths,
    components: {
      securitySchemes: {
        [HUB_TOKEN_SCHEME]: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'The caller’s JupyterHub API token as `token <token>` (or `Bearer <token>`).',
        },
      },
    },
  };
}

function operationObject(op: Operation): Record<string, unknown> {
  const out: Record<string, unknown> = {
    operationId: op.id,
    tags: [op.tag],
    summary: op.summary,
    security: op.auth === 'none' ? [] : [{ [HUB_TOKEN_SCHEME]: [] }],
    responses: responsesObject(op),
  };
  if (op.description) out.description = op.description;
  if (op.query) out.parameters = queryParameters(op.query, op.queryExamples ?? {});
  if (op.body) {
    out.requestBody = {
      description: op.body.description,
      required: op.body.required,
      content: contentObject(op.body.content, 'input'),
    };
  }
  return out;
}

/** HEAD answers as GET does, with the same status and headers and no body. */
function headObject(op: Operation): Record<string, unknown> {
  const get = operationObject(op);
  const responses: Record<string, unknown> = { 431: TOO_LARGE_FOR_THE_PROXY };
  for (const [status, spec] of Object.entries(op.responses)) {
    responses[status] = spec.headers
      ? { description: spec.description, headers: spec.headers }
      : { description: spec.description };
  }
  return { ...get, operationId: `${op.id}Head`, responses };
}

function queryParameters(query: z.ZodMiniObject, examples: Readonly<Record<string, string>>): unknown[] {
  const schema = jsonSchemaOf(query, 'input');
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const parameter: Record<string, unknown> = {
      name,
      in: 'query',
      required: required.has(name),
      schema: property,
    };
    if (examples[name] !== undefined) parameter.example = examples[name];
    return parameter;
  });
}

/**
 * What the hub's proxy (and Node's HTTP parser in the service) answer to a request line and headers over
 * 16 KB, before any handler runs, whatever the operation: documented on each, so clients know it can happen.
 */
const TOO_LARGE_FOR_THE_PROXY = {
  description: 'The request line and headers are over 16 KB; refused before the service reads them.',
};

function responsesObject(op: Operation): Record<string, unknown> {
  const out: Record<string, unknown> = { 431: TOO_LARGE_FOR_THE_PROXY };
  for (const [status, spec] of Object.entries(op.responses)) {
    const response: Record<string, unknown> = { description: spec.description };
    if (spec.content) response.content = contentObject(spec.content, 'output');
    if (spec.headers) response.headers = spec.headers;
    out[status] = response;
  }
  return out;
}

function contentObject(
  content: Readonly<Record<string, BodySchema>>,
  io: 'input' | 'output',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [mediaType, schema] of Object.entries(content)) {
    out[mediaType] = { schema: isZodSchema(schema) ? jsonSchemaOf(schema, io) : schema };
  }
  return out;
}

function jsonSchemaOf(schema: z.ZodMiniType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io }) as Record<
    string,
    unknown
  >;
  return rest;
}
