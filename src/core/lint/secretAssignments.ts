/**
 * The `secret-assignment` rule's judgement: which assigned names hold secrets, and which values assigned to
 * them are real. Names are read as words (`db_password`, `GITHUB_TOKEN`, `apiKey`, `self.client_secret`), so
 * `author` is not `auth` and `token_url` is a URL, not a token: the secret word must be the name's last.
 */

import { isPlaceholder } from './secretValues';

/** How sure a name is to hold a secret: any real value of a `password` is one; a `token` may be a word. */
export type NameStrength = 'strong' | 'weak';

/** The strength of an assigned name (its last segment, `self.db_password` → `db_password`), if secret. */
export function secretName(target: string): NameStrength | undefined {
  const words = nameWords(target);
  const last = words[words.length - 1] ?? '';
  const previous = words[words.length - 2] ?? '';
  if (
    STRONG.has(last) ||
    /(?:password|passwd|passphrase|apikey|secretkey|accesskey|privatekey)$/.test(last)
  ) {
    return 'strong';
  }
  if (last === 'key' && KEY_QUALIFIERS.has(previous)) return 'strong';
  if (last === 'secret' || (last === 'token' && previous === 'api')) return 'strong';
  if (/token$/.test(last) || last === 'auth' || last === 'pwd') return 'weak';
  return undefined;
}

/** The last segment of a target, as lower-case words: `self.dbPassword` → `db`, `password`. */
export function nameWords(target: string): string[] {
  const segment =
    target
      .split(/\.|::|\$|@|->/)
      .filter(Boolean)
      .pop() ?? target;
  return segment
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const STRONG = new Set([
  'password',
  'passwd',
  'passphrase',
  'credentials',
  'credential',
  'creds',
  'apikey',
  'clientsecret',
  'authtoken',
  'accesstoken',
  'apitoken',
]);

const KEY_QUALIFIERS = new Set([
  'api',
  'access',
  'secret',
  'private',
  'account',
  'master',
  'signing',
  'encryption',
  'storage',
  'subscription',
  'client',
  'app',
]);

/**
 * True when `value`, assigned to a name of the given strength, is a secret. Not one: placeholders (see
 * isPlaceholder), values built at run time, paths and URLs without credentials (`credentials =
 * "creds.json"`), the name of an environment variable (`token = "GITHUB_TOKEN"`), the name itself, and
 * prose. A weak name's value must also look generated (letters and digits, eight characters or more), so
 * that a tokenizer's `token = "hello"` is no finding.
 */
export function secretValue(value: string, strength: NameStrength, target: string): boolean {
  const v = value.trim();
  if (v.length < 4 || isPlaceholder(v)) return false;
  if (/^(?:~|\.{1,2})?[/\\]|^[A-Za-z]:\\/.test(v)) return false;
  if (/\.(?:json|ya?ml|txt|pem|key|p12|pfx|crt|cer|ini|cfg|conf|env|toml|csv|pickle|pkl)$/i.test(v))
    return false;
  if (/^[a-z][a-z0-9+.-]*:\/\/[^@\s]*$/i.test(v)) return false;
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(v)) return false;
  if (squash(v) === squash(target.split(/\.|::|\$|@|->/).pop() ?? target)) return false;
  if ((v.match(/\s+/g) ?? []).length >= 2 || /%\(?\w*\)?[sd]|\{\}/.test(v)) return false;
  if (strength === 'weak') return v.length >= 8 && !/\s/.test(v) && /[0-9]/.test(v) && /[A-Za-z]/.test(v);
  return true;
}

function squash(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}
