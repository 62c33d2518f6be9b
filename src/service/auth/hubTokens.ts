import { HubNotFoundError } from '../../core/hub/errors';
import { HubClient } from '../../core/hub/hubClient';
import type { Logger } from '../../core/logger';
import { hubBaseFromApiUrl, type ServiceConfig } from '../config';

/** The note on every token the service mints, so users recognise them on the hub's token page. */
export const TOKEN_NOTE_PREFIX = 'Hub Notebooks (VS Code)';

/** A token minted for one sign-in. */
export interface MintedToken {
  user: string;
  token: string;
  tokenId: string;
  expiresAt: string | null;
  scopes: string[];
}

/**
 * The hub API calls the sign-in broker makes. With the user's short-lived OAuth token: who is this, mint
 * the extension's own narrow, expiring token, then delete the OAuth token. With the service's token: revoke
 * a minted token (a second redemption, an unredeemed handoff, a sign-out).
 */
export class HubTokens {
  private readonly service: HubClient;
  private readonly base: string;

  constructor(
    private readonly config: ServiceConfig,
    private readonly log: Logger,
  ) {
    this.base = hubBaseFromApiUrl(config.hubApiUrl);
    this.service = this.clientFor(config.apiToken);
  }

  /** A hub client that sends the given token. */
  clientFor(token: string): HubClient {
    return new HubClient({ baseUrl: this.base, getToken: () => token, timeoutMs: 10_000 });
  }

  /** Turns the OAuth token into the extension's token, and deletes the OAuth token. */
  async mintForSignIn(oauthToken: string): Promise<MintedToken> {
    const asUser = this.clientFor(oauthToken);
    const me = await asUser.getCurrentUser();
    const created = await asUser.createToken(me.name, {
      note: `${TOKEN_NOTE_PREFIX}, signed in ${new Date().toISOString().slice(0, 16)}Z`,
      expiresInSeconds: this.config.oauth.tokenExpiresInSeconds,
      scopes: this.config.oauth.tokenScopes,
    });
    await this.dropOAuthToken(asUser, me.name, me.token_id ?? null);
    return {
      user: me.name,
      token: created.token,
      tokenId: created.id,
      expiresAt: created.expires_at ?? null,
      scopes: created.scopes ?? this.config.oauth.tokenScopes,
    };
  }

  /** Deletes a minted token with the service's own `tokens` scope. A token already gone counts as done. */
  async revoke(user: string, tokenId: string): Promise<void> {
    try {
      await this.service.revokeToken(user, tokenId);
    } catch (err) {
      if (err instanceof HubNotFoundError) return;
      throw err;
    }
  }

  /** True when the token with this id is one the service minted (3.0 cannot say which token is calling). */
  async isMinted(user: string, tokenId: string): Promise<boolean> {
    const tokens = await this.service.listTokens(user);
    return tokens.some((t) => t.id === tokenId && (t.note ?? '').startsWith(TOKEN_NOTE_PREFIX));
  }

  /**
   * The OAuth token was only a means to mint; left alone it would live for the hub's OAuth lifetime (14 days
   * by default) with the right to mint more. 5.x names it (`token_id`); on 3.0 it is found by its client.
   * Deleting one OAuth token deletes all of this user's tokens from this client, which are only ever these
   * short-lived intermediates.
   */
  private async dropOAuthToken(asUser: HubClient, user: string, tokenId: string | null): Promise<void> {
    try {
      if (tokenId) {
        await asUser.revokeToken(user, tokenId);
        return;
      }
      const ours = (await asUser.listTokens(user)).filter((t) => this.isOurOAuthClient(t.oauth_client));
      for (const token of ours) await asUser.revokeToken(user, token.id);
    } catch (err) {
      this.log.warn(`could not delete the intermediate OAuth token of ${user}: ${String(err)}`);
    }
  }

  /** 3.0 names a token's client by its description, `JupyterHub service <name>`; newer hubs may use the id. */
  private isOurOAuthClient(client: string | null | undefined): boolean {
    const { name, oauth } = this.config;
    return (
      typeof client === 'string' &&
      [oauth.clientId, name, `JupyterHub service ${name}`, `Service ${name}`].includes(client)
    );
  }
}
