import { newId } from '../ids.js';
import type { NewUsageRecord } from '../records.js';
import type { Synchronous, UsageStore } from '../store.js';
import { nowIso, toIsoTime } from '../time.js';
import type { SqliteStatements } from './sqlite-statements.js';

/** The usage (tokens, cost) of upstream model calls. */
export class SqliteUsage implements Synchronous<UsageStore> {
  readonly #sql: SqliteStatements;

  constructor(statements: SqliteStatements) {
    this.#sql = statements;
  }

  recordUsage(input: NewUsageRecord): void {
    this.#sql.run(
      `INSERT INTO usage (id, user_id, session_id, turn_id, deployment_id, provider, model, input_tokens,
         output_tokens, cost_usd, estimated, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      newId(),
      input.userId,
      input.sessionId,
      input.turnId,
      input.deploymentId,
      input.provider,
      input.model,
      input.inputTokens,
      input.outputTokens,
      input.costUsd,
      input.estimated ? 1 : 0,
      input.createdAt === undefined ? nowIso() : toIsoTime(input.createdAt, 'createdAt'),
    );
  }

  sumUsageCost(userId: string, since: Date): number {
    const row = this.#sql.get<{ total: number }>(
      'SELECT COALESCE(SUM(cost_usd), 0) AS total FROM usage WHERE user_id = ? AND created_at >= ?',
      userId,
      since.toISOString(),
    );
    return row?.total ?? 0;
  }
}
