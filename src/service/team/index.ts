import { createHubTransport } from '../../core/hub';
import { taggedLogger, type Logger } from '../../core/logger';
import type { ApiRoutes } from '../api/routes';
import { hubBaseFromApiUrl, type ServiceConfig } from '../config';
import { TeamRoutes, type TeamDeps } from './routes';
import { TeamIndex } from './teamIndex';
import { TeamDirectory } from './teammates';
import { UnixIdentities } from './unixIdentity';

export { TeamRoutes, type TeamDeps } from './routes';

/** The team catalog: teammates' notebooks read from their homes on the shared filesystem. */
export function createTeamRoutes(
  config: ServiceConfig,
  log: Logger,
  overrides: Partial<TeamDeps> = {},
): ApiRoutes {
  const teamLog = taggedLogger(log, 'team');
  const hub = createHubTransport({
    baseUrl: hubBaseFromApiUrl(config.hubApiUrl),
    // The service's own token: it may list groups and their members, which a user's token may not.
    getToken: () => config.apiToken,
    timeoutMs: 10_000,
  });
  return new TeamRoutes({
    identities: overrides.identities ?? new UnixIdentities(teamLog),
    // Group changes show up as fast as a re-checked token does.
    directory:
      overrides.directory ?? new TeamDirectory(hub, config.catalog.teamGroups, config.catalog.authCacheMs),
    index: overrides.index ?? new TeamIndex({ maxAgeMs: config.catalog.indexMaxAgeMs, log: teamLog }),
    homeTemplate: overrides.homeTemplate ?? config.catalog.homeTemplate,
    log: overrides.log ?? teamLog,
  });
}
