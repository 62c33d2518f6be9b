import type { Logger } from '../../core/logger';
import type { ApiRoutes } from '../api/routes';
import type { ServiceConfig } from '../config';
import { supportedRoutesFor } from './routes';

export { SupportedRoutes, supportedRoutesFor, type SupportedRoutesOptions } from './routes';
export { CATALOG_DB_FILE, SupportedStore, SupportedStoreError, type PublishInput } from './store';

/** The supported catalog's routes over the store in `config.catalog.dataDir`. */
export function createSupportedRoutes(config: ServiceConfig, log: Logger): ApiRoutes {
  return supportedRoutesFor(config.catalog.dataDir, config.catalog.maintainerGroups, log);
}
