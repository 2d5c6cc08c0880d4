import { EchoError } from '../../errors.js';
import { type ByteChunks, meteredBytes, peekBytes } from './byte-streams.js';
import { classifyExportFile } from './export-files.js';
import { defaultExportLimits, describeBytes, ExportLimitError, type ExportLimits } from './export-limits.js';
import { type ExportSummary, newExportSummary, notePlayTimes, refreshTotals } from './export-summary.js';
import { failFile, newFileReport } from './file-report.js';
import { JsonShapeError } from './json-array-elements.js';
import type { Play } from './play.js';
import { readHistoryFile } from './read-history-file.js';
import { readZipExport } from './read-zip-export.js';
import { MemberDataError, ZipFormatError } from './zip-archive.js';

export interface ReadExportOptions {
  /** The upload's file name: named in every error, and the `file` of plays from a plain JSON upload. */
  fileName: string;
  /** Plays per batch (default 1,000). A batch never mixes files. */
  batchSize?: number;
  limits?: Partial<ExportLimits>;
  /** Where a ZIP is spooled while it is read (default: the system's temporary directory). */
  temporaryDirectory?: string;
}

/** Batches of plays, in file order; `summary` counts as they come and is complete once iteration ends. */
export interface ExportReading extends AsyncIterable<Play[]> {
  readonly summary: ExportSummary;
}

/** The four bytes every ZIP starts with: a local file header, or the end record of an empty archive. */
const zipSignatures = [Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('PK\x05\x06', 'latin1')];

/**
 * Reads a Spotify personal-data export: the ZIP as downloaded, or one of its JSON history files.
 * Nothing holds the whole export: a ZIP is spooled to a temporary file and its members are streamed,
 * and a JSON file is parsed one row at a time.
 *
 * Iterating throws an EchoError naming the upload when nothing can be read: `payload_too_large` over
 * a limit on the upload (size, members), `invalid` when it is not JSON, not an array of objects, not
 * a listening history or not a readable ZIP. Inside a ZIP a damaged or oversized history file is
 * reported in its FileReport and the other files are still read.
 */
export function readSpotifyExport(input: ByteChunks, options: ReadExportOptions): ExportReading {
  const limits: ExportLimits = { ...defaultExportLimits, ...options.limits };
  const batchSize = options.batchSize ?? 1_000;
  const summary = newExportSummary(options.fileName);
  let started = false;

  async function* run(): AsyncGenerator<Play[]> {
    const metered = meteredBytes(input, (total) => {
      summary.inputBytes = total;
      if (total > limits.maxInputBytes) {
        throw new ExportLimitError(
          `is larger than the ${describeBytes(limits.maxInputBytes)} upload limit`,
          'maxInputBytes',
        );
      }
    });
    const { head, chunks, close } = await peekBytes(metered, 4);
    try {
      const isZip = zipSignatures.some((signature) => head.equals(signature));
      summary.container = isZip ? 'zip' : 'json';
      const batches = isZip
        ? readZipExport(chunks, summary, {
            limits,
            batchSize,
            temporaryDirectory: options.temporaryDirectory,
          })
        : readJsonExport(chunks, summary, limits, batchSize);
      for await (const batch of batches) {
        notePlayTimes(summary, batch);
        refreshTotals(summary);
        yield batch;
      }
      refreshTotals(summary);
    } finally {
      await close();
    }
  }

  async function* guarded(): AsyncGenerator<Play[]> {
    try {
      yield* run();
    } catch (error) {
      refreshTotals(summary);
      throw asEchoError(error, options.fileName);
    }
  }

  return {
    summary,
    [Symbol.asyncIterator]() {
      if (started) throw new Error('an export reading can be iterated once');
      started = true;
      return guarded();
    },
  };
}

/** A plain JSON upload is one history file, whose name may say what it is or not (then its rows do). */
async function* readJsonExport(
  chunks: AsyncIterable<Buffer>,
  summary: ExportSummary,
  limits: ExportLimits,
  batchSize: number,
): AsyncGenerator<Play[]> {
  const kind = classifyExportFile(summary.input);
  if (kind.kind === 'skipped') {
    summary.skippedMembers.push(summary.input);
    return;
  }
  const report = newFileReport(summary.input);
  summary.files.push(report);
  const bytes = meteredBytes(chunks, (total) => {
    report.bytes = total;
    if (total > limits.maxMemberBytes) {
      throw new ExportLimitError(
        `is larger than the ${describeBytes(limits.maxMemberBytes)} per-file limit`,
        'maxMemberBytes',
      );
    }
  });
  try {
    yield* readHistoryFile(bytes, report, { kind, batchSize, maxRowBytes: limits.maxRowBytes });
  } catch (error) {
    if (error instanceof JsonShapeError || error instanceof ExportLimitError) {
      failFile(report, error instanceof ExportLimitError ? 'refused' : 'failed', error.message);
    }
    throw error;
  }
}

function asEchoError(error: unknown, fileName: string): unknown {
  if (error instanceof ExportLimitError) {
    return new EchoError('payload_too_large', `${fileName}: ${error.message}`, { cause: error });
  }
  if (
    error instanceof JsonShapeError ||
    error instanceof ZipFormatError ||
    error instanceof MemberDataError
  ) {
    return new EchoError('invalid', `${fileName}: ${error.message}`, { cause: error });
  }
  return error;
}
