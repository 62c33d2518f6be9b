import { CoreError } from '../errors';
import { MAX_NOTEBOOK_BYTES, type CatalogErrorCode } from './schemas';

/**
 * The codes a CatalogError carries: the service's own (schemas.ts, plus `invalid_request` and `server_error`
 * from its HTTP layer), and `service_missing` when the hub has no hub-notebooks service at the configured path.
 * A code this client does not know is kept as the service sent it.
 */
export type CatalogClientErrorCode =
  CatalogErrorCode | 'invalid_request' | 'server_error' | 'service_missing' | (string & {});

/**
 * An error from the hub-notebooks service: its `{error, message}` body, with the message verbatim and a way
 * forward after it. Refusals of bad input made before sending carry no status. 401s, and 403s without such a
 * body, are HubAuthError instead (the token is the problem, so the user signs in again).
 */
export class CatalogError extends CoreError {
  /** The kind its code stands for, in the core's common kinds; 'catalog' for the rest. */
  readonly kind: CatalogErrorKind;

  constructor(
    readonly code: CatalogClientErrorCode,
    /** The service's own message, or this client's when it refused the input itself. */
    readonly serviceMessage: string,
    readonly status: number | undefined,
    readonly url: string | undefined,
  ) {
    super(withWayForward(code, serviceMessage));
    this.kind = KIND_OF_CODE[code] ?? 'catalog';
  }
}

/** What a CatalogError can be, in the core's common kinds where one fits. */
export type CatalogErrorKind =
  | 'not-found'
  | 'invalid-path'
  | 'permission'
  | 'auth'
  | 'conflict'
  | 'unavailable'
  | 'service-missing'
  | 'catalog';

const KIND_OF_CODE: Partial<Record<string, CatalogErrorKind>> = {
  not_found: 'not-found',
  invalid_path: 'invalid-path',
  invalid_name: 'invalid-path',
  invalid_version: 'invalid-path',
  forbidden: 'permission',
  unauthorized: 'auth',
  conflict: 'conflict',
  hub_unavailable: 'unavailable',
  service_missing: 'service-missing',
};

const MB = Math.round(MAX_NOTEBOOK_BYTES / (1024 * 1024));

const WAY_FORWARD: Partial<Record<string, string>> = {
  forbidden: 'If you should have access, ask a hub admin to add you to the right group.',
  not_found: 'It may have been moved, renamed or deleted: refresh the view.',
  conflict: 'Someone else changed it at the same time: refresh, then try again.',
  invalid_path: 'Check the path: it must stay inside the folder, without `..`, hidden names or `~`.',
  invalid_name: 'Supported notebook names are lower-case letters, digits, `-`, `_` and `.`.',
  invalid_version: 'Versions are MAJOR.MINOR.PATCH in digits, each greater than the last published one.',
  invalid_notebook: 'Open it in JupyterLab on the hub to repair it.',
  too_large: `Notebooks larger than ${MB} MB are not served by the catalog; open it in JupyterLab on the hub.`,
  hub_unavailable: 'Try again in a minute.',
  server_error: "The hub-notebooks service failed; its log on the hub says why. Tell the hub's operator.",
  service_missing:
    'Ask the hub\'s operator to install it (see "For operators" in the Hub Notebooks docs, docs/operators.md), ' +
    'or check the hubNotebooks.servicePath setting.',
};

function withWayForward(code: string, message: string): string {
  const next = WAY_FORWARD[code];
  const sentence = /[.!?]$/.test(message) ? message : `${message}.`;
  return next ? `${sentence} ${next}` : sentence;
}
