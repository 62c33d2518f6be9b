export {
  headerPlaceholders,
  isPlaceholderText,
  parametersCellAssignments,
  parseHeaderCell,
  parseNotebookHeader,
  type HeaderCell,
  type HeaderParameter,
  type HeaderParameterLayout,
  type HeaderSection,
  type HeaderTitle,
  type ParameterAssignment,
} from './header';
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
export {
  DEFAULT_HEADER_PLACEHOLDERS,
  DEFAULT_HEADER_TEMPLATE,
  HEADER_SECTION_KEYS,
  HEADER_SECTION_NAMES,
  headerTemplateFromNotebook,
  notebookFromTemplate,
  type HeaderPlaceholders,
  type HeaderSectionKey,
  type HeaderTemplate,
  type HeaderTemplateResult,
  type NewNotebookOptions,
  type NotebookKernel,
} from './template';
