import { describeIssues } from '../../errors.js';
import type { CatalogTrack } from '../../protocol/index.js';
import { type ColumnSet, detectColumnSet, type MapOptions, mapRecord } from './columns.js';
import { importRowSchema } from './row-schema.js';

const maxReportedErrors = 20;

export interface ImportReport {
  columnSet: ColumnSet | null;
  /** Records read from the source. */
  read: number;
  /** Distinct tracks produced. */
  imported: number;
  /** Records that repeated a track id already seen; their genres were merged into it. */
  merged: number;
  rejected: number;
  /** A bounded sample of rejection reasons ("row 12: features.energy: expected number"). */
  errors: string[];
}

export interface ImportResult {
  tracks: CatalogTrack[];
  report: ImportReport;
}

/**
 * Validates and deduplicates catalog records. A repeated track id keeps its first row and gains the
 * repeat's genres (TidyTuesday lists a track once per playlist it appears in).
 */
export class CatalogImporter {
  private readonly byId = new Map<string, CatalogTrack>();
  private columnSet: ColumnSet | null = null;
  readonly report: ImportReport = {
    columnSet: null,
    read: 0,
    imported: 0,
    merged: 0,
    rejected: 0,
    errors: [],
  };

  constructor(private readonly options: MapOptions = { withoutGenres: false }) {}

  add(record: Record<string, unknown>): void {
    this.report.read++;
    const rowNumber = this.report.read;
    this.columnSet ??= detectColumnSet(Object.keys(record));
    this.report.columnSet = this.columnSet;
    if (this.columnSet === null) {
      this.reject(rowNumber, 'unrecognized columns (expected the TidyTuesday, Kaggle or EchoTune columns)');
      return;
    }
    const parsed = importRowSchema.safeParse(mapRecord(this.columnSet, record, this.options));
    if (!parsed.success) {
      this.reject(rowNumber, describeIssues(parsed.error.issues));
      return;
    }
    const known = this.byId.get(parsed.data.id);
    if (known) {
      this.report.merged++;
      for (const genre of parsed.data.genres) if (!known.genres.includes(genre)) known.genres.push(genre);
      return;
    }
    this.byId.set(parsed.data.id, { ...parsed.data, genres: [...new Set(parsed.data.genres)] });
    this.report.imported = this.byId.size;
  }

  result(): ImportResult {
    return { tracks: [...this.byId.values()], report: this.report };
  }

  private reject(rowNumber: number, reason: string): void {
    this.report.rejected++;
    if (this.report.errors.length < maxReportedErrors) this.report.errors.push(`row ${rowNumber}: ${reason}`);
  }
}

/** Imports records from any (async) iterable: see read-source.ts for CSV and JSON. */
export async function importRecords(
  records: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
  options: MapOptions & { onRecord?: (report: ImportReport) => void } = { withoutGenres: false },
): Promise<ImportResult> {
  const importer = new CatalogImporter(options);
  for await (const record of records) {
    importer.add(record);
    options.onRecord?.(importer.report);
  }
  return importer.result();
}
