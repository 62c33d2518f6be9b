/**
 * Where values are written in a code cell: string literals, with the name each is assigned to if any, and
 * the unquoted values of shell, `%env` and YAML lines. The secret rules use these sites to tell a secret
 * assignment, to name the environment variable a fix reads, and to know what a fix may replace. This is a
 * line-oriented reading, not a parser: it is the same for every kernel language, and it errs towards
 * finding no site, which only costs a fix, never a wrong edit.
 */

import { lineStarts, positionAt } from './text';

/** The languages the fixes know how to read an environment variable in. */
export type FixLanguage = 'python' | 'r' | 'julia' | 'javascript' | 'shell' | 'other';

/** One written value: the literal with its quotes and prefix (or the bare word), and where its text lies. */
export interface ValueSite {
  /** `[start, end)` of the whole literal, prefix and quotes included, or of the bare word. */
  start: number;
  end: number;
  /** `[valueStart, valueEnd)`: the text between the quotes. */
  valueStart: number;
  valueEnd: number;
  /** The assigned name as written (`self.db_password`, a dict key, a keyword argument), if any. */
  target?: string;
  /** The line sets an environment variable (`os.environ[…] =`, `%env`, `export`, `Sys.setenv`, …). */
  envWrite: boolean;
  /** The value is built at run time (f-string or template placeholders, shell or Julia `$` interpolation). */
  dynamic: boolean;
  /** A Python bytes literal, which a read of the environment (a str) would not replace as it is. */
  bytes: boolean;
  /** The language of the site's line where it differs from the cell's: IPython's `!` and `%` lines. */
  lineLanguage?: FixLanguage;
}

/**
 * The language a cell's code is in: a cell magic on its first line (`%%bash`, `%%R`, `%%javascript`, …)
 * wins over the kernel's language. `%%writefile` cells hold a file's text, which no fix can rewrite.
 */
export function cellLanguage(kernelLanguage: string | undefined, source: string): FixLanguage {
  const magic = /^%%(\w+)(?:[ \t]+(\S+))?/.exec(source);
  if (magic) {
    const name = (magic[1] ?? '').toLowerCase();
    if (name === 'bash' || name === 'sh' || (name === 'script' && /^(?:ba|z)?sh$/.test(magic[2] ?? ''))) {
      return 'shell';
    }
    if (name === 'r') return 'r';
    if (name !== 'time' && name !== 'timeit' && name !== 'capture') return 'other';
  }
  const lang = (kernelLanguage ?? 'python').toLowerCase();
  if (lang.startsWith('python') || lang === 'ipython' || lang === 'py') return 'python';
  if (lang === 'r') return 'r';
  if (lang === 'julia') return 'julia';
  if (/^(?:javascript|typescript|js|ts|node|nodejs|deno)$/.test(lang)) return 'javascript';
  if (/^(?:bash|sh|zsh|shell)$/.test(lang)) return 'shell';
  return 'other';
}

/**
 * Every value site of a cell's source, in order of position. Raw cells hold files' text (YAML, `.env`), so
 * their bare `key: value` and `NAME=value` lines count, as those of `%%writefile` cells do.
 */
export function valueSites(source: string, language: FixLanguage, raw = false): ValueSite[] {
  const sites: ValueSite[] = [];
  const starts = lineStarts(source);
  for (const match of source.matchAll(LITERAL)) sites.push(literalSite(source, starts, match, language));
  sites.push(...bareSites(source, language, raw || /^%%writefile\b/.test(source)));
  return sites.sort((a, b) => a.start - b.start);
}

// A string literal: Python's optional prefix, then triple-quoted, double, single or backtick quotes, with
// escapes. A quote right after a letter or digit starts none, which skips the apostrophes of prose.
const LITERAL =
  /(?<![A-Za-z0-9_])(?<prefix>[rRbBuUfF]{0,2})(?:"""(?<t1>[\s\S]{0,20000}?)"""|'''(?<t2>[\s\S]{0,20000}?)'''|"(?<d>(?:[^"\\\n]|\\.){0,20000})"|'(?<s>(?:[^'\\\n]|\\.){0,20000})'|`(?<b>(?:[^`\\]|\\[\s\S]){0,20000})`)/g;

