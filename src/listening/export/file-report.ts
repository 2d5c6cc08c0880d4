import type { HistorySource, HistoryVintage } from './export-files.js';
import type { RowOutcome } from './history-rows.js';

const maxReportedErrors = 20;

/** What became of one history file. */
export interface FileReport {
  /** The file's name (its path inside the ZIP). */
  name: string;
  /** Null when the file failed before its kind was known. */
  source: HistorySource | null;
  vintage: HistoryVintage | null;
  /**
   * ok: read to the end. failed: damaged or not a history file (error says why; plays read before the
   * problem showed were delivered). refused: over a limit, or unreadable (encrypted), and never parsed.
   */
  status: 'ok' | 'failed' | 'refused';
  error: string | null;
  /** Uncompressed bytes of the file that were parsed (0 when it was refused or failed its checks). */
  bytes: number;
  rows: number;
  plays: number;
  skippedPodcasts: number;
  skippedAudiobooks: number;
  /** Music rows without a track name (removed or unattributed tracks): not playable, not errors. */
  unplayable: number;
  /** Rows that failed validation; `errors` holds the first few reasons. */
  rejected: number;
  /** A bounded sample of rejections: "endsong_0.json[12]: ms_played: Invalid input: expected number…". */
  errors: string[];
}

export function newFileReport(name: string): FileReport {
  return {
    name,
    source: null,
    vintage: null,
    status: 'ok',
    error: null,
    bytes: 0,
    rows: 0,
    plays: 0,
    skippedPodcasts: 0,
    skippedAudiobooks: 0,
    unplayable: 0,
    rejected: 0,
    errors: [],
  };
}

/** Counts a row's outcome in the report. `index` is the row's position in the file's array, from 0. */
export function countRow(report: FileReport, index: number, outcome: RowOutcome): void {
  report.rows++;
  switch (outcome.kind) {
    case 'play':
      report.plays++;
      break;
    case 'podcast':
      report.skippedPodcasts++;
      break;
    case 'audiobook':
      report.skippedAudiobooks++;
      break;
    case 'unplayable':
      report.unplayable++;
      break;
    case 'rejected':
      report.rejected++;
      if (report.errors.length < maxReportedErrors) {
        report.errors.push(`${report.name}[${index}]: ${outcome.reason}`);
      }
      break;
  }
}

export function failFile(report: FileReport, status: 'failed' | 'refused', error: string): void {
  report.status = status;
  report.error = error;
}
