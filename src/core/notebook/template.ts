/**
 * The team's header template: the markdown a notebook's first cell starts from, the sections it names, and new
 * notebooks made from it. The operator may serve a template notebook of their own from the hub service;
 * headerTemplateFromNotebook checks it and notebookFromTemplate uses it whole. The header parser
 * (header.ts) and the lint's header rules read their vocabulary from here, so there is one list of sections.
 */
import { isRecord, parseNotebook, sourceText, type Notebook, type NotebookCell } from './nbformat';
import { stripOutputs } from './strip';

/** The sections of the team's header, in the template's order, by the keys NotebookHeader uses. */
export const HEADER_SECTION_KEYS = [
  'purpose',
  'audience',
  'dataSources',
  'description',
  'parameters',
  'references',
] as const;
export type HeaderSectionKey = (typeof HEADER_SECTION_KEYS)[number];

/** Each section's name as the template writes it in its heading. */
export const HEADER_SECTION_NAMES: Readonly<Record<HeaderSectionKey, string>> = {
  purpose: 'Purpose',
  audience: 'Audience',
  dataSources: 'Data Sources',
  description: 'Description',
  parameters: 'Parameters',
  references: 'References',
};

/** The built-in header template, used when the operator serves none of their own. */
export const DEFAULT_HEADER_TEMPLATE = [
  '# Notebook Name',
  '',
  '## Purpose',
  'What are you trying to do with this notebook?',
  '',
  '## Audience',
  'Who is this notebook developed for?',
  '',
  '## Data Sources',
  '* Data source 1',
  '* Data source 2',
  '',
  '## Description (How does it work?)',
  '1. Step 1',
  '2. Step 2',
  '3. Step 3',
  '',
  '## Parameters',
  '',
  'Parameter | Description',
  '--------- | -----------',
  'PARAM_1 | Blah blah',
  'PARAM_2 | Blah blah',
  '',
  '## References',
  '* Links to documentation or external references',
].join('\n');

/**
 * A template's placeholder texts, as the header parser reads them back (whitespace collapsed, list items
 * joined with `; `): a section whose text is still its placeholder has not been written yet. The Parameters
 * section has none: its placeholder rows name parameters (PARAM_1, PARAM_2) that the parameter rules flag.
 */
export type HeaderPlaceholders = Readonly<
  Partial<Record<'title' | Exclude<HeaderSectionKey, 'parameters'>, string>>
>;

/** The placeholders of DEFAULT_HEADER_TEMPLATE; headerPlaceholders(DEFAULT_HEADER_TEMPLATE) gives the same. */
export const DEFAULT_HEADER_PLACEHOLDERS: HeaderPlaceholders = {
  title: 'Notebook Name',
  purpose: 'What are you trying to do with this notebook?',
  audience: 'Who is this notebook developed for?',
  dataSources: 'Data source 1; Data source 2',
  description: 'Step 1; Step 2; Step 3',
  references: 'Links to documentation or external references',
};

/** A header template: its header cell's markdown and, for an operator's template, the whole notebook. */
export interface HeaderTemplate {
  markdown: string;
  /** The operator's template notebook, used whole for new notebooks; absent for the built-in template. */
  notebook?: Notebook;
}

/** The outcome of headerTemplateFromNotebook: the template, or why the notebook cannot be one. */
export type HeaderTemplateResult = { ok: true; template: HeaderTemplate } | { ok: false; reason: string };

/** Reads an operator's template notebook (.ipynb bytes or text); its first cell must be the markdown header. */
export function headerTemplateFromNotebook(bytes: Uint8Array | string): HeaderTemplateResult {
  const parsed = parseNotebook(bytes);
  if (!parsed.ok)
    return { ok: false, reason: `The header template is not a usable notebook. ${parsed.reason}` };
  const first = parsed.notebook.cells[0];
  if (!first) {
    return {
      ok: false,
      reason: 'The header template notebook has no cells; its first cell must be the markdown header.',
    };
  }
  if (first.cell_type !== 'markdown') {
    return {
      ok: false,
      reason: `The header template notebook's first cell is a ${first.cell_type} cell; it must be the markdown header.`,
    };
  }
  const markdown = sourceText(first);
  if (markdown.trim() === '') {
    return {
      ok: false,
      reason: "The header template notebook's first cell is empty; it must hold the header's markdown.",
    };
  }
  return { ok: true, template: { markdown, notebook: parsed.notebook } };
}

/** The kernel a new notebook names in its metadata. */
export interface NotebookKernel {
  name: string;
  display_name: string;
  language: string;
}

