import {
  SUPPORTED_NAME_PATTERN,
  SUPPORTED_NAME_RULE,
  VERSION_PATTERN,
  VERSION_RULE,
} from '../catalog/schemas';
import { CoreError } from '../errors';
import { MAX_NAME_BYTES, checkRelativePath, type PathRejection } from './relativePath';
import type { HubnbLocation } from './types';

/**
 * Parsing and formatting of hubnb URI paths (the contract is in `uris.ts`). Both work on the path component as
 * VS Code hands it over, already percent-decoded once, with its leading `/`; anything that still looks encoded
 * is refused by checkRelativePath, so no later decoder can turn it into `..`.
 */

/** Why a hubnb URI was refused: a path rule from checkRelativePath, or one of the URI's own rules. */
export type HubnbUriRejection =
  | PathRejection['reason']
  | 'not-absolute'
  | 'unknown-area'
  | 'invalid-user'
  | 'invalid-name'
  | 'invalid-version'
  | 'not-a-notebook'
  | 'too-deep'
  | 'unknown-hub'
  | 'ambiguous-hub';

/** A hubnb URI that names nothing the extension may open; `message` is a sentence for the user. */
export class HubnbUriError extends CoreError {
  readonly kind = 'invalid-uri';

  constructor(
    readonly reason: HubnbUriRejection,
    message: string,
  ) {
    super(message);
  }
}

/** The file extension every supported-notebook version is opened under. */
const NOTEBOOK_SUFFIX = '.ipynb';
// Hub user names that can also be a folder name: no `/`, no leading dot, nothing a shell or URL treats
// specially. JupyterHub names outside this set (rare in practice) cannot be addressed by a hubnb URI.
const SAFE_USER = /^[A-Za-z0-9_@-][A-Za-z0-9._@-]*$/;

/**
 * Parses the path of a `hubnb://<hub>/...` URI into the location it names, or throws HubnbUriError saying
 * which rule it breaks. `''` and `/` are the root; a trailing `/` is refused anywhere else.
 */
export function parseHubnbPath(path: string): HubnbLocation {
  if (path === '' || path === '/') return { area: 'root' };
  if (!path.startsWith('/')) {
    throw new HubnbUriError('not-absolute', 'A hubnb URI path starts with `/me`, `/team` or `/supported`.');
  }
  if (path.endsWith('/')) throw pathError(checkRelativePath(path.slice(1)));
  const slash = path.indexOf('/', 1);
  const area = slash < 0 ? path.slice(1) : path.slice(1, slash);
  const rest = slash < 0 ? undefined : path.slice(slash + 1);
  switch (area) {
    case 'me':
      return { area: 'me', path: relative(rest ?? '') };
    case 'team':
      return rest === undefined ? { area: 'team-root' } : parseTeam(rest);
    case 'supported':
      return rest === undefined ? { area: 'supported-root' } : parseSupported(rest);
    default:
      throw new HubnbUriError(
        'unknown-area',
        'A hubnb URI path starts with `/me`, `/team` or `/supported`; this one starts with something else.',
      );
  }
}

/** The path of the hubnb URI for a location; throws HubnbUriError when a part of it breaks a rule. */
export function formatHubnbPath(location: HubnbLocation): string {
  switch (location.area) {
    case 'root':
      return '/';
    case 'me':
      return joinUnder('/me', relative(location.path));
    case 'team-root':
      return '/team';
    case 'team':
      return joinUnder(`/team/${userName(location.user)}`, relative(location.path));
    case 'supported-root':
      return '/supported';
    case 'supported-notebook':
      return `/supported/${notebookName(location.name)}`;
    case 'supported-version':
      return `/supported/${notebookName(location.name)}/${version(location.version)}`;
    case 'supported': {
      const name = notebookName(location.name);
      return `/supported/${name}/${version(location.version)}/${name}${NOTEBOOK_SUFFIX}`;
    }
  }
}

