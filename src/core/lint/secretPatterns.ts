/**
 * The token shapes the secret lint finds with its own regular expressions: those secretlint's recommended
 * preset (see secretScan.ts) has no rule for, such as Google API keys, Azure connection strings, Stripe keys,
 * PyPI tokens, JWTs and connection URLs of any scheme with a password in them, and the few its rules miss
 * (Slack app-level tokens, SendGrid keys with a `-`, short EC keys). Every quantifier is bounded, so a long
 * output cannot make an expression backtrack for long.
 */

import { isPlaceholder, isDocumentationHost } from './secretValues';

/** What a secret is, in words for a message ("a GitHub personal access token"), and where it should live. */
export interface SecretKind {
  /** With its article, lower case: "an AWS secret access key". */
  label: string;
  /** The environment variable to read it from when no assigned name suggests a better one. */
  env: string;
}

/** One shape: a global regular expression whose group `v`, or else the whole match, is the secret. */
export interface SecretPattern {
  re: RegExp;
  kind: SecretKind | ((match: RegExpExecArray) => SecretKind);
  /** Rejects a match that has the shape but is not a secret (a placeholder, a documentation host). */
  check?: (value: string, match: RegExpExecArray, text: string) => boolean;
  /** The match is a URL, which ends before a quote or a blank and before prose's closing punctuation. */
  url?: true;
}

// Word boundaries that also treat `-` and `_` as part of a token, so that a shape is not found in the middle
// of a longer identifier or base64 run.
const B = '(?<![A-Za-z0-9_-])';
const E = '(?![A-Za-z0-9_-])';

const kind = (label: string, env: string): SecretKind => ({ label, env });

/**
 * The own shapes. Where two hits overlap, the scanner keeps the one that starts first, then the longer, then
 * secretlint's, then the one listed first here: so the specific shapes come before the generic ones below.
 */
