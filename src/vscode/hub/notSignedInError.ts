import type { HubUrl } from '../../core/auth';

/**
 * A hubnb URI or an operation named a hub the user is not signed in to. `hubUrl` is undefined when the URI's
 * authority matches none of the configured or signed-in hubs.
 */
export class NotSignedInError extends Error {
  constructor(
    readonly authority: string,
    readonly hubUrl: HubUrl | undefined,
  ) {
    super(
      hubUrl
        ? `You are not signed in to ${authority}. Sign in to Hub Notebooks on that hub to open its notebooks.`
        : `${authority} is not one of your hubs. Add its URL to the hubNotebooks.hubs setting and sign in to open its notebooks.`,
    );
    this.name = 'NotSignedInError';
  }
}
