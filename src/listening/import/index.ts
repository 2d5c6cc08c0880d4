export {
  HistoryImports,
  type HistoryImportsOptions,
  type ImportMetrics,
  type ImportProgressSink,
  type Upload,
} from './history-imports.js';
