// Free of imports: the activation bundle registers the provider under these before the rest loads.

/** The id of the extension's authentication provider (package.json `contributes.authentication`). */
export const AUTH_PROVIDER_ID = 'hub-notebooks';

/** The provider's name in the Accounts menu. */
export const AUTH_PROVIDER_LABEL = 'Hub Notebooks';
