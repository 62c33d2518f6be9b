/**
 * The one SecretStorage key all sessions live under, so `secrets.onDidChange` has one key to watch. A module of
 * its own, free of imports, because the activation bundle checks for a stored session before anything loads.
 */
export const SESSIONS_SECRET_KEY = 'hubNotebooks.sessions';
