import type { HistoryImport, HistoryImportFile, HistoryImportReport } from '../../protocol/index.js';
import type { ImportJob } from '../../store/index.js';
import type { ExportSummary } from '../export/index.js';

export function newImportReport(): HistoryImportReport {
  return {
    progress: 0,
    files: [],
    plays: 0,
    inserted: 0,
    duplicates: 0,
    matchedByUri: 0,
    matchedByName: 0,
    unmatched: 0,
    skippedPodcasts: 0,
    skippedAudiobooks: 0,
    unplayable: 0,
    rejected: 0,
    incognito: 0,
    firstPlayedAt: null,
    lastPlayedAt: null,
  };
}

/** An upload as read so far: its export's summary, or the file it became when nothing could be read. */
export type UploadOutcome = ExportSummary | HistoryImportFile;

/**
 * The report's file list and row counts from the uploads read so far, in order; the play counts
 * (inserted, matched…) are kept by the import as it stores each batch.
 */
export function withFiles(
  report: HistoryImportReport,
  uploads: readonly UploadOutcome[],
): HistoryImportReport {
  const summaries = uploads.filter((upload): upload is ExportSummary => 'totals' in upload);
  const files = uploads.flatMap((upload) => ('totals' in upload ? filesOf(upload) : [upload]));
  const total = (field: 'skippedPodcasts' | 'skippedAudiobooks' | 'unplayable' | 'rejected') =>
    files.reduce((sum, file) => sum + file[field], 0);
  const times = summaries.flatMap((summary) => [summary.firstPlayedAt, summary.lastPlayedAt]);
  const known = times.filter((time): time is string => time !== null).sort();
  return {
    ...report,
    files,
    skippedPodcasts: total('skippedPodcasts'),
    skippedAudiobooks: total('skippedAudiobooks'),
    unplayable: total('unplayable'),
    rejected: total('rejected'),
    firstPlayedAt: known[0] ?? null,
    lastPlayedAt: known.at(-1) ?? null,
  };
}

/** A plain JSON upload is one file named as uploaded; a ZIP's files are `upload.zip › member`. */
function filesOf(summary: ExportSummary): HistoryImportFile[] {
  return summary.files.map((file) => ({
    name: summary.container === 'zip' ? `${summary.input} › ${file.name}` : summary.input,
    status: file.status,
    error: file.error,
    rows: file.rows,
    plays: file.plays,
    skippedPodcasts: file.skippedPodcasts,
    skippedAudiobooks: file.skippedAudiobooks,
    unplayable: file.unplayable,
    rejected: file.rejected,
  }));
}

/** An upload nothing could be read from, as a file of the report. */
export function refusedUpload(name: string, error: string): HistoryImportFile {
  return {
    name,
    status: 'refused',
    error,
    rows: 0,
    plays: 0,
    skippedPodcasts: 0,
    skippedAudiobooks: 0,
    unplayable: 0,
    rejected: 0,
  };
}

/** What a listener sees of a job: everything but whose it is. */
export function toHistoryImport(job: ImportJob): HistoryImport {
  return {
    id: job.id,
    status: job.status,
    source: job.source,
    report: job.report ?? newImportReport(),
    errors: job.errors,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}
