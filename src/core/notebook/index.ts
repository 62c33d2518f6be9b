export { parseNotebookHeader } from './header';
export {
  isRecord,
  parseNotebook,
  serializeNotebook,
  sourceText,
  type Notebook,
  type NotebookCell,
  type ParseNotebookResult,
} from './nbformat';
export { stripOutputs } from './strip';
