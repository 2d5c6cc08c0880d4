import type { Entry } from 'yauzl';
import { drainBytes, meteredBytes } from './byte-streams.js';
import { classifyExportFile } from './export-files.js';
import { describeBytes, ExportLimitError, type ExportLimits } from './export-limits.js';
import { addIgnoredMember, type ExportSummary } from './export-summary.js';
import { type FileReport, failFile, newFileReport } from './file-report.js';
import { JsonShapeError } from './json-array-elements.js';
import type { Play } from './play.js';
import { readHistoryFile } from './read-history-file.js';
import { spoolToFile } from './spool-file.js';
import {
  declaredSizeProblem,
  MemberDataError,
  openZipArchive,
  ratio,
  type ZipArchive,
} from './zip-archive.js';

export interface ZipReadSettings {
  limits: ExportLimits;
  batchSize: number;
  temporaryDirectory: string | undefined;
}

/**
 * Reads the history files of a ZIP export, one after another. A file that is damaged, over a limit or
 * not history is reported in its FileReport and the others are still read. Each member is inflated
 * twice: once to check its size limits and CRC-32 (so a damaged member delivers no plays), once to parse.
 */
export async function* readZipExport(
  chunks: AsyncIterable<Buffer>,
  summary: ExportSummary,
  settings: ZipReadSettings,
): AsyncGenerator<Play[]> {
  const spooled = await spoolToFile(chunks, settings.temporaryDirectory);
  try {
    const archive = await openZipArchive(spooled.path, settings.limits.maxMembers);
    try {
      const history = sortMembers(archive.entries, summary);
      summary.historyBytes = history.reduce((total, entry) => total + entry.uncompressedSize, 0);
      if (history.length === 0 && summary.skippedMembers.length === 0) {
        const listed = summary.ignoredMembers.slice(0, 10).join(', ') || 'no files';
        throw new JsonShapeError(
          'holds no Spotify listening history (StreamingHistory_music_N.json, StreamingHistoryN.json, ' +
            `Streaming_History_Audio_….json or endsong_N.json); it holds ${listed}`,
          0,
        );
      }
      let usedBytes = 0;
      for (const entry of history) {
        const kind = classifyExportFile(entry.fileName);
        const report = newFileReport(entry.fileName);
        if (kind.kind === 'history') Object.assign(report, { source: kind.source, vintage: kind.vintage });
        summary.files.push(report);
        const checked = await checkMember(archive, entry, report, settings.limits, usedBytes);
        if (checked === null) continue;
        usedBytes += checked;
        try {
          const bytes = meteredBytes(archive.memberBytes(entry), (total) => {
            report.bytes = total;
          });
          yield* readHistoryFile(bytes, report, {
            kind,
            batchSize: settings.batchSize,
            maxRowBytes: settings.limits.maxRowBytes,
          });
        } catch (error) {
          if (!(error instanceof JsonShapeError || error instanceof MemberDataError)) throw error;
          failFile(report, 'failed', error.message);
        }
      }
    } finally {
      archive.close();
    }
  } finally {
    await spooled.remove();
  }
}

/** Files the members: history files are returned in archive order, the others counted in the summary. */
function sortMembers(entries: readonly Entry[], summary: ExportSummary): Entry[] {
  const history: Entry[] = [];
  for (const entry of entries) {
    const kind = classifyExportFile(entry.fileName);
    if (kind.kind === 'history') history.push(entry);
    else if (kind.kind === 'skipped') summary.skippedMembers.push(entry.fileName);
    else addIgnoredMember(summary, entry.fileName);
  }
  return history;
}

/**
 * Checks a member before it is parsed: readable, declared sizes within the limits, then inflated once
 * with the limits enforced on the bytes as they come and its CRC-32 checked. Returns its size, or null
 * when the report now says why it is not read.
 */
async function checkMember(
  archive: ZipArchive,
  entry: Entry,
  report: FileReport,
  limits: ExportLimits,
  usedBytes: number,
): Promise<number | null> {
  if (entry.isEncrypted()) {
    failFile(report, 'refused', 'is encrypted');
    return null;
  }
  if (!entry.canDecodeFileData()) {
    failFile(report, 'refused', `uses compression method ${entry.compressionMethod}, which cannot be read`);
    return null;
  }
  const remainingTotalBytes = limits.maxTotalUncompressedBytes - usedBytes;
  const declared = declaredSizeProblem(entry, { ...limits, remainingTotalBytes });
  if (declared) {
    failFile(report, 'refused', declared.message);
    return null;
  }
  try {
    return await drainBytes(
      meteredBytes(archive.memberBytes(entry), (total) =>
        checkInflated(total, entry, limits, remainingTotalBytes),
      ),
    );
  } catch (error) {
    if (error instanceof ExportLimitError) failFile(report, 'refused', error.message);
    else if (error instanceof MemberDataError) failFile(report, 'failed', error.message);
    else throw error;
    return null;
  }
}

/** The limits on a member's bytes as they inflate; yauzl also stops it at its declared size. */
function checkInflated(total: number, entry: Entry, limits: ExportLimits, remainingTotalBytes: number): void {
  if (total > limits.maxMemberBytes) {
    throw new ExportLimitError(
      `inflates past the ${describeBytes(limits.maxMemberBytes)} per-file limit`,
      'maxMemberBytes',
    );
  }
  if (total > remainingTotalBytes) {
    throw new ExportLimitError(
      `inflates past the ${describeBytes(limits.maxTotalUncompressedBytes)} total limit`,
      'maxTotalUncompressedBytes',
    );
  }
  if (total > limits.ratioGraceBytes && total > limits.maxCompressionRatio * entry.compressedSize) {
    throw new ExportLimitError(
      `inflates at more than ${ratio(total, entry.compressedSize)}:1, over the limit of ${limits.maxCompressionRatio}:1`,
      'maxCompressionRatio',
    );
  }
}
