import { type ExportFileKind, sniffHistoryKind } from './export-files.js';
import { describeBytes } from './export-limits.js';
import { countRow, type FileReport } from './file-report.js';
import { readHistoryRow } from './history-rows.js';
import { JsonShapeError, jsonArrayElements } from './json-array-elements.js';
import type { Play } from './play.js';

export interface HistoryFileOptions {
  /** From the file's name; 'other' (a renamed upload) is decided by the fields of the first row. */
  kind: ExportFileKind;
  batchSize: number;
  maxRowBytes: number;
}

/**
 * Reads one history file (a JSON array of rows) into batches of plays, counting every row in the
 * report. Throws JsonShapeError when the file is not a JSON array of objects, or not history; the plays
 * read before the problem showed are delivered first.
 */
export async function* readHistoryFile(
  chunks: AsyncIterable<Uint8Array>,
  report: FileReport,
  options: HistoryFileOptions,
): AsyncGenerator<Play[]> {
  let kind = options.kind.kind === 'history' ? options.kind : null;
  if (kind) {
    report.source = kind.source;
    report.vintage = kind.vintage;
  }
  let batch: Play[] = [];
  try {
    for await (const element of jsonArrayElements(chunks, { maxElementBytes: options.maxRowBytes })) {
      if (element.oversized !== undefined) {
        const reason = `the row is ${describeBytes(element.oversized)}, over the ${describeBytes(options.maxRowBytes)} row limit`;
        countRow(report, element.index, { kind: 'rejected', reason });
        continue;
      }
      if (!kind) {
        const sniffed = sniffHistoryKind(element.value);
        if (sniffed.kind !== 'history') {
          const fields = Object.keys(element.value).slice(0, 8).join(', ') || 'none';
          throw new JsonShapeError(
            `is not a Spotify listening history: its first row has the fields ${fields} ` +
              '(expected endTime, artistName, trackName, msPlayed or ts, ms_played, master_metadata_track_name…)',
            0,
          );
        }
        kind = sniffed;
        report.source = kind.source;
        report.vintage = kind.vintage;
      }
      const outcome = readHistoryRow(kind.source, element.value, report.name);
      countRow(report, element.index, outcome);
      if (outcome.kind !== 'play') continue;
      batch.push(outcome.play);
      if (batch.length >= options.batchSize) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    // The plays counted so far are delivered before the error, so the report and the batches agree.
    if (batch.length > 0) yield batch;
    throw error;
  }
  if (batch.length > 0) yield batch;
}