// What comes before a literal that is assigned: a name (dotted, `$`, `::` and `@` paths too) or a quoted
// dict key or subscript, an optional type annotation, then `=`, `:=`, `<-`, `<<-`, `=>` or `:`. Anchored at
// the literal, and never `==`, `!=`, `<=` or `>=`. A name or key starts after no name character or quote,
// which spares the regex a try at every character of a long line.
const TARGET =
  /(?<![\w$@.:'"])(?:(?<name>[A-Za-z_$@][\w$]*(?:(?:\.|::|\$|@|->)[A-Za-z_$][\w$]*)*)|(?<q>["'])(?<key>[^"'\n]{1,100})\k<q>\s*\]?)\s*(?::\s*[A-Za-z_][\w.[\], |]{0,60}?)?\s*(?:=>|:=|<<-|<-|(?<![=!<>:])=|:)\s*$/;

// Lines that set an environment variable rather than a variable of the program: by a call or subscript
// before the literal, or by a magic or `export` at the start of the line.
const ENV_WRITE =
  /\bos\.environ\s*\[|\bos\.environ\.setdefault\s*\(|\bos\.putenv\s*\(|\bprocess\.env\b|(?:^|[^\w.])ENV\s*\[|\bSys\.setenv\s*\(/;
const ENV_WRITE_LINE = /^\s*%(?:set_)?env\b|^\s*!?\s*export\s/;

// SQL sets passwords with no assignment operator: `WITH PASSWORD '…'`, `IDENTIFIED BY '…'`.
const SQL_PASSWORD = /\b(?:PASSWORD|IDENTIFIED[ \t]+BY)[ \t]*$/i;

function literalSite(
  source: string,
  starts: readonly number[],
  match: RegExpExecArray,
  language: FixLanguage,
): ValueSite {
  const prefix = match.groups?.prefix ?? '';
  const quoteLength = match.groups?.t1 !== undefined || match.groups?.t2 !== undefined ? 3 : 1;
  const start = match.index;
  const end = start + match[0].length;
  const valueStart = start + prefix.length + quoteLength;
  const valueEnd = end - quoteLength;
  const value = source.slice(valueStart, valueEnd);
  // Only the 200 characters before the literal are read (and the line's start, for magics and `export`),
  // so that a one-line cell of thousands of literals, as minified JSON is, costs no more than short lines.
  const lineStart = starts[positionAt(starts, start).line] ?? 0;
  const before = source.slice(Math.max(lineStart, start - 200), start);
  const lineHead = source.slice(lineStart, Math.min(start, lineStart + 300));
  // Most literals follow no operator (call arguments, list items, dict keys): those skip the regex.
  const target = /[=:>-]$/.test(before.trimEnd()) ? TARGET.exec(before) : null;
  const quote = source[start + prefix.length];
  const dynamic =
    (/f/i.test(prefix) && /\{[^}]*\}/.test(value)) ||
    (quote === '`' && value.includes('${')) ||
    ((language === 'shell' || language === 'julia') && quote !== "'" && /\$[\w{(]/.test(value));
  const site: ValueSite = {
    start,
    end,
    valueStart,
    valueEnd,
    envWrite: ENV_WRITE.test(before) || ENV_WRITE_LINE.test(lineHead),
    dynamic,
    bytes: /b/i.test(prefix),
  };
  const name =
    target?.groups?.name ?? target?.groups?.key ?? (SQL_PASSWORD.test(before) ? 'password' : undefined);
  if (name !== undefined) site.target = name;
  // In IPython, a `!` line goes to the shell (which expands `$NAME` that Python leaves alone), and a `%`
  // line to a magic, whose arguments no read of the environment can replace.
  if (language === 'python' && /^\s*!/.test(lineHead)) site.lineLanguage = 'shell';
  else if (language === 'python' && /^\s*%(?!%)/.test(lineHead)) site.lineLanguage = 'other';
  return site;
}

// Unquoted values: `NAME=value` and `export NAME=value` in shell (and on IPython's `!` lines), `%env NAME=value`
// and `%env NAME value`, and `key: value` in YAML, which only `%%writefile` and raw cells hold (in Python,
// `password: str` is an annotation).
const SHELL_LINE =
  /^[ \t]*(?<bang>![ \t]*)?(?:(?:export|local|readonly|declare(?:[ \t]+-\w+)?)[ \t]+)?(?<name>[A-Za-z_]\w*)=(?<v>[^\s"'`$;|&()<>]+)[ \t]*(?:#.*)?$/gm;
const ENV_MAGIC = /^[ \t]*%(?:set_)?env[ \t]+(?<name>[A-Za-z_]\w*)(?:=|[ \t]+)(?<v>[^\s"'`]+)[ \t]*$/gm;
const YAML_LINE =
  /^[ \t]*(?:-[ \t]+)?(?<name>[A-Za-z_][\w.-]*)[ \t]*:[ \t]+(?<v>[^\s#"'{}[\]&*!|>%@`][^\s#]*)[ \t]*(?:#.*)?$/gm;

function bareSites(source: string, language: FixLanguage, fileCell: boolean): ValueSite[] {
  const sites: ValueSite[] = [];
  const add = (match: RegExpExecArray, envWrite: boolean, lineLanguage?: FixLanguage): void => {
    const value = match.groups?.v ?? '';
    const valueStart = match.index + match[0].lastIndexOf(value);
    const valueEnd = valueStart + value.length;
    const target = match.groups?.name ?? '';
    sites.push({
      start: valueStart,
      end: valueEnd,
      valueStart,
      valueEnd,
      target,
      envWrite,
      dynamic: false,
      bytes: false,
      ...(lineLanguage === undefined ? {} : { lineLanguage }),
    });
  };
  for (const match of source.matchAll(SHELL_LINE)) {
    const bang = match.groups?.bang !== undefined;
    if (language !== 'shell' && !bang && !fileCell) continue;
    add(match, /^\s*!?\s*export\s/.test(match[0]), bang && language === 'python' ? 'shell' : undefined);
  }
  if (language === 'python') for (const match of source.matchAll(ENV_MAGIC)) add(match, true);
  if (fileCell) for (const match of source.matchAll(YAML_LINE)) add(match, false);
  return sites;
}

/** True when nothing but the assignment is on the site's line, so a fix may delete the line as a whole. */
export function lineHoldsOnly(source: string, site: ValueSite): boolean {
  const lineEnd = source.indexOf('\n', site.end);
  const after = source.slice(site.end, lineEnd < 0 ? source.length : lineEnd);
  return !source.slice(site.start, site.end).includes('\n') && /^\s*\)?\s*;?\s*(?:#.*|\/\/.*)?$/.test(after);
}

/** True when the site's line assigns a shell variable of the target's name (`NAME=…`, `export NAME=…`). */
export function assignsShellVariable(source: string, site: ValueSite): boolean {
  const target = site.target ?? '';
  if (!/^[A-Za-z_]\w*$/.test(target)) return false;
  const lineStart = source.lastIndexOf('\n', site.start - 1) + 1;
  const before = source.slice(lineStart, site.start);
  return new RegExp(`^[ \\t]*!?[ \\t]*(?:(?:export|local|readonly)[ \\t]+)?${target}=$`).test(before);
}
