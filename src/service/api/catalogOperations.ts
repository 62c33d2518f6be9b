import * as z from 'zod/mini';
import { brokerErrorSchema } from '../../core/auth/schemas';
import {
  CATALOG_ROUTES,
  IPYNB_MEDIA_TYPE,
  LAST_MODIFIED_HEADER,
  MAX_QUERY_LENGTH_CATALOG,
  SUPPORTED_NAME_PATTERN,
  SUPPORTED_NAME_RULE,
  VERSION_PATTERN,
  VERSION_RULE,
  auditResponseSchema,
  authoringResponseSchema,
  directoryListingSchema,
  meResponseSchema,
  searchResponseSchema,
  supportedListResponseSchema,
  supportedNotebookSchema,
  supportedVersionSchema,
  teamEntrySchema,
  teamResponseSchema,
} from '../../core/catalog/schemas';
import {
  patternText,
  requiredText,
  type BodySchema,
  type JsonSchema,
  type Operation,
  type ResponseSpec,
} from './operation';

/**
 * The catalog's operations (core/catalog/schemas.ts has the wire types both sides import). The whole API,
 * these with the broker's and the service's own, is in ../operations.ts.
 */

/**
 * Notebook bytes as served and accepted: nbformat 4 JSON, checked as far as core/notebook/nbformat.ts checks
 * it (a shallow check on purpose, so fields of newer minor versions pass), nested at most 100 levels deep.
 */
const NOTEBOOK_JSON: JsonSchema = {
  type: 'object',
  required: ['cells'],
  properties: {
    nbformat: { const: 4 },
    metadata: { type: 'object' },
    cells: {
      type: 'array',
      items: {
        type: 'object',
        required: ['cell_type', 'source'],
        properties: {
          cell_type: { type: 'string' },
          source: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
          metadata: { type: 'object' },
          outputs: { type: 'array' },
        },
      },
    },
  },
};

/** A JSON body of `schema`. */
export const json = (schema: BodySchema) => ({ 'application/json': schema });

/** A JSON `{error, message}` answer. */
export function errorResponse(description: string): ResponseSpec {
  return { description, content: json(brokerErrorSchema) };
}

/** What every operation that checks the caller's hub token may answer besides its own results. */
const AUTH_ERRORS: Readonly<Record<number, ResponseSpec>> = {
  401: errorResponse('No token, or the hub refused it: sign in again.'),
  403: errorResponse('The token does not grant access to this service, or the caller may not do this.'),
  503: errorResponse('The hub did not answer while the token was checked.'),
};

const QUERY_ERRORS: Readonly<Record<number, ResponseSpec>> = {
  400: errorResponse('A query parameter is missing or malformed; `message` says which and why.'),
  414: errorResponse('The query string is too long.'),
};

const teamQuery = z.object({
  user: requiredText('Name the teammate in the `user` parameter.', 256),
  path: z.optional(z.string().check(z.maxLength(1024, 'The path is longer than 1024 characters.'))),
});
const TEAM_EXAMPLES = { user: 'bob', path: 'analysis.ipynb' };
const SUPPORTED_EXAMPLES = { name: 'monthly-sales', version: '1.0.0' };

const nameParam = patternText(
  'Give the supported notebook’s name in `name`.',
  SUPPORTED_NAME_PATTERN,
  SUPPORTED_NAME_RULE,
);
const versionParam = patternText(
  'Give the version in `version`, as MAJOR.MINOR.PATCH.',
  VERSION_PATTERN,
  VERSION_RULE,
);
const SUPPORTED_QUERY_ERRORS = { name: 'invalid_name', version: 'invalid_version' };

function catalog(
  op: Omit<Operation, 'auth' | 'maxQueryLength' | 'responses'> & {
    responses: Readonly<Record<number, ResponseSpec>>;
  },
): Operation {
  return {
    ...op,
    auth: 'caller',
    maxQueryLength: MAX_QUERY_LENGTH_CATALOG,
    responses: { ...op.responses, ...QUERY_ERRORS, ...AUTH_ERRORS },
  };
}

const notFound = errorResponse('Nothing the caller may see is there.');

