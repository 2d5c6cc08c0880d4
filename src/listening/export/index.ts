export type { HistorySource, HistoryVintage } from './export-files.js';
export { defaultExportLimits, type ExportLimits } from './export-limits.js';
export type { ExportSummary, ExportTotals } from './export-summary.js';
export type { FileReport } from './file-report.js';
export { type ListeningSignal, listeningSignal, signalThresholds } from './listening-signal.js';
export type { Play } from './play.js';
export { type ExportReading, type ReadExportOptions, readSpotifyExport } from './read-export.js';