/** The authority hubnb URIs use for a hub: its host and port as in its URL, in lower case. */
export function hubAuthority(hubUrl: string): string {
  return new URL(hubUrl).host.toLowerCase();
}

/**
 * Which of the configured hub URLs a hubnb authority means. Undefined when none does; HubnbUriError when two
 * hubs share a host and port under different path prefixes, since the URI cannot tell them apart.
 */
export function hubUrlForAuthority<Url extends string>(
  authority: string,
  hubUrls: readonly Url[],
): Url | undefined {
  const wanted = authority.toLowerCase();
  const matches = hubUrls.filter((url) => {
    try {
      return hubAuthority(url) === wanted;
    } catch {
      return false; // An invalid entry in the settings names no hub; the settings reader warns about it.
    }
  });
  if (matches.length > 1) {
    throw new HubnbUriError(
      'ambiguous-hub',
      `Several configured hubs live at ${wanted}; hubnb URIs can only tell hubs apart by host and port.`,
    );
  }
  return matches[0];
}

function parseTeam(rest: string): HubnbLocation {
  const slash = rest.indexOf('/');
  const user = userName(slash < 0 ? rest : rest.slice(0, slash));
  return { area: 'team', user, path: slash < 0 ? '' : relative(rest.slice(slash + 1)) };
}

function parseSupported(rest: string): HubnbLocation {
  const parts = rest.split('/');
  const name = notebookName(parts[0] ?? '');
  const second = parts[1];
  if (second === undefined) return { area: 'supported-notebook', name };
  if (parts.length > 3) {
    throw new HubnbUriError(
      'too-deep',
      `A supported notebook is opened as \`/supported/<name>/<version>/<name>${NOTEBOOK_SUFFIX}\`; there are no folders below it.`,
    );
  }
  const file = parts[2];
  if (file === undefined) {
    // `<version>.ipynb` is the earlier shape of a version's file; anything else is the version's folder.
    if (!second.endsWith(NOTEBOOK_SUFFIX))
      return { area: 'supported-version', name, version: version(second) };
    return { area: 'supported', name, version: version(second.slice(0, -NOTEBOOK_SUFFIX.length)) };
  }
  const ver = version(second);
  if (file !== `${name}${NOTEBOOK_SUFFIX}`) {
    throw new HubnbUriError(
      'not-a-notebook',
      `A supported notebook version's one file is named after the notebook: \`${name}${NOTEBOOK_SUFFIX}\`.`,
    );
  }
  return { area: 'supported', name, version: ver };
}

function relative(path: string): string {
  const check = checkRelativePath(path);
  if (!check.ok) throw pathError(check);
  return check.path;
}

function pathError(check: ReturnType<typeof checkRelativePath>): HubnbUriError {
  // Only reached for a path that failed the check; the fallback keeps the types honest.
  return check.ok
    ? new HubnbUriError('empty-segment', 'The path has an empty folder name.')
    : new HubnbUriError(check.reason, check.message);
}

function userName(user: string): string {
  if (!SAFE_USER.test(user) || Buffer.byteLength(user, 'utf8') > MAX_NAME_BYTES) {
    throw new HubnbUriError(
      'invalid-user',
      'A hub user name in a hubnb URI is made of letters, digits, `-`, `_`, `.` and `@`, and does not start with `.`.',
    );
  }
  return user;
}

function notebookName(name: string): string {
  if (!SUPPORTED_NAME_PATTERN.test(name)) {
    throw new HubnbUriError('invalid-name', SUPPORTED_NAME_RULE);
  }
  return name;
}

function version(value: string): string {
  if (value !== 'current' && !VERSION_PATTERN.test(value)) {
    throw new HubnbUriError(
      'invalid-version',
      `Name a version as \`current\` or MAJOR.MINOR.PATCH. ${VERSION_RULE}`,
    );
  }
  return value;
}

function joinUnder(prefix: string, path: string): string {
  return path === '' ? prefix : `${prefix}/${path}`;
}
