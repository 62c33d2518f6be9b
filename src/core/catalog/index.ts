export { createCatalogClient, type CatalogClientOptions } from './catalogClient';
export * from './errors';
export type { CatalogApi, CatalogFile } from './types';
