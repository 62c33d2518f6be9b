import type { Logger } from '../../core/logger';
import type { ApiRoutes } from '../api/routes';
import type { ServiceConfig } from '../config';

/** Placeholder until the supported catalog lands: owns no route and finds nothing. */
export function createSupportedRoutes(_config: ServiceConfig, _log: Logger): ApiRoutes {
  return { handle: () => Promise.resolve(false), search: () => Promise.resolve([]), close: () => undefined };
}
