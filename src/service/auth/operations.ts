import * as z from 'zod/mini';
import { PKCE_CHALLENGE_PATTERN, PKCE_VERIFIER_PATTERN } from '../../core/auth/pkce';
import {
  AUTH_ROUTES,
  CLIENT_STATE_PATTERN,
  MAX_QUERY_LENGTH,
  MAX_REDIRECT_URI_LENGTH,
  brokerErrorSchema,
  tokenGrantSchema,
} from '../../core/auth/schemas';
import type { JsonSchema, Operation, ResponseSpec } from '../api/operation';

/** The sign-in broker's operations; see broker.ts for what each does and why. */

const HTML: JsonSchema = { type: 'string' };

const page = (description: string): ResponseSpec => ({ description, content: { 'text/html': HTML } });

const jsonError = (description: string): ResponseSpec => ({
  description,
  content: { 'application/json': brokerErrorSchema },
});

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds until this client may try again.', schema: { type: 'integer' } },
};

/** The body of `POST auth/token`, as a form (what browsers and OAuth clients send) or JSON. */
export const tokenRequestSchema = z.object({
  code: z.string({ error: 'code is required.' }).check(z.minLength(1, 'code is required.'), z.maxLength(256)),
  code_verifier: z
    .string({ error: 'code_verifier is required.' })
    .check(
      z.minLength(1, 'code_verifier is required.'),
      z.regex(PKCE_VERIFIER_PATTERN, 'code_verifier is malformed.'),
    ),
});

/**
 * The body of `POST auth/revoke`: the token's id. 3.0 hubs cannot tell the service which token is calling, so
 * the id is required everywhere (the extension always sends it); on 5.x it must be the calling token's own.
 */
export const revokeRequestSchema = z.object({
  token_id: z
    .string({ error: 'token_id is required.' })
    .check(z.minLength(1, 'token_id is required.'), z.maxLength(64, 'token_id is too long.')),
});

export const AUTH_OPERATIONS: readonly Operation[] = [
  {
    id: 'startSignIn',
    method: 'GET',
    path: AUTH_ROUTES.start,
    tag: 'sign-in',
    summary: 'Starts a browser sign-in: checks the editor’s PKCE request and sends the browser to the hub',
    auth: 'none',
    maxQueryLength: MAX_QUERY_LENGTH,
    errorsAsPages: true,
    queryErrors: { redirect_uri: 'invalid_redirect_uri' },
    query: z.object({
      code_challenge: z
        .string({ error: 'code_challenge is missing or malformed.' })
        .check(z.regex(PKCE_CHALLENGE_PATTERN, 'code_challenge is missing or malformed.')),
      code_challenge_method: z.literal('S256', { error: 'code_challenge_method must be S256.' }),
      state: z
        .string({ error: 'state is missing or malformed.' })
        .check(z.regex(CLIENT_STATE_PATTERN, 'state is missing or malformed.')),
      redirect_uri: z
        .string({ error: 'redirect_uri is missing.' })
        .check(
          z.maxLength(MAX_REDIRECT_URI_LENGTH, 'redirect_uri is too long.'),
          z.regex(/^[\x21-\x7e]+$/, 'redirect_uri must be an ASCII URI.'),
        ),
    }),
    responses: {
      302: {
        description: 'To the hub’s authorize endpoint.',
        headers: { Location: { description: 'The hub’s authorize URL.', schema: { type: 'string' } } },
      },
      400: page('The request is malformed or its redirect URI is not allowed; the page says which.'),
      414: page('The query string is too long.'),
      429: {
        ...page('Too many sign-ins from this client; the page says when to try again.'),
        headers: RETRY_AFTER,
      },
      503: page('Too many sign-ins are waiting at once; try again in a few minutes.'),
    },
  },
  {
    id: 'finishSignIn',
    method: 'GET',
    path: AUTH_ROUTES.callback,
    tag: 'sign-in',
    summary: 'Where the hub returns the browser: exchanges the code, mints the editor’s token, hands off',
    auth: 'none',
    maxQueryLength: MAX_QUERY_LENGTH,
    errorsAsPages: true,
    queryErrors: { state: 'missing_state' },
    query: z.object({
      state: z
        .string({ error: 'This response has no sign-in state. Start the sign-in again from VS Code.' })
        .check(z.maxLength(512, 'This sign-in state is malformed. Start the sign-in again from VS Code.')),
      code: z.optional(z.string().check(z.maxLength(1024))),
      error: z.optional(z.string().check(z.maxLength(1024))),
    }),
    responses: {
      200: page('A page that returns the browser to the editor with a handoff code or an error.'),
      400: page('The state is unknown or expired; the page says to sign in again.'),
      414: page('The query string is too long.'),
    },
  },
  {
    id: 'redeemHandoff',
    method: 'POST',
    path: AUTH_ROUTES.token,
    tag: 'sign-in',
    summary: 'Redeems a handoff code, once, with the PKCE verifier, for the editor’s hub token',
    auth: 'none',
    maxQueryLength: MAX_QUERY_LENGTH,
    body: {
      description: 'The handoff code and the PKCE verifier.',
      required: true,
      content: {
        'application/x-www-form-urlencoded': tokenRequestSchema,
        'application/json': tokenRequestSchema,
      },
    },
    responses: {
      200: { description: 'The token.', content: { 'application/json': tokenGrantSchema } },
      400: jsonError('The code is unknown, expired, used or does not match the verifier.'),
      413: jsonError('The body is too large.'),
      414: jsonError('The query string is too long.'),
      429: { ...jsonError('Too many attempts from this client.'), headers: RETRY_AFTER },
    },
  },
  {
    id: 'revokeToken',
    method: 'POST',
    path: AUTH_ROUTES.revoke,
    tag: 'sign-in',
    summary: 'Revokes the calling token at the hub (sign-out)',
    auth: 'bearer',
    maxQueryLength: MAX_QUERY_LENGTH,
    body: {
      description: 'The id of the token (`token_id` of the grant).',
      required: true,
      content: {
        'application/json': revokeRequestSchema,
        'application/x-www-form-urlencoded': revokeRequestSchema,
      },
    },
    responses: {
      204: { description: 'Revoked.' },
      400: jsonError('token_id is missing, or the body is malformed.'),
      401: jsonError('No token, or the hub no longer accepts it.'),
      403: jsonError('token_id names another token, or one this service did not issue.'),
      413: jsonError('The body is too large.'),
      414: jsonError('The query string is too long.'),
      503: jsonError('The hub did not answer.'),
    },
  },
];
