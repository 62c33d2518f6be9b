/**
 * The header's parameter rules: every parameter the header lists is assigned in papermill's parameters cell
 * (the code cell tagged `parameters`), so the notebook runs as it is, and every variable that cell assigns is
 * listed, so whoever runs it knows what they may set. The cell's assignments are read as Python; for another
 * kernel's language both rules stay silent rather than guess at its syntax.
 */
import {
  parametersCellAssignments,
  type HeaderParameter,
  type ParameterAssignment,
} from '../notebook/header';
import {
  appendLines,
  insertAfterLine,
  insertAt,
  insertSection,
  lineRange,
  preferredStyle,
} from './headerEdits';
import type { HeaderContext } from './headerEdits';
import { lineOf } from './text';
import type { LintCell, LintEdit, LintFinding, LintFix, LintRange } from './types';

/** header-parameter-unassigned and header-parameter-unlisted on a notebook whose header is cell 0. */
export function lintHeaderParameters(ctx: HeaderContext): LintFinding[] {
  if (!readsPython(ctx.nb.language)) return [];
  const index = ctx.nb.cells.findIndex((c) => c.kind === 'code' && c.tags.includes('parameters'));
  const cell = index > 0 ? ctx.nb.cells[index] : undefined;
  const assigned = cell ? parametersCellAssignments(cell.source) : [];
  const listed = ctx.header.parameters;
  const unassigned = listed.filter((p) => !assigned.some((a) => a.name === p.name));
  const unlisted = assigned.filter((a) => !listed.some((p) => p.name === a.name));
  return [
    ...unassigned.map((p) => unassignedFinding(p, unassigned, cell && { index, cell })),
    ...(cell ? unlisted.map((a) => unlistedFinding(ctx, index, a, unlisted)) : []),
  ];
}

function readsPython(language: string | undefined): boolean {
  return language === undefined || language === '' || /^i?python\d*$/.test(language);
}

/** The parameters cell, by its index among the notebook's cells. */
interface ParametersCell {
  index: number;
  cell: LintCell;
}

function unassignedFinding(
  parameter: HeaderParameter,
  all: readonly HeaderParameter[],
  cell: ParametersCell | undefined,
): LintFinding {
  const { name } = parameter;
  const message = cell
    ? `${name} is listed in the header but not assigned in the parameters cell.`
    : `${name} is listed in the header, but the notebook has no parameters cell to assign it in.`;
  const note = 'None stands in for a default: give each parameter the value the notebook should run with.';
  const fixes: LintFix[] = [
    {
      title: cell ? `Assign ${name} in the parameters cell` : `Add a parameters cell assigning ${name}`,
      edits: [assignEdit(cell, [name])],
      note,
    },
  ];
  if (all.length > 1) {
    const names = all.map((p) => p.name);
    fixes.push({
      title: `Assign all ${names.length} unassigned parameters`,
      edits: [assignEdit(cell, names)],
      note,
    });
  }
  const range = nameRange(parameter);
  return {
    rule: 'header-parameter-unassigned',
    severity: 'warning',
    cell: 0,
    where: { kind: 'source' },
    range,
    message,
    fixes,
  };
}

/** `NAME = None` lines at the end of the parameters cell, or a new parameters cell after the header. */
function assignEdit(cell: ParametersCell | undefined, names: readonly string[]): LintEdit {
  const lines = names.map((name) => `${name} = None`).join('\n');
  if (cell) return appendLines(cell.cell.source, cell.index, lines);
  return { kind: 'insert-cells', index: 1, cells: [{ kind: 'code', source: lines, tags: ['parameters'] }] };
}

function unlistedFinding(
  ctx: HeaderContext,
  index: number,
  assignment: ParameterAssignment,
  all: readonly ParameterAssignment[],
): LintFinding {
  const { name } = assignment;
  const fixes: LintFix[] = [
    { title: `List ${name} in the header's Parameters`, edits: [listEdit(ctx, [name])] },
  ];
  if (all.length > 1) {
    const names = all.map((a) => a.name);
    fixes.push({
      title: `List all ${names.length} unlisted parameters in the header`,
      edits: [listEdit(ctx, names)],
    });
  }
  return {
    rule: 'header-parameter-unlisted',
    // Information, not a warning: the notebook runs as it is, the header only leaves one of its knobs unsaid.
    severity: 'information',
    cell: index,
    where: { kind: 'source' },
    range: nameRange(assignment),
    message: `${name} is assigned in the parameters cell but not listed in the header's Parameters.`,
    fixes,
  };
}

function nameRange(at: { line: number; start: number; end: number }): LintRange {
  return { startLine: at.line, startColumn: at.start, endLine: at.line, endColumn: at.end };
}

const TABLE_HEAD = 'Parameter | Description\n--------- | -----------';
const NOTHING = /^(none|n\/a|na|-|\u2013|\u2014)?\.?$/i;

/** An edit listing `names` in the header the way it lists parameters already (a table row, an item, a name). */
function listEdit(ctx: HeaderContext, names: readonly string[]): LintEdit {
  const { source, header } = ctx;
  const layout = header.parameterLayout;
  if (layout?.kind === 'table') {
    const row = (name: string) => {
      const cells = [name, ...Array<string>(layout.columns - 1).fill('')].join(' | ');
      return layout.outerPipes ? `| ${cells} |` : cells;
    };
    return insertAfterLine(source, 0, layout.lastLine, names.map(row).join('\n'));
  }
  if (layout?.kind === 'list') {
    const items = names.map((name, i) => `${nextMarker(layout.marker, i + 1)}${name}`);
    return insertAfterLine(source, 0, layout.lastLine, items.join('\n'));
  }
  if (layout?.kind === 'names') {
    const end = lineRange(source, ctx.starts, layout.lastLine).endColumn;
    return insertAt(0, layout.lastLine, end, names.map((name) => `, ${name}`).join(''));
  }
  const section = header.sections.find((s) => s.key === 'parameters');
  const table = `${TABLE_HEAD}\n${names.map((name) => `${name} | `).join('\n')}`;
  if (!section) {
    const inline = preferredStyle(header) === 'inline';
    return insertSection(
      ctx,
      'parameters',
      inline ? `**Parameters:** ${names.join(', ')}` : `## Parameters\n\n${table}`,
    );
  }
  // A blank line apart from the heading and from whatever the section says ("None"), so the table stands alone.
  if (section.style === 'heading') return insertAfterLine(source, 0, section.headingLine, `\n${table}\n`);
  const line = lineOf(source, ctx.starts, section.headingLine).replace(/\r$/, '');
  const column = section.inlineColumn ?? line.length;
  if (!NOTHING.test(line.slice(column).trim())) {
    // The section says something other than the names: they go on a line of its own in the same paragraph.
    return insertAfterLine(source, 0, Math.max(section.headingLine, section.body.end - 1), names.join(', '));
  }
  const space = column > 0 && line[column - 1] !== ' ' ? ' ' : '';
  const range = {
    startLine: section.headingLine,
    startColumn: column,
    endLine: section.headingLine,
    endColumn: line.length,
  };
  return { kind: 'replace', cell: 0, range, text: `${space}${names.join(', ')}` };
}

/** The list marker of the item `step` places after the one with `marker`: ordered lists count on. */
function nextMarker(marker: string, step: number): string {
  const ordered = /^(\s*)(\d+)([.)]) $/.exec(marker);
  return ordered ? `${ordered[1] ?? ''}${Number(ordered[2]) + step}${ordered[3] ?? '.'} ` : marker;
}
