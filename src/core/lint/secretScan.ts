/**
 * Finds token shapes in many texts at once: secretlint's recommended preset for the shapes it knows, and the
 * own table (secretPatterns.ts) for the rest. All texts go to secretlint joined into one string, because a
 * call costs a fixed ~0.2 ms whatever its length: 500 cells one by one took 80 ms, joined 2 ms.
 */

import { lintSource } from '@secretlint/core';
import { rules as presetRules } from '@secretlint/secretlint-rule-preset-recommend';
import { OWN_PATTERNS, type SecretKind } from './secretPatterns';
import { blankDataUris, isDocumentationHost, isPlaceholder } from './secretValues';
import { positionAt } from './text';

/** One token found in one text: `[start, end)` offsets into that text and what it is. */
export interface TokenHit {
  start: number;
  end: number;
  kind: SecretKind;
}

/**
 * Finds every token shape in each of `texts`; the result has one list per text, sorted by offset, with no two
 * hits overlapping. Placeholders (`ghp_xxxx…`, `<your token>`, AWS's documented example keys) are left out.
 */
export async function scanTokens(texts: readonly string[], signal?: AbortSignal): Promise<TokenHit[][]> {
  signal?.throwIfAborted();
  // The separator is a NUL, which the shapes that span lines (private-key bodies) do not take, between two
  // line breaks, which end every other shape. A match that still runs from one text into the next is dropped.
  const prepared = texts.map(blankDataUris);
  const joined = prepared.join(SEPARATOR);
  const starts: number[] = [];
  let offset = 0;
  for (const text of prepared) {
    starts.push(offset);
    offset += text.length + SEPARATOR.length;
  }
  const raw = [...(await secretlintHits(joined)), ...ownHits(joined)];
  signal?.throwIfAborted();
  const perText: RawHit[][] = texts.map(() => []);
  for (const hit of raw) {
    const index = textAt(starts, hit.start);
    const base = starts[index] ?? 0;
    const text = texts[index] ?? '';
    if (hit.end > base + text.length) continue;
    const value = text.slice(hit.start - base, hit.end - base);
    if (isPlaceholder(value) || new Set(value).size < 8) continue;
    const found = refineKind(hit.kind, joined, hit.start);
    perText[index]?.push({ ...hit, kind: found, start: hit.start - base, end: hit.end - base });
  }
  return perText.map(withoutOverlaps);
}

const SEPARATOR = '\n\u0000\n';

const FILTER_COMMENTS = '@secretlint/secretlint-rule-filter-comments';

type CoreConfig = Parameters<typeof lintSource>[0]['options']['config'];
/** A config entry for one scanner rule (not a preset), picked out of the config's union by its rule's type. */
type CoreRule = Extract<CoreConfig['rules'][number], { rule: { meta: { type: 'scanner' | 'filter' } } }>;

// The preset's rules are registered one by one rather than through the preset, because a preset ignores
// `disabled` on its own rules (secretlint 12.0.0), and one of them must go: filter-comments honours
// `secretlint-disable` comments, which in one joined string would silence every later cell. Silencing is
// the lint's `hubnb-lint-ignore` comment's job, applied by the orchestrator. The AWS rule's access key ID
// scan is opt-in; account IDs are not secrets, so that message is dropped.
const CONFIG: CoreConfig = {
  rules: (presetRules as unknown as CoreRule['rule'][])
    .filter((rule) => rule.meta.id !== FILTER_COMMENTS)
    .map((rule): CoreRule =>
      rule.meta.id === '@secretlint/secretlint-rule-aws'
        ? { id: rule.meta.id, rule, options: { enableIDScanRule: true }, allowMessageIds: ['AWSAccountID'] }
        : { id: rule.meta.id, rule },
    ),
};

interface RawHit extends TokenHit {
  /** The shape's rank, to break ties between two hits at the same place: lower wins. */
  rank: number;
}

async function secretlintHits(content: string): Promise<RawHit[]> {
  // The npm rule looks for `.npmrc` auth tokens only in files named so; any other name would turn it off,
  // and no rule reads the file, as noPhysicFilePath says and no `.p12` or `.json` extension asks.
  const result = await lintSource({
    source: { content, filePath: 'notebook.npmrc', contentType: 'text' },
    options: { config: CONFIG, maskSecrets: true, noPhysicFilePath: true, locale: 'en' },
  });
  const hits: RawHit[] = [];
  for (const message of result.messages) {
    const found = secretlintKind(message.messageId, content.slice(message.range[0], message.range[1]));
    if (found === undefined) continue;
    const [start, end] = secretlintRange(message.messageId, content, message.range[0], message.range[1]);
    if (end > start) hits.push({ start, end, kind: found, rank: 0 });
  }
  return hits;
}

