import { newId } from './ids.js';
import type { ImportJob, NewImportJob } from './records.js';
import { nowIso } from './time.js';

/** A freshly created import job, before any row was read; both adapters store exactly this. */
export function newImportJob(input: NewImportJob): ImportJob {
  const now = nowIso();
  return {
    id: newId(),
    userId: input.userId,
    kind: input.kind,
    status: 'pending',
    source: input.source,
    total: input.total ?? null,
    processed: 0,
    imported: 0,
    merged: 0,
    rejected: 0,
    errors: [],
    report: null,
    createdAt: now,
    updatedAt: now,
  };
}
