import { isRecord, type Notebook, type NotebookCell } from './nbformat';

/**
 * Output-related metadata: cell execution timings, the collapsed/scrolled view state of outputs, and
 * JupyterLab's record of which outputs were hidden. None of it means anything once the outputs are gone.
 */
const CELL_OUTPUT_METADATA = ['execution', 'collapsed', 'scrolled', 'ExecuteTime'] as const;

/**
 * Returns a copy of the notebook with every output gone: code cells get `outputs: []` and
 * `execution_count: null`, output-related cell metadata is dropped, and so is the notebook's saved widget
 * state (`metadata.widgets`), which can hold any value a widget displayed. Publishing strips on the server,
 * so no secret a cell once printed reaches the catalog. Attachments (images pasted into markdown) are the
 * author's content and stay.
 */
export function stripOutputs(notebook: Notebook): Notebook {
  const out: Notebook = { ...notebook, cells: notebook.cells.map(stripCell) };
  if (isRecord(notebook.metadata) && 'widgets' in notebook.metadata) {
    const { widgets: _widgets, ...metadata } = notebook.metadata;
    out.metadata = metadata;
  }
  return out;
}

function stripCell(cell: NotebookCell): NotebookCell {
  const out: NotebookCell = { ...cell };
  if (cell.cell_type === 'code') {
    out.outputs = [];
    out.execution_count = null;
  } else {
    // nbformat forbids outputs on other cells; a hand-edited file might still carry some.
    delete out.outputs;
    delete out.execution_count;
  }
  if (isRecord(cell.metadata)) {
    const metadata: Record<string, unknown> = { ...cell.metadata };
    for (const key of CELL_OUTPUT_METADATA) delete metadata[key];
    const jupyter = metadata.jupyter;
    if (isRecord(jupyter) && 'outputs_hidden' in jupyter) {
      const { outputs_hidden: _hidden, ...rest } = jupyter;
      if (Object.keys(rest).length > 0) metadata.jupyter = rest;
      else delete metadata.jupyter;
    }
    out.metadata = metadata;
  }
  return out;
}
