import type { CatalogTrack } from '../../protocol/index.js';
import type { CatalogStore, ImportJob, JobStore } from '../../store/index.js';
import { type ImportReport, importRecords } from './catalog-import.js';
import { openCatalogSource } from './read-source.js';

const writeBatch = 1000;

export interface ImportProgress {
  phase: 'reading' | 'writing';
  done: number;
  total: number | null;
}

export interface ImportIntoStoreOptions {
  withoutGenres?: boolean;
  userId?: string | null;
  onProgress?: (progress: ImportProgress) => void;
}

/**
 * Imports a catalog file or URL into the store, recorded as an import job: read and validate the
 * whole source (so duplicates merge before anything is written), then upsert in batches.
 */
export async function importCatalogIntoStore(
  store: CatalogStore & JobStore,
  location: string,
  options: ImportIntoStoreOptions = {},
): Promise<{ job: ImportJob; report: ImportReport; tracks: CatalogTrack[] }> {
  const job = await store.createImportJob({
    userId: options.userId ?? null,
    kind: 'catalog',
    source: location,
  });
  await store.updateImportJob(job.id, { status: 'running' });
  try {
    const source = await openCatalogSource(location);
    let records = 0;
    const { tracks, report } = await importRecords(source.records, {
      withoutGenres: options.withoutGenres ?? false,
      onRecord: () => {
        // Reporting every record would cost more than the import; every 500th is smooth enough.
        if (++records % 500 === 0) {
          options.onProgress?.({ phase: 'reading', done: source.bytesRead(), total: source.totalBytes });
        }
      },
    });
    await store.updateImportJob(job.id, { total: report.read, processed: report.read });
    for (let start = 0; start < tracks.length; start += writeBatch) {
      await store.upsertTracks(tracks.slice(start, start + writeBatch));
      options.onProgress?.({
        phase: 'writing',
        done: Math.min(tracks.length, start + writeBatch),
        total: tracks.length,
      });
    }
    const done = await store.updateImportJob(job.id, {
      status: 'done',
      imported: report.imported,
      merged: report.merged,
      rejected: report.rejected,
      errors: report.errors,
    });
    return { job: done, report, tracks };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await store.updateImportJob(job.id, { status: 'failed', errors: [message] });
    throw error;
  }
}
