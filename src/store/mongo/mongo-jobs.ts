import { EchoError } from '../../errors.js';
import { newImportJob } from '../new-import-job.js';
import type { ImportJob, ImportJobPatch, NewImportJob } from '../records.js';
import type { JobStore } from '../store.js';
import { nowIso } from '../time.js';
import type { MongoCollections } from './mongo-collections.js';
import { type ImportJobDocument, toImportJob } from './mongo-documents.js';

/** Import jobs and their progress. */
export class MongoJobs implements JobStore {
  readonly #collections: MongoCollections;

  constructor(collections: MongoCollections) {
    this.#collections = collections;
  }

  async createImportJob(input: NewImportJob): Promise<ImportJob> {
    const { id, ...job } = newImportJob(input);
    const document: ImportJobDocument = { _id: id, ...job };
    await this.#collections.importJobs.insertOne(document);
    return toImportJob(document);
  }

  async updateImportJob(id: string, patch: ImportJobPatch): Promise<ImportJob> {
    const fields = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    const document = await this.#collections.importJobs.findOneAndUpdate(
      { _id: id },
      { $set: { ...fields, updatedAt: nowIso() } },
      { returnDocument: 'after' },
    );
    if (document === null) throw new EchoError('not_found', `Import job ${id} not found`);
    return toImportJob(document);
  }

  async getImportJob(id: string): Promise<ImportJob | null> {
    const document = await this.#collections.importJobs.findOne({ _id: id });
    return document === null ? null : toImportJob(document);
  }
}
