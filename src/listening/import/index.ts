export {
  HistoryImports,
  type HistoryImportsOptions,
  type ImportProgressSink,
  type Upload,
} from './history-imports.js';
