import * as z from 'zod/mini';
import { MAX_QUERY_LENGTH } from '../core/auth/schemas';
import { CATALOG_OPERATIONS, json } from './api/catalogOperations';
import type { Operation } from './api/operation';
import { AUTH_OPERATIONS } from './auth/operations';

/**
 * Every operation of the service's API, in the order the OpenAPI document lists them: the service's own
 * (health, the document), the sign-in broker's (auth/operations.ts) and the catalog's
 * (api/catalogOperations.ts). The router routes these and nothing else.
 */

/** `GET {prefix}health`'s answer. */
export const healthReportSchema = z.object({
  status: z.literal('ok'),
  service: z.string(),
  version: z.string(),
});
export type HealthReport = z.infer<typeof healthReportSchema>;

/** `GET {prefix}openapi.json`: this API's OpenAPI document. */
export const OPENAPI_PATH = 'openapi.json';

const SERVICE_OPERATIONS: readonly Operation[] = [
  {
    id: 'getHealth',
    method: 'GET',
    path: 'health',
    tag: 'service',
    summary: 'Whether the service is up, and its version',
    auth: 'none',
    head: true,
    maxQueryLength: MAX_QUERY_LENGTH,
    responses: {
      200: { description: 'Up.', content: json(healthReportSchema) },
    },
  },
  {
    id: 'getOpenApi',
    method: 'GET',
    path: OPENAPI_PATH,
    tag: 'service',
    summary: 'This document',
    auth: 'none',
    maxQueryLength: MAX_QUERY_LENGTH,
    responses: {
      200: { description: 'The OpenAPI 3.1 document.', content: json({ type: 'object' }) },
    },
  },
];

/** The whole API, in the order the document lists it. */
export const OPERATIONS: readonly Operation[] = [
  ...SERVICE_OPERATIONS,
  ...AUTH_OPERATIONS,
  ...CATALOG_OPERATIONS,
];
