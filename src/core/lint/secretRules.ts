/**
 * The secret rules of the notebook lint:
 * - `secret-token`: a known token shape (cloud keys, GitHub, Slack, private keys, connection URLs with a
 *   password, JWTs, …) in any cell's source;
 * - `secret-assignment`: a string literal assigned to a name such as `password`, `api_key` or `GITHUB_TOKEN`
 *   in a code cell, in the kernel's language;
 * - `secret-output`: a token shape in a code cell's text output.
 * They return every raw finding: the orchestrator (index.ts) applies the settings and the ignore comments.
 */

import { secretName, secretValue } from './secretAssignments';
import { envFixes, envName, type FixContext } from './secretFixes';
import { scanTokens, type TokenHit } from './secretScan';
import { cellLanguage, valueSites, type ValueSite } from './secretSites';
import { lineStarts, rangeAt } from './text';
import type { LintCell, LintFinding, LintNotebook } from './types';

/**
 * Finds secrets in a notebook's sources and text outputs. A finding's range covers the secret: the whole
 * literal, quotes included, when a fix replaces it; otherwise the token itself. Messages give the secret's
 * kind and length, never its value.
 */
export async function lintSecrets(nb: LintNotebook, signal?: AbortSignal): Promise<LintFinding[]> {
  const texts: string[] = [];
  for (const cell of nb.cells) texts.push(cell.source, ...cell.outputs.map((o) => o.text));
  const hits = await scanTokens(texts, signal);
  const findings: LintFinding[] = [];
  let next = 0;
  nb.cells.forEach((cell, index) => {
    signal?.throwIfAborted();
    findings.push(...sourceFindings(nb, index, hits[next++] ?? []));
    for (const output of cell.outputs)
      findings.push(...outputFindings(cell, index, output.index, hits[next++] ?? []));
  });
  return findings;
}

// A cheap first look, so that only cells that mention a secret's name get their literals read.
const NAME_HINT = /pass|pwd|secret|token|key|auth|cred|identified/i;

function sourceFindings(nb: LintNotebook, index: number, hits: readonly TokenHit[]): LintFinding[] {
  const cell = nb.cells[index] as LintCell;
  const source = cell.source;
  const starts = lineStarts(source);
  const ctx: FixContext = { nb, cell: index, source, starts, language: cellLanguage(nb.language, source) };
  // Markdown holds prose, where `password = "…"` is an example of what not to do rather than code: only
  // its token shapes count.
  const readsSites = cell.kind !== 'markdown' && (hits.length > 0 || NAME_HINT.test(source));
  const sites = readsSites ? valueSites(source, ctx.language, cell.kind === 'raw') : [];
  const findings = hits.map((hit) => tokenFinding(ctx, cell, hit, sites));
  // A literal that holds a token is the token rule's: one finding, an error that names the kind, rather
  // than a second, vaguer warning on the same text.
  const taken = hits.map((hit) => [hit.start, hit.end] as const);
  for (const site of sites) {
    if (site.target === undefined || taken.some(([s, e]) => s < site.end && site.start < e)) continue;
    const strength = secretName(site.target);
    const value = source.slice(site.valueStart, site.valueEnd);
    if (strength === undefined || site.dynamic || !secretValue(value, strength, site.target)) continue;
    taken.push([site.start, site.end]);
    findings.push({
      rule: 'secret-assignment',
      severity: 'warning',
      cell: index,
      where: { kind: 'source' },
      range: rangeAt(starts, site.start, site.end),
      message: `The value of ${shortName(site.target)} (${characters(value)}) is written in this cell. Read it from the environment instead.`,
      fixes: cell.kind === 'code' ? envFixes(ctx, site, envName(site.target, 'SECRET')) : [],
    });
  }
  return findings;
}

function tokenFinding(
  ctx: FixContext,
  cell: LintCell,
  hit: TokenHit,
  sites: readonly ValueSite[],
): LintFinding {
  const token = ctx.source.slice(hit.start, hit.end);
  // A fix replaces a whole literal only: when the token is just part of one (inside a URL or a header), a
  // read of the environment in its place would be a wrong edit, so there is none.
  const site = sites.find(
    (s) => s.valueStart <= hit.start && hit.end <= s.valueEnd && holdsOnly(ctx, s, token),
  );
  const fixes = cell.kind === 'code' && site ? envFixes(ctx, site, envName(site.target, hit.kind.env)) : [];
  const range =
    fixes.length > 0 && site
      ? rangeAt(ctx.starts, site.start, site.end)
      : rangeAt(ctx.starts, hit.start, hit.end);
  const advice =
    cell.kind === 'code'
      ? 'Read it from the environment instead.'
      : 'Remove it: a notebook is no place for a secret.';
  return {
    rule: 'secret-token',
    severity: 'error',
    cell: ctx.cell,
    where: { kind: 'source' },
    range,
    message: `${capitalized(hit.kind.label)} (${characters(token)}) is written in this cell. ${advice}`,
    fixes,
  };
}

/** True when the literal holds the token and nothing else but surrounding blanks and `\n` escapes. */
function holdsOnly(ctx: FixContext, site: ValueSite, token: string): boolean {
  return ctx.source.slice(site.valueStart, site.valueEnd).replace(/^(?:\s|\\n)+|(?:\s|\\n)+$/g, '') === token;
}

function outputFindings(
  cell: LintCell,
  index: number,
  output: number,
  hits: readonly TokenHit[],
): LintFinding[] {
  const text = cell.outputs.find((o) => o.index === output)?.text ?? '';
  const starts = lineStarts(text);
  const seen = new Set<string>();
  const findings: LintFinding[] = [];
  for (const hit of hits) {
    // An output often shows one value twice (as text/plain and text/html): one finding is enough.
    const value = text.slice(hit.start, hit.end);
    if (seen.has(value)) continue;
    seen.add(value);
    findings.push({
      rule: 'secret-output',
      severity: 'error',
      cell: index,
      where: { kind: 'output', output },
      range: rangeAt(starts, hit.start, hit.end),
      message: `${capitalized(hit.kind.label)} (${characters(value)}) appears in this output. Clear the output, and keep the code from printing it.`,
      fixes: [{ title: 'Clear This Output', edits: [{ kind: 'clear-output', cell: index, output }] }],
    });
  }
  return findings;
}

function characters(value: string): string {
  return `${value.length} characters`;
}

function capitalized(label: string): string {
  return label.charAt(0).toUpperCase() + label.slice(1);
}

function shortName(target: string): string {
  return target.length > 60 ? `${target.slice(0, 57)}…` : target;
}
