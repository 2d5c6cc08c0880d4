import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { EchoError, isEchoError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { HistoryImport, HistoryImportReport } from '../../protocol/index.js';
import type { Recommender } from '../../recommend/index.js';
import type { ImportJob, JobStore, ListeningStore } from '../../store/index.js';
import {
  type ExportLimits,
  type ExportSummary,
  listeningSignal,
  type Play,
  readSpotifyExport,
} from '../export/index.js';
import { PlayMatcher, toListeningEvent } from '../play-matching.js';
import {
  newImportReport,
  refusedUpload,
  toHistoryImport,
  type UploadOutcome,
  withFiles,
} from './import-report.js';
import { withoutMinuteTwins } from './minute-twins.js';

/** One uploaded file, spooled to disk by the route; the import removes it when done. */
export interface Upload {
  fileName: string;
  path: string;
  bytes: number;
}

/** What imports tell the service's metrics. */
export interface ImportMetrics {
  importStarted(): void;
  importEnded(outcome: 'done' | 'failed'): void;
}

/** Where an import's progress goes: every socket of the listener. */
export interface ImportProgressSink {
  importProgress(userId: string, job: HistoryImport): void;
}

export interface HistoryImportsOptions {
  store: Pick<JobStore, 'createImportJob' | 'updateImportJob' | 'getImportJob'> &
    Pick<ListeningStore, 'addListeningHistory' | 'listListeningHistory'>;
  recommender: Pick<Recommender, 'matchPlay' | 'forgetListener'>;
  logger?: Logger;
  limits?: Partial<ExportLimits>;
  /** Progress is saved and published at most this often, and once at the end (default 250 ms). */
  progressIntervalMs?: number;
  batchSize?: number;
  metrics?: ImportMetrics;
  /**
   * An unfinished import not saved for this long is one whose instance died (a running import saves at
   * least every quarter of it): reading it marks it failed, saying to upload again (default 60 s).
   */
  staleAfterMs?: number;
}

const STALE_AFTER_MS = 60_000;

const maxErrors = 20;
const stoppedMessage =
  'the server stopped during the import; upload the files again (plays already stored are kept and are not added twice)';

/**
 * Listening-history imports: each upload set becomes a job that reads the export as a stream, matches
 * plays to the catalog, stores them in batches (a re-import adds nothing) and reports as it goes.
 */
export class HistoryImports {
  readonly #options: HistoryImportsOptions;
  readonly #running = new Map<string, { stop: AbortController; done: Promise<void> }>();

  constructor(options: HistoryImportsOptions) {
    this.#options = options;
  }

  /** Creates the job and starts it; answers at once with the pending job. */
  async start(userId: string, uploads: readonly Upload[], sink: ImportProgressSink): Promise<HistoryImport> {
    if (uploads.length === 0) throw new EchoError('invalid', 'files: upload at least one file');
    const source = uploads
      .map((upload) => upload.fileName)
      .join(', ')
      .slice(0, 500);
    const job = await this.#options.store.createImportJob({ userId, kind: 'history', source });
    const stop = new AbortController();
    const done = this.#run(job, uploads, sink, stop.signal)
      .catch((error: unknown) =>
        this.#options.logger?.error({ err: error, jobId: job.id }, 'history import failed'),
      )
      .finally(() => this.#running.delete(job.id));
    this.#running.set(job.id, { stop, done });
    return toHistoryImport(job);
  }

  /** The listener's own import; anyone else's is not found. One whose instance died reads as failed. */
  async get(userId: string, id: string): Promise<HistoryImport> {
    const job = await this.#options.store.getImportJob(id);
    if (job === null || job.kind !== 'history' || job.userId !== userId) {
      throw new EchoError('not_found', `Import ${id} not found`);
    }
    if (!this.#abandoned(job)) return toHistoryImport(job);
    this.#options.logger?.warn({ jobId: id, updatedAt: job.updatedAt }, 'history import abandoned');
    return toHistoryImport(
      await this.#options.store.updateImportJob(id, { status: 'failed', errors: [stoppedMessage] }),
    );
  }

  /** Unfinished, not running here, and not saved for longer than any running import would go unsaved. */
  #abandoned(job: ImportJob): boolean {
    if (job.status !== 'pending' && job.status !== 'running') return false;
    if (this.#running.has(job.id)) return false;
    return Date.now() - Date.parse(job.updatedAt) > this.#staleAfterMs;
  }

  get #staleAfterMs(): number {
    return this.#options.staleAfterMs ?? STALE_AFTER_MS;
  }

  /** Resolves once every running import has finished (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.#running.values()].map((running) => running.done));
  }

  /** Stops the running imports; each is marked failed, saying to upload again. */
  async close(): Promise<void> {
    for (const running of this.#running.values()) running.stop.abort();
    await this.idle();
  }

  async #run(job: ImportJob, uploads: readonly Upload[], sink: ImportProgressSink, signal: AbortSignal) {
    const userId = job.userId!;
    const progress = new ProgressPublisher(this.#options, job.id, userId, sink);
    const tally = new ImportTally(new PlayMatcher(this.#options.recommender), userId);
    const outcomes: UploadOutcome[] = [];
    const totalBytes = uploads.reduce((sum, upload) => sum + upload.bytes, 0);
    let finishedBytes = 0;
    let outcome: 'done' | 'failed' = 'failed';
    this.#options.metrics?.importStarted();
    // Touched even when no batch finishes (a slow store, a long file member), so it never looks abandoned.
    const heartbeat = setInterval(
      () => void this.#options.store.updateImportJob(job.id, {}).catch(() => undefined),
      this.#staleAfterMs / 4,
    );
    try {
      await progress.save({ status: 'running' }, tally.report, true);
      for (const upload of uploads) {
        const reading = readSpotifyExport(createReadStream(upload.path), {
          fileName: upload.fileName,
          limits: this.#options.limits,
          batchSize: this.#options.batchSize,
        });
        const fraction = () =>
          (finishedBytes + upload.bytes * readFraction(reading.summary, upload)) / totalBytes;
        try {
          for await (const plays of reading) {
            if (signal.aborted) throw new EchoError('unavailable', stoppedMessage);
            const events = plays.map((play) => tally.event(play));
            const { fresh, twins } = await withoutMinuteTwins(this.#options.store, userId, events);
            const stored = await this.#options.store.addListeningHistory(fresh);
            tally.stored({ inserted: stored.inserted, duplicates: stored.duplicates + twins });
            tally.report = withFiles(tally.report, [...outcomes, reading.summary]);
            await progress.save({}, { ...tally.report, progress: Math.min(0.99, fraction()) });
          }
          outcomes.push(reading.summary);
        } catch (error) {
          if (!isEchoError(error) || (error.code !== 'invalid' && error.code !== 'payload_too_large'))
            throw error;
          outcomes.push(refusedUpload(upload.fileName, error.message));
        }
        finishedBytes += upload.bytes;
        tally.report = withFiles(tally.report, outcomes);
      }
      const report = { ...tally.report, progress: 1 };
      const readable = report.files.some((file) => file.status !== 'refused');
      await progress.save({ status: readable ? 'done' : 'failed', errors: errorsOf(report) }, report, true);
      if (readable) outcome = 'done';
    } catch (error) {
      const message = isEchoError(error) ? error.message : 'the import failed unexpectedly; try again';
      await progress.save({ status: 'failed', errors: [message] }, tally.report, true).catch(() => undefined);
      if (!isEchoError(error)) throw error;
    } finally {
      clearInterval(heartbeat);
      this.#options.metrics?.importEnded(outcome);
      this.#options.recommender.forgetListener(userId);
      await Promise.all(uploads.map((upload) => rm(upload.path, { force: true })));
    }
  }
}

/** How far into one upload the reading is, by bytes of history (a ZIP's members, or the JSON file). */
function readFraction(summary: ExportSummary, upload: Upload): number {
  if (summary.historyBytes !== null) {
    if (summary.historyBytes === 0) return 1;
    return summary.files.reduce((sum, file) => sum + file.bytes, 0) / summary.historyBytes;
  }
  return upload.bytes === 0 ? 1 : Math.min(1, summary.inputBytes / upload.bytes);
}

/** Problems worth showing: files that were not read, then a sample of rejected rows. */
function errorsOf(report: HistoryImportReport): string[] {
  const fileErrors = report.files
    .filter((file) => file.error !== null)
    .map((file) => `${file.name}: ${file.error}`);
  return fileErrors.slice(0, maxErrors);
}

/** Counts what became of each play as batches are matched and stored. */
class ImportTally {
  report: HistoryImportReport = newImportReport();
  readonly #matcher: PlayMatcher;
  readonly #userId: string;

  constructor(matcher: PlayMatcher, userId: string) {
    this.#matcher = matcher;
    this.#userId = userId;
  }

  event(play: Play) {
    const matched = this.#matcher.match(play);
    if (matched === null) this.report.unmatched += 1;
    else if (matched.by === 'uri') this.report.matchedByUri += 1;
    else this.report.matchedByName += 1;
    if (play.incognito === true) this.report.incognito += 1;
    this.report.plays += 1;
    return toListeningEvent(
      this.#userId,
      { ...play, signal: listeningSignal(play), incognito: play.incognito === true },
      matched,
    );
  }

  stored(result: { inserted: number; duplicates: number }): void {
    this.report.inserted += result.inserted;
    this.report.duplicates += result.duplicates;
  }
}

/** Saves the job and tells the listener's sockets, at most every interval unless told to now. */
class ProgressPublisher {
  readonly #options: HistoryImportsOptions;
  readonly #jobId: string;
  readonly #userId: string;
  readonly #sink: ImportProgressSink;
  #lastAt = 0;

  constructor(options: HistoryImportsOptions, jobId: string, userId: string, sink: ImportProgressSink) {
    this.#options = options;
    this.#jobId = jobId;
    this.#userId = userId;
    this.#sink = sink;
  }

  async save(
    patch: { status?: ImportJob['status']; errors?: string[] },
    report: HistoryImportReport,
    now = false,
  ): Promise<void> {
    const interval = this.#options.progressIntervalMs ?? 250;
    if (!now && Date.now() - this.#lastAt < interval) return;
    this.#lastAt = Date.now();
    const job = await this.#options.store.updateImportJob(this.#jobId, {
      ...patch,
      processed: report.plays,
      imported: report.inserted,
      merged: report.duplicates,
      rejected: report.rejected,
      report,
    });
    this.#sink.importProgress(this.#userId, toHistoryImport(job));
  }
}