/** What notebookFromTemplate makes a notebook from. */
export interface NewNotebookOptions {
  /** Replaces the template's title ("Notebook Name" in the built-in template). */
  title?: string;
  /** An operator's template (headerTemplateFromNotebook); the built-in template when absent. */
  template?: HeaderTemplate;
  /** The kernel, when the template names none; Python 3 by default. */
  kernel?: NotebookKernel;
  /** Makes each cell's id; random UUIDs by default, so tests can pass a counter. */
  newCellId?: () => string;
}

const PYTHON3: NotebookKernel = { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' };

/**
 * A new nbformat 4.5 notebook. From the built-in template: the header cell and an empty code cell tagged
 * `parameters` (papermill's). From an operator's template: all its cells, outputs cleared, and an empty
 * parameters cell after the header when it has none. Every cell gets a fresh id, since nbformat 4.5 requires
 * one and a copied id would repeat across the team's notebooks.
 */
export function notebookFromTemplate(options: NewNotebookOptions = {}): Notebook {
  const newId = options.newCellId ?? (() => globalThis.crypto.randomUUID());
  // A copy without outputs: a new notebook starts unrun, and the template's saved widget state goes too.
  const base = options.template?.notebook && stripOutputs(structuredClone(options.template.notebook));
  const markdown = options.template?.markdown ?? DEFAULT_HEADER_TEMPLATE;
  const header = options.title === undefined ? markdown : withTitle(markdown, options.title);
  const cells: NotebookCell[] = base ? base.cells : [{ cell_type: 'markdown', metadata: {}, source: [] }];
  // Papermill's parameters cell follows the header unless the template has one: the header lists parameters
  // and the lint asks for each to be assigned there.
  if (!cells.some(isParametersCell)) cells.splice(1, 0, emptyParametersCell());
  // nbformat requires every cell's metadata, which a hand-written template may leave out.
  const withIds = cells.map((cell, index) => ({
    ...cell,
    id: newId(),
    metadata: isRecord(cell.metadata) ? cell.metadata : {},
    source: index === 0 ? sourceLines(header) : cell.source,
  }));
  const metadata: Record<string, unknown> = isRecord(base?.metadata) ? base.metadata : {};
  const kernel = options.kernel ?? PYTHON3;
  if (!isRecord(metadata.kernelspec)) metadata.kernelspec = { ...kernel };
  if (!isRecord(metadata.language_info)) metadata.language_info = { name: kernel.language };
  const minor = typeof base?.nbformat_minor === 'number' ? base.nbformat_minor : 0;
  return { cells: withIds, metadata, nbformat: 4, nbformat_minor: Math.max(5, minor) };
}

/** An nbformat 4.5 notebook with one empty code cell and a Python 3 kernel: New Notebook's. */
export function emptyNotebook(newId: () => string = () => globalThis.crypto.randomUUID()): Notebook {
  const cell: NotebookCell = {
    cell_type: 'code',
    execution_count: null,
    id: newId(),
    metadata: {},
    outputs: [],
    source: [],
  };
  return {
    cells: [cell],
    metadata: { kernelspec: { ...PYTHON3 }, language_info: { name: PYTHON3.language } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** True for papermill's parameters cell: a code cell tagged `parameters`. */
export function isParametersCell(cell: NotebookCell): boolean {
  const tags = isRecord(cell.metadata) ? cell.metadata.tags : undefined;
  return cell.cell_type === 'code' && Array.isArray(tags) && tags.includes('parameters');
}

function emptyParametersCell(): NotebookCell {
  return {
    cell_type: 'code',
    execution_count: null,
    metadata: { tags: ['parameters'] },
    outputs: [],
    source: [],
  };
}

const TITLE_LINE = /^ {0,3}#[ \t]+.*$/m;

/** The markdown with its first `# ` heading naming `title`, or with one added on top when it has none. */
function withTitle(markdown: string, title: string): string {
  // A title is one line: a pasted newline would end the heading and leave the rest as stray text.
  const text = title.replace(/\s+/g, ' ').trim();
  if (text === '') return markdown;
  if (TITLE_LINE.test(markdown)) return markdown.replace(TITLE_LINE, () => `# ${text}`);
  return `# ${text}\n\n${markdown}`;
}

/** Jupyter's own encoding of a source: a list of lines, each keeping its `\n`. */
function sourceLines(text: string): string[] {
  return text === '' ? [] : (text.match(/[^\n]*\n|[^\n]+$/g) ?? []);
}