// The own shapes with the `d` flag, so that a match says where its value group starts.
const WITH_INDICES = OWN_PATTERNS.map((p) => new RegExp(p.re.source, `${p.re.flags.replace('d', '')}d`));

function ownHits(content: string): RawHit[] {
  const hits: RawHit[] = [];
  OWN_PATTERNS.forEach((pattern, rank) => {
    for (const match of content.matchAll(WITH_INDICES[rank] ?? pattern.re)) {
      const group = match.groups?.v;
      const start = match.indices?.groups?.v?.[0] ?? match.index;
      const value = group ?? (pattern.url === true ? trimUrlEnd(match[0]) : match[0]);
      if (pattern.check !== undefined && !pattern.check(value, match, content)) continue;
      const found = typeof pattern.kind === 'function' ? pattern.kind(match) : pattern.kind;
      hits.push({ start, end: start + value.length, kind: found, rank: rank + 1 });
    }
  });
  return hits;
}

/**
 * Corrects secretlint's ranges where they do not cover the value: its AWS secret key range starts at the
 * key's name, its `.npmrc` one holds `_authToken=`, and its URL ones run on over a closing quote.
 */
function secretlintRange(messageId: string, content: string, start: number, end: number): [number, number] {
  if (messageId === 'AWSSecretAccessKey') {
    const lineEnd = content.indexOf('\n', start);
    const line = content.slice(start, lineEnd < 0 ? content.length : lineEnd);
    const value = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/.exec(line);
    return value === null ? [start, end] : [start + value.index, start + value.index + 40];
  }
  if (messageId === 'Npmrc_authToken') {
    const valueStart = content.indexOf('=', start) + 1;
    return [
      valueStart,
      valueStart + trimUrlEnd(content.slice(valueStart, valueStart + (end - start))).length,
    ];
  }
  if (/Connection$|^BasicAuth$|^IncomingWebhook$/.test(messageId)) {
    const url = trimUrlEnd(content.slice(start, end));
    const host = /@([^/:?#]+)/.exec(url)?.[1] ?? '';
    return isDocumentationHost(host) ? [start, start] : [start, start + url.length];
  }
  return [start, end];
}

/** A URL ends before a quote or a space, and prose's closing punctuation is not part of it. */
function trimUrlEnd(url: string): string {
  const cut = url.search(/["'`\s<>]/);
  return (cut < 0 ? url : url.slice(0, cut)).replace(/[.,;:!?)\]}]+$/, '');
}

/** A private key that is the `private_key` of a JSON object is a Google Cloud service account's. */
function refineKind(found: SecretKind, content: string, start: number): SecretKind {
  const before = content.slice(Math.max(0, start - 40), start);
  if (found.env.endsWith('PRIVATE_KEY') && /["']private_key["']\s*:\s*["']?$/.test(before)) {
    return { label: 'a Google Cloud service-account private key', env: 'GCP_PRIVATE_KEY' };
  }
  return found;
}

const SECRETLINT_KINDS: Record<string, SecretKind> = {
  AWSAccessKeyID: { label: 'an AWS access key ID', env: 'AWS_ACCESS_KEY_ID' },
  AWSSecretAccessKey: { label: 'an AWS secret access key', env: 'AWS_SECRET_ACCESS_KEY' },
  PrivateKey: { label: 'a private key', env: 'PRIVATE_KEY' },
  NPM_ACCESS_TOKEN: { label: 'an npm access token', env: 'NPM_TOKEN' },
  Npmrc_authToken: { label: 'an npm auth token', env: 'NPM_TOKEN' },
  PackageJSON_xOauthToken: { label: 'a GitHub OAuth token in a git URL', env: 'GITHUB_TOKEN' },
  SLACK_TOKEN: { label: 'a Slack token', env: 'SLACK_TOKEN' },
  IncomingWebhook: { label: 'a Slack incoming webhook URL', env: 'SLACK_WEBHOOK_URL' },
  BasicAuth: { label: 'a URL with a user name and password', env: 'SERVICE_URL' },
  OPENAI_TOKEN: { label: 'an OpenAI API key', env: 'OPENAI_API_KEY' },
  ANTHROPIC_API_KEY: { label: 'an Anthropic API key', env: 'ANTHROPIC_API_KEY' },
  GROQ_API_KEY: { label: 'a Groq API key', env: 'GROQ_API_KEY' },
  HUGGINGFACE_USER_ACCESS_TOKEN: { label: 'a Hugging Face access token', env: 'HF_TOKEN' },
  LINEAR_API_TOKEN: { label: 'a Linear API key', env: 'LINEAR_API_KEY' },
  NOTION_INTEGRATION_TOKEN: { label: 'a Notion integration token', env: 'NOTION_TOKEN' },
  SENDGRID_KEY: { label: 'a SendGrid API key', env: 'SENDGRID_API_KEY' },
  SHOPIFY_KEY: { label: 'a Shopify access token', env: 'SHOPIFY_ACCESS_TOKEN' },
  GITLAB_PERSONAL_ACCESS_TOKEN: { label: 'a GitLab personal access token', env: 'GITLAB_TOKEN' },
  GRAFANA_CLOUD_API_TOKEN: { label: 'a Grafana Cloud API token', env: 'GRAFANA_TOKEN' },
  GRAFANA_SERVICE_ACCOUNT_TOKEN: { label: 'a Grafana service account token', env: 'GRAFANA_TOKEN' },
  OPS_TOKEN: { label: 'a 1Password service account token', env: 'OP_SERVICE_ACCOUNT_TOKEN' },
  MongoDBConnection: { label: 'a MongoDB connection URL with a password', env: 'MONGODB_URI' },
  MySQLConnection: { label: 'a MySQL connection URL with a password', env: 'DATABASE_URL' },
  PostgreSQLConnection: { label: 'a PostgreSQL connection URL with a password', env: 'DATABASE_URL' },
  DATABRICKS_PERSONAL_ACCESS_TOKEN: { label: 'a Databricks personal access token', env: 'DATABRICKS_TOKEN' },
  DOCKER_PERSONAL_ACCESS_TOKEN: { label: 'a Docker personal access token', env: 'DOCKER_TOKEN' },
  FIGMA_PERSONAL_ACCESS_TOKEN: { label: 'a Figma personal access token', env: 'FIGMA_TOKEN' },
};

const GITHUB_LABELS: Record<string, string> = {
  ghp: 'a GitHub personal access token',
  gho: 'a GitHub OAuth access token',
  ghu: 'a GitHub user-to-server token',
  ghs: 'a GitHub server-to-server token',
  ghr: 'a GitHub refresh token',
  github: 'a GitHub fine-grained personal access token',
};

/**
 * The kind of a secretlint message, by its message id and the matched text's prefix; undefined for the
 * messages that are not about a value in the text (a whole file that is a GCP key, an AWS account ID).
 */
function secretlintKind(messageId: string, matched: string): SecretKind | undefined {
  if (messageId === 'GITHUB_TOKEN') {
    return { label: GITHUB_LABELS[matched.split('_')[0] ?? ''] ?? 'a GitHub token', env: 'GITHUB_TOKEN' };
  }
  if (messageId.startsWith('HASHICORP_VAULT_'))
    return { label: 'a HashiCorp Vault token', env: 'VAULT_TOKEN' };
  if (messageId.startsWith('VERCEL_')) return { label: 'a Vercel token', env: 'VERCEL_TOKEN' };
  if (messageId === 'PrivateKeyJSON' || messageId === 'PrivateKeyP12' || messageId === 'AWSAccountID') {
    return undefined;
  }
  return SECRETLINT_KINDS[messageId] ?? { label: 'a secret', env: 'SECRET' };
}

/** The index of the text holding a joined-string offset: the texts' starts are lines of the joined string. */
function textAt(starts: readonly number[], offset: number): number {
  return positionAt(starts, offset).line;
}

/** Sorted by start; where two overlap, the earlier (then the longer, then the better-ranked) one stays. */
function withoutOverlaps(hits: RawHit[]): TokenHit[] {
  const sorted = hits.sort(
    (a, b) => a.start - b.start || b.end - b.start - (a.end - a.start) || a.rank - b.rank,
  );
  const kept: TokenHit[] = [];
  for (const hit of sorted) {
    const last = kept[kept.length - 1];
    if (last !== undefined && hit.start < last.end) continue;
    kept.push({ start: hit.start, end: hit.end, kind: hit.kind });
  }
  return kept;
}