/** The catalog's operations: `me` and search, the team catalog, and the supported store. */
export const CATALOG_OPERATIONS: readonly Operation[] = [
  catalog({
    id: 'getMe',
    method: 'GET',
    path: CATALOG_ROUTES.me,
    tag: 'catalog',
    summary: 'Who the token belongs to, their groups, and whether they maintain the catalog',
    responses: { 200: { description: 'The caller.', content: json(meResponseSchema) } },
  }),
  catalog({
    id: 'getAuthoring',
    method: 'GET',
    path: CATALOG_ROUTES.authoring,
    tag: 'catalog',
    summary: "The team's header template and the environment variables whose values outputs never show",
    responses: {
      200: { description: 'The template and the names to redact.', content: json(authoringResponseSchema) },
      500: errorResponse('The operator’s template cannot be read or is not a notebook; `message` says why.'),
    },
  }),
  catalog({
    id: 'search',
    method: 'GET',
    path: CATALOG_ROUTES.search,
    tag: 'catalog',
    summary: 'Team and supported notebooks whose header or path holds every term of `q`',
    query: z.object({ q: requiredText('Give a search text in `q`.', 512) }),
    queryExamples: { q: 'sales' },
    responses: {
      200: { description: 'The hits, at most 500 team ones.', content: json(searchResponseSchema) },
    },
  }),
  catalog({
    id: 'listTeammates',
    method: 'GET',
    path: CATALOG_ROUTES.team,
    tag: 'team',
    summary: 'The teammates whose notebooks the caller may read, with how many',
    responses: { 200: { description: 'The teammates.', content: json(teamResponseSchema) } },
  }),
  catalog({
    id: 'listTeamFolder',
    method: 'GET',
    path: CATALOG_ROUTES.teamList,
    tag: 'team',
    summary: 'One folder of a teammate’s home: the notebooks the caller may read, and folders holding one',
    head: true,
    query: teamQuery,
    queryExamples: TEAM_EXAMPLES,
    queryErrors: { path: 'invalid_path' },
    responses: {
      200: { description: 'The folder.', content: json(directoryListingSchema) },
      404: notFound,
    },
  }),
  catalog({
    id: 'statTeamEntry',
    method: 'GET',
    path: CATALOG_ROUTES.teamStat,
    tag: 'team',
    summary: 'One notebook or folder of a teammate’s home',
    head: true,
    query: teamQuery,
    queryExamples: TEAM_EXAMPLES,
    queryErrors: { path: 'invalid_path' },
    responses: { 200: { description: 'The entry.', content: json(teamEntrySchema) }, 404: notFound },
  }),
  catalog({
    id: 'getTeamFile',
    method: 'GET',
    path: CATALOG_ROUTES.teamFile,
    tag: 'team',
    summary: 'A teammate’s notebook, byte for byte, if the caller’s unix account could read it',
    head: true,
    query: teamQuery,
    queryExamples: TEAM_EXAMPLES,
    queryErrors: { path: 'invalid_path' },
    responses: {
      200: {
        description: 'The notebook as it is on disk.',
        content: { [IPYNB_MEDIA_TYPE]: NOTEBOOK_JSON },
        headers: {
          [LAST_MODIFIED_HEADER]: {
            description: 'The file’s modification time, ISO 8601.',
            schema: { type: 'string' },
          },
        },
      },
      404: notFound,
      413: errorResponse('The notebook is larger than the catalog serves.'),
      422: errorResponse('The file is not a notebook the catalog can serve; `message` says why.'),
    },
  }),
  ...supportedReads(),
  ...supportedWrites(),
];

/** What every team member may read of the supported notebooks. */
function supportedReads(): Operation[] {
  const named = z.object({ name: nameParam });
  return [
    catalog({
      id: 'listSupported',
      method: 'GET',
      path: CATALOG_ROUTES.supported,
      tag: 'supported',
      summary: 'Every supported notebook with its current version',
      responses: { 200: { description: 'The notebooks.', content: json(supportedListResponseSchema) } },
    }),
    catalog({
      id: 'getSupportedVersions',
      method: 'GET',
      path: CATALOG_ROUTES.supportedVersions,
      tag: 'supported',
      summary: 'A supported notebook with all of its versions, newest first',
      query: named,
      queryExamples: SUPPORTED_EXAMPLES,
      queryErrors: SUPPORTED_QUERY_ERRORS,
      responses: {
        200: { description: 'The notebook.', content: json(supportedNotebookSchema) },
        404: notFound,
      },
    }),
    catalog({
      id: 'getSupportedFile',
      method: 'GET',
      path: CATALOG_ROUTES.supportedFile,
      tag: 'supported',
      summary: 'The bytes of a version (the current one when `version` is left out)',
      query: z.object({ name: nameParam, version: z.optional(versionParam) }),
      queryExamples: SUPPORTED_EXAMPLES,
      queryErrors: SUPPORTED_QUERY_ERRORS,
      responses: {
        200: {
          description: 'The notebook, outputs stripped.',
          content: { [IPYNB_MEDIA_TYPE]: NOTEBOOK_JSON },
        },
        404: notFound,
      },
    }),
  ];
}

/** What only maintainers may do to the supported notebooks, and the audit of it. */
function supportedWrites(): Operation[] {
  const version = z.object({ name: nameParam, version: versionParam });
  const maintainer = errorResponse('Only maintainers may do this.');
  return [
    catalog({
      id: 'publishSupported',
      method: 'PUT',
      path: CATALOG_ROUTES.publish,
      tag: 'supported',
      summary: 'Publishes a new version (maintainers); outputs are stripped on the server',
      query: version,
      queryExamples: SUPPORTED_EXAMPLES,
      queryErrors: SUPPORTED_QUERY_ERRORS,
      body: {
        description: 'The notebook (.ipynb).',
        required: true,
        content: { [IPYNB_MEDIA_TYPE]: NOTEBOOK_JSON, 'application/json': NOTEBOOK_JSON },
      },
      responses: {
        201: { description: 'The version, now current.', content: json(supportedVersionSchema) },
        403: maintainer,
        409: errorResponse('That version exists already, or is not greater than the newest.'),
        413: errorResponse('The notebook is larger than the catalog accepts.'),
      },
    }),
    catalog({
      id: 'rollbackSupported',
      method: 'POST',
      path: CATALOG_ROUTES.rollback,
      tag: 'supported',
      summary: 'Makes an older version current again (maintainers)',
      query: version,
      queryExamples: SUPPORTED_EXAMPLES,
      queryErrors: SUPPORTED_QUERY_ERRORS,
      responses: {
        200: {
          description: 'The notebook, with `currentVersion` moved.',
          content: json(supportedNotebookSchema),
        },
        403: maintainer,
        404: notFound,
        409: errorResponse('That version is current already, or newer than the current one.'),
      },
    }),
    catalog({
      id: 'getSupportedAudit',
      method: 'GET',
      path: CATALOG_ROUTES.audit,
      tag: 'supported',
      summary: 'Publishes and rollbacks, newest first, of one notebook or all',
      query: z.object({ name: z.optional(nameParam) }),
      queryExamples: SUPPORTED_EXAMPLES,
      queryErrors: SUPPORTED_QUERY_ERRORS,
      responses: { 200: { description: 'The events.', content: json(auditResponseSchema) }, 404: notFound },
    }),
  ];
}
