/**
 * The quick fixes of the secret rules: replace a literal with a read of an environment variable, in the
 * cell's language, and say that the hub's operator must set that variable for every kernel.
 */

import { assignsShellVariable, lineHoldsOnly, type FixLanguage, type ValueSite } from './secretSites';
import { nameWords } from './secretAssignments';
import { positionAt, rangeAt } from './text';
import type { LintEdit, LintFix, LintNotebook } from './types';

/** What a fix needs to know of the cell it edits. */
export interface FixContext {
  nb: LintNotebook;
  cell: number;
  source: string;
  starts: readonly number[];
  language: FixLanguage;
}

/**
 * The environment variable a secret should come from: the assigned name upper-cased (`api_key` → `API_KEY`,
 * `self.dbPassword` → `DB_PASSWORD`), or, with no name or one that says nothing (`x`, `value`), the kind's.
 */
export function envName(target: string | undefined, fallback: string): string {
  if (target === undefined) return fallback;
  const name = nameWords(target).join('_').toUpperCase();
  if (name.length < 3 || /^\d/.test(name) || GENERIC_NAMES.has(name)) return fallback;
  return RESERVED[name] ?? name;
}

// Names that say nothing about the value, for which the token's kind names the variable better.
const GENERIC_NAMES = new Set([
  'VALUE',
  'VAL',
  'DATA',
  'TEXT',
  'STR',
  'STRING',
  'RESULT',
  'TMP',
  'TEMP',
  'VAR',
  'URL',
  'URI',
  'DSN',
  'CONN',
  'CONNECTION',
  'ENDPOINT',
]);

// Variables every shell sets, which a secret must not shadow: `pwd = "…"` is a password, not the directory.
const RESERVED: Record<string, string> = {
  PWD: 'PASSWORD',
  PASS: 'PASSWORD',
  PATH: 'PATH_SECRET',
  HOME: 'HOME_SECRET',
  USER: 'USER_SECRET',
};

/**
 * The fixes for a secret written at `site`: a read of `name` from the environment; when the line itself sets
 * the environment variable (`os.environ["X"] = "…"`, `%env`, `export`), removing the line. None when the
 * language has no way to read it here, or the value is a bytes literal or built at run time.
 */
export function envFixes(ctx: FixContext, site: ValueSite, name: string): LintFix[] {
  const language = site.lineLanguage ?? ctx.language;
  const selfAssigned =
    language === 'shell' && envName(site.target, '') === name && assignsShellVariable(ctx.source, site);
  if (site.envWrite || selfAssigned) {
    // The line sets the variable the code reads, under the name it writes, however short.
    const written = /^[A-Za-z_]\w*$/.exec(lastSegment(site.target ?? ''))?.[0] ?? name;
    if (!lineHoldsOnly(ctx.source, site)) return [];
    const title = `Remove this line: ${written} comes from the environment`;
    return [{ title, edits: [removeLine(ctx, site)], note: operatorNote(written) }];
  }
  const note = operatorNote(name);
  const read = readExpression(language, name);
  if (read === undefined || site.bytes || site.dynamic) return [];
  const edits: LintEdit[] = [
    { kind: 'replace', cell: ctx.cell, range: rangeAt(ctx.starts, site.start, site.end), text: read },
  ];
  if (language === 'python' && !importsOs(ctx)) edits.push(importOsEdit(ctx));
  return [{ title: `Read ${name} from the environment`, edits, note }];
}

function operatorNote(name: string): string {
  return `Ask your hub's operator to add ${name} to c.Spawner.environment, so that every kernel gets it.`;
}

function lastSegment(target: string): string {
  return (
    target
      .split(/\.|::|\$|@|->/)
      .filter(Boolean)
      .pop() ?? target
  );
}

function readExpression(language: FixLanguage, name: string): string | undefined {
  switch (language) {
    case 'python':
      return `os.environ["${name}"]`;
    case 'r':
      return `Sys.getenv("${name}")`;
    case 'julia':
      return `ENV["${name}"]`;
    case 'javascript':
      return `process.env.${name}`;
    case 'shell':
      return `"$${name}"`;
    case 'other':
      return undefined;
  }
}

const IMPORT_OS = /^[ \t]*import[ \t]+(?:[\w.]+(?:[ \t]+as[ \t]+\w+)?[ \t]*,[ \t]*)*os\b(?![ \t]+as\b)/m;

/**
 * True when this cell or a code cell above it imports `os`. A later cell does not count: run from the top,
 * this cell would fail before it.
 */
function importsOs(ctx: FixContext): boolean {
  return ctx.nb.cells.slice(0, ctx.cell + 1).some((c) => c.kind === 'code' && IMPORT_OS.test(c.source));
}

/**
 * `import os` goes at the top of the fixed cell itself, not of the notebook, so the fix is one cell's edit
 * and the cell runs on its own. It goes below a cell magic and `from __future__` imports, which must be first.
 */
function importOsEdit(ctx: FixContext): LintEdit {
  let line = 0;
  const lines = ctx.source.split('\n');
  if (lines[0]?.startsWith('%%')) line = 1;
  while (/^from[ \t]+__future__[ \t]+import\b/.test(lines[line] ?? '')) line++;
  const offset = ctx.starts[line] ?? ctx.source.length;
  const needsBreak = line >= ctx.starts.length;
  const at = positionAt(ctx.starts, offset);
  const range = { startLine: at.line, startColumn: at.column, endLine: at.line, endColumn: at.column };
  return { kind: 'replace', cell: ctx.cell, range, text: needsBreak ? '\nimport os' : 'import os\n' };
}

function removeLine(ctx: FixContext, site: ValueSite): LintEdit {
  const at = positionAt(ctx.starts, site.start);
  const next = ctx.starts[at.line + 1];
  const range =
    next === undefined
      ? rangeAt(ctx.starts, ctx.starts[at.line] ?? 0, ctx.source.length)
      : { startLine: at.line, startColumn: 0, endLine: at.line + 1, endColumn: 0 };
  return { kind: 'replace', cell: ctx.cell, range, text: '' };
}