export const OWN_PATTERNS: readonly SecretPattern[] = [
  { re: new RegExp(`${B}AIza[0-9A-Za-z_-]{35}${E}`, 'g'), kind: kind('a Google API key', 'GOOGLE_API_KEY') },
  {
    re: new RegExp(`${B}GOCSPX-[A-Za-z0-9_-]{28}${E}`, 'g'),
    kind: kind('a Google OAuth client secret', 'GOOGLE_CLIENT_SECRET'),
  },
  {
    re: new RegExp(`${B}ya29\\.[0-9A-Za-z_-]{30,400}${E}`, 'g'),
    kind: kind('a Google OAuth access token', 'GOOGLE_ACCESS_TOKEN'),
  },
  {
    // The whole connection string is the secret, so that a literal holding only it can be replaced.
    re: /DefaultEndpointsProtocol=https?;(?:[A-Za-z]{1,40}=[^;\s"'`]{0,200};){0,6}AccountKey=[A-Za-z0-9+/]{86}==(?:;[A-Za-z]{1,40}=[^;\s"'`]{0,200}){0,6};?/g,
    kind: kind('an Azure storage connection string', 'AZURE_STORAGE_CONNECTION_STRING'),
  },
  {
    re: /Endpoint=sb:\/\/[^;\s"'`]{1,200};SharedAccessKeyName=[^;\s"'`]{1,200};SharedAccessKey=[A-Za-z0-9+/]{43}=(?:;EntityPath=[^;\s"'`]{1,200})?/g,
    kind: kind('an Azure Service Bus connection string', 'AZURE_SERVICEBUS_CONNECTION_STRING'),
  },
  {
    re: /[?&]sv=\d{4}-\d{2}-\d{2}[^\s"'`]{0,400}?[?&]sig=(?<v>[A-Za-z0-9%+/=]{30,200})/g,
    kind: kind('an Azure shared access signature', 'AZURE_SAS_TOKEN'),
  },
  {
    re: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g,
    kind: kind('an Azure AD client secret', 'AZURE_CLIENT_SECRET'),
  },
  {
    // secretlint's Slack rule takes at most 40 characters a part, and app-level tokens end in 64.
    re: new RegExp(`${B}xapp-\\d-[A-Z0-9]{9,12}-\\d{10,14}-[a-f0-9]{64}${E}`, 'g'),
    kind: kind('a Slack app-level token', 'SLACK_APP_TOKEN'),
  },
  {
    // secretlint's SendGrid rule takes no `-` in the key's middle part, which base64url keys may hold.
    re: new RegExp(`${B}SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}${E}`, 'g'),
    kind: kind('a SendGrid API key', 'SENDGRID_API_KEY'),
  },
  {
    re: new RegExp(`${B}(?:sk|rk)_(?:live|test)_[0-9a-zA-Z]{24,99}${E}`, 'g'),
    kind: (m) => (m[0].startsWith('rk') ? kind('a Stripe restricted key', 'STRIPE_API_KEY') : stripeSecret),
  },
  {
    re: new RegExp(`${B}whsec_[A-Za-z0-9]{32,64}${E}`, 'g'),
    kind: kind('a Stripe webhook signing secret', 'STRIPE_WEBHOOK_SECRET'),
  },
  { re: new RegExp(`${B}SK[0-9a-f]{32}${E}`, 'g'), kind: kind('a Twilio API key', 'TWILIO_API_KEY') },
  {
    re: new RegExp(`${B}pypi-AgE[IN]cHlwaS5vcmc[A-Za-z0-9_-]{50,300}${E}`, 'g'),
    kind: kind('a PyPI API token', 'PYPI_TOKEN'),
  },
  {
    re: new RegExp(`${B}pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9_-]{50,300}${E}`, 'g'),
    kind: kind('a TestPyPI API token', 'PYPI_TOKEN'),
  },
  {
    re: new RegExp(
      `${B}(?:glptt|gldt|glrt|glcbt|gloas|glsoat|glffct|glimt|glagent)-[A-Za-z0-9_-]{20,128}${E}`,
      'g',
    ),
    kind: kind('a GitLab token', 'GITLAB_TOKEN'),
  },
  {
    re: new RegExp(`${B}sk-ant-admin01-[A-Za-z0-9_-]{80,128}AA${E}`, 'g'),
    kind: kind('an Anthropic admin API key', 'ANTHROPIC_ADMIN_KEY'),
  },
  { re: /\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b/g, kind: kind('an age secret key', 'AGE_SECRET_KEY') },
  {
    re: new RegExp(`${B}do[por]_v1_[a-f0-9]{64}${E}`, 'g'),
    kind: kind('a DigitalOcean token', 'DIGITALOCEAN_TOKEN'),
  },
  {
    re: new RegExp(`${B}NRAK-[A-Z0-9]{27}${E}`, 'g'),
    kind: kind('a New Relic user API key', 'NEW_RELIC_API_KEY'),
  },
  {
    re: new RegExp(`${B}pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64}${E}`, 'g'),
    kind: kind('a PlanetScale token', 'PLANETSCALE_TOKEN'),
  },
  {
    re: new RegExp(`${B}PMAK-[a-f0-9]{24}-[a-f0-9]{34}${E}`, 'g'),
    kind: kind('a Postman API key', 'POSTMAN_API_KEY'),
  },
  {
    re: new RegExp(`${B}pul-[a-f0-9]{40}${E}`, 'g'),
    kind: kind('a Pulumi access token', 'PULUMI_ACCESS_TOKEN'),
  },
  {
    re: new RegExp(`${B}dp\\.pt\\.[A-Za-z0-9]{43}${E}`, 'g'),
    kind: kind('a Doppler token', 'DOPPLER_TOKEN'),
  },
  {
    re: new RegExp(`${B}sbp_[a-f0-9]{40}${E}`, 'g'),
    kind: kind('a Supabase access token', 'SUPABASE_ACCESS_TOKEN'),
  },
  {
    re: new RegExp(`${B}r8_[A-Za-z0-9]{37}${E}`, 'g'),
    kind: kind('a Replicate API token', 'REPLICATE_API_TOKEN'),
  },
  { re: /\bkey-[0-9a-f]{32}\b/g, kind: kind('a Mailgun API key', 'MAILGUN_API_KEY') },
  { re: /\b[0-9a-f]{32}-us\d{1,2}\b/g, kind: kind('a Mailchimp API key', 'MAILCHIMP_API_KEY') },
  {
    re: /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d{17,20}\/[A-Za-z0-9_-]{60,68}/g,
    kind: kind('a Discord webhook URL', 'DISCORD_WEBHOOK_URL'),
  },
  {
    re: /(?<![0-9A-Za-z_:-])\d{8,10}:AA[0-9A-Za-z_-]{33}(?![0-9A-Za-z_-])/g,
    kind: kind('a Telegram bot token', 'TELEGRAM_BOT_TOKEN'),
  },
  {
    re: new RegExp(`${B}ATATT3[A-Za-z0-9_=-]{150,300}${E}`, 'g'),
    kind: kind('an Atlassian API token', 'ATLASSIAN_API_TOKEN'),
  },
  {
    re: new RegExp(
      `${B}eyJ[A-Za-z0-9_-]{8,2000}\\.eyJ[A-Za-z0-9_-]{8,8000}\\.[A-Za-z0-9_-]{16,2000}${E}`,
      'g',
    ),
    kind: kind('a JSON Web Token', 'AUTH_TOKEN'),
    check: isJwt,
  },
  {
    // secretlint's private-key rule wants an ASN.1 or OpenSSH body; this one also takes short EC keys, PGP
    // blocks and encrypted PEM, whose armour has header lines (with single hyphens: `DEK-Info:`).
    re: /-----BEGIN (?<type>(?:[A-Z0-9]{1,12} ){0,3})PRIVATE KEY(?: BLOCK)?-----(?<body>(?:[^-]|-(?!----)){40,16000})-----END (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?-----/g,
    kind: (m) => privateKeyKind(m.groups?.type ?? ''),
    check: (_v, m) => hasKeyBody(m.groups?.body ?? ''),
  },
  {
    re: /(?<![A-Za-z0-9+.-])(?<scheme>[A-Za-z][A-Za-z0-9+.-]{1,30}):\/\/(?<user>[^\s:@/?#"'`<>\\]{0,128}):(?<pw>[^\s@/?#"'`<>\\]{1,256})@(?<host>\[[0-9A-Fa-f:.]{2,60}\]|[A-Za-z0-9.-]{1,253})(?::\d{1,5})?[^\s"'`<>\\]{0,2000}/g,
    kind: (m) => urlKind(m.groups?.scheme ?? ''),
    url: true,
    check: (_v, m) => urlHasPassword(m.groups?.user ?? '', m.groups?.pw ?? '', m.groups?.host ?? ''),
  },
  {
    re: /(?<![A-Za-z])(?:Password|Pwd)\s{0,4}=\s{0,4}(?<v>[^;"'`\s]{1,256})/gi,
    kind: kind('a password in a connection string', 'DB_PASSWORD'),
    check: (v, m, text) => !isPlaceholder(v) && connectionStringAround(text, m.index),
  },
  {
    re: /\bBasic\s{1,4}(?<v>[A-Za-z0-9+/]{8,400}={0,2})(?![A-Za-z0-9+/=])/g,
    kind: kind('a basic-auth credential in an Authorization header', 'BASIC_AUTH'),
    check: isBasicCredential,
  },
  {
    re: /\bBearer\s{1,4}(?<v>[A-Za-z0-9._~+/-]{20,2000}={0,2})(?![A-Za-z0-9._~+/=-])/g,
    kind: kind('a bearer token in an Authorization header', 'AUTH_TOKEN'),
    check: looksRandom,
  },
];

const stripeSecret = kind('a Stripe secret key', 'STRIPE_API_KEY');

function privateKeyKind(type: string): SecretKind {
  const name = type.trim();
  if (name === 'RSA' || name === 'DSA' || name === 'EC') return kind(`an ${name} private key`, 'PRIVATE_KEY');
  if (name === 'OPENSSH') return kind('an OpenSSH private key', 'SSH_PRIVATE_KEY');
  if (name === 'PGP') return kind('a PGP private key', 'PGP_PRIVATE_KEY');
  if (name === 'ENCRYPTED') return kind('an encrypted private key', 'PRIVATE_KEY');
  return kind('a private key', 'PRIVATE_KEY');
}

/** A private key's body is base64 once its armour headers, line breaks, `\n` escapes and quotes are gone. */
function hasKeyBody(body: string): boolean {
  const base64 = body
    .replace(/^[A-Za-z-]{1,40}: .*$/gm, '')
    .replace(/\\[nr]|\s|["'+,]/g, '')
    .replace(/=[A-Za-z0-9+/]{4}$/, '');
  return base64.length >= 64 && /^[A-Za-z0-9+/]+=*$/.test(base64) && !isPlaceholder(base64);
}

function urlKind(scheme: string): SecretKind {
  const s = scheme.toLowerCase();
  if (s.startsWith('postgres')) return kind('a PostgreSQL connection URL with a password', 'DATABASE_URL');
  if (s.startsWith('mysql') || s.startsWith('mariadb')) {
    return kind('a MySQL connection URL with a password', 'DATABASE_URL');
  }
  if (s.startsWith('mongodb')) return kind('a MongoDB connection URL with a password', 'MONGODB_URI');
  if (s.startsWith('redis')) return kind('a Redis URL with a password', 'REDIS_URL');
  if (s.startsWith('amqp')) return kind('an AMQP URL with a password', 'AMQP_URL');
  if (/^(?:mssql|sqlserver|oracle|snowflake|db2|clickhouse|sqlalchemy|jdbc|presto|trino|hive)/.test(s)) {
    return kind('a database connection URL with a password', 'DATABASE_URL');
  }
  return kind('a URL with a user name and password', 'SERVICE_URL');
}

/** A URL's user info holds a secret unless the password is a placeholder or the host names no real service. */
function urlHasPassword(user: string, pw: string, host: string): boolean {
  if (isPlaceholder(pw) || pw === user || /^\$|^%|[{}]/.test(pw) || /[{}$]/.test(user)) return false;
  return !isDocumentationHost(host);
}

/**
 * ADO.NET, ODBC and JDBC strings name a server or a user next to the password. Only the 300 characters on
 * either side count, so that a long line of `Password=` matches costs no more than a short one.
 */
function connectionStringAround(text: string, index: number): boolean {
  const window = text.slice(Math.max(0, index - 300), index + 300);
  const at = Math.min(index, 300);
  const line = window.slice(window.lastIndexOf('\n', at) + 1).split('\n', 1)[0] ?? '';
  return /(?:Server|Data Source|Host|Uid|User ?Id|User|Initial Catalog|Database|Driver)\s{0,4}=/i.test(line);
}

/** A JWT's header is base64url JSON that names its algorithm. */
function isJwt(value: string): boolean {
  const header = value.slice(0, value.indexOf('.'));
  try {
    const decoded: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof decoded === 'object' && decoded !== null && 'alg' in decoded;
  } catch {
    return false;
  }
}

/** `Basic` credentials decode to `user:password`, with a password that is not a placeholder. */
function isBasicCredential(value: string): boolean {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || !/^[\x20-\x7e]+$/.test(decoded)) return false;
  return !isPlaceholder(decoded.slice(colon + 1));
}

/**
 * True for a value with the mix of a generated token: letters and digits, and many distinct characters.
 * Bearer tokens have no fixed prefix, so this keeps prose and placeholders such as `YOUR_ACCESS_TOKEN` out.
 */
export function looksRandom(value: string): boolean {
  if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false;
  return new Set(value).size >= 10 && !isPlaceholder(value);
}
