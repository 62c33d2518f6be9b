// The hub URLs tests use, made the one way the product makes them (checkHubUrl), once for every tier.
import { checkHubUrl, type HubUrl } from '../../src/core/auth/hubUrl';

/** A checked hub URL; throws for one checkHubUrl refuses, so a test never runs on a bad constant. */
export function hubUrl(raw: string): HubUrl {
  const check = checkHubUrl(raw);
  if (!check.ok) throw new Error(`test hub URL ${raw}: ${check.reason}`);
  return check.url;
}

/** The hub of unit tests' fakes: nothing listens there, and fakes answer for it. */
export const EXAMPLE_HUB = hubUrl('https://hub.example.org/');

/** A second hub, for tests about several signed-in hubs. */
export const OTHER_HUB = hubUrl('https://other.example.org/');

/** The hub of the file system and kernel fixtures' fakes. */
export const TEST_HUB = hubUrl('https://hub.test/');
