import { EchoError } from '../../errors.js';
import { newImportJob } from '../new-import-job.js';
import type { ImportJob, ImportJobPatch, NewImportJob } from '../records.js';
import type { JobStore, Synchronous } from '../store.js';
import { nowIso } from '../time.js';
import { type ImportJobRow, toImportJob } from './sqlite-rows.js';
import type { SqliteStatements } from './sqlite-statements.js';

/** Patch fields and their columns; only these can ever reach the UPDATE statement. */
const importJobColumns = {
  status: 'status',
  total: 'total',
  processed: 'processed',
  imported: 'imported',
  merged: 'merged',
  rejected: 'rejected',
  errors: 'errors',
  report: 'report',
} as const satisfies Record<keyof ImportJobPatch, string>;

/** Import jobs and their progress. */
export class SqliteJobs implements Synchronous<JobStore> {
  readonly #sql: SqliteStatements;

  constructor(statements: SqliteStatements) {
    this.#sql = statements;
  }

  createImportJob(input: NewImportJob): ImportJob {
    const job = newImportJob(input);
    this.#sql.run(
      `INSERT INTO import_jobs (id, user_id, kind, status, source, total, processed, imported, merged,
         rejected, errors, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, '[]', ?, ?)`,
      job.id,
      job.userId,
      job.kind,
      job.status,
      job.source,
      job.total,
      job.createdAt,
      job.updatedAt,
    );
    return job;
  }

  updateImportJob(id: string, patch: ImportJobPatch): ImportJob {
    const assignments = ['updated_at = ?'];
    const parameters: unknown[] = [nowIso()];
    for (const [field, column] of Object.entries(importJobColumns)) {
      const value = patch[field as keyof ImportJobPatch];
      if (value === undefined) continue;
      assignments.push(`${column} = ?`);
      parameters.push(typeof value === 'object' && value !== null ? JSON.stringify(value) : value);
    }
    const changed = this.#sql.run(
      `UPDATE import_jobs SET ${assignments.join(', ')} WHERE id = ?`,
      ...parameters,
      id,
    );
    if (changed === 0) throw new EchoError('not_found', `Import job ${id} not found`);
    return this.getImportJob(id)!;
  }

  getImportJob(id: string): ImportJob | null {
    const row = this.#sql.get<ImportJobRow>('SELECT * FROM import_jobs WHERE id = ?', id);
    return row === undefined ? null : toImportJob(row);
  }
}
