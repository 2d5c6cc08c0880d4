import type { Database, Statement, Transaction } from 'better-sqlite3';

/**
 * Prepared statements, cached by SQL text (preparing costs more than running), with typed row helpers.
 * Rows are typed by the caller: better-sqlite3 returns `unknown`, and the schema in
 * sqlite-migrations.ts is what guarantees the shape.
 */
export class SqliteStatements {
  readonly database: Database;
  readonly #cache = new Map<string, Statement>();

  /** One transaction wrapper for every caller: better-sqlite3 builds a wrapper per `transaction()` call. */
  readonly #transaction: Transaction<(work: () => unknown) => unknown>;

  constructor(database: Database) {
    this.database = database;
    this.#transaction = database.transaction((work: () => unknown) => work());
  }

  #prepare(sql: string): Statement {
    let statement = this.#cache.get(sql);
    if (statement === undefined) {
      statement = this.database.prepare(sql);
      this.#cache.set(sql, statement);
    }
    return statement;
  }

  get<Row>(sql: string, ...parameters: unknown[]): Row | undefined {
    return this.#prepare(sql).get(...parameters) as Row | undefined;
  }

  all<Row>(sql: string, ...parameters: unknown[]): Row[] {
    return this.#prepare(sql).all(...parameters) as Row[];
  }

  /** Returns the number of rows changed. */
  run(sql: string, ...parameters: unknown[]): number {
    return this.#prepare(sql).run(...parameters).changes;
  }

  /**
   * Runs `work` in a BEGIN IMMEDIATE transaction: the write lock is taken up front, so a read-then-write
   * inside cannot interleave with another process's writer sharing the file.
   */
  immediate<Result>(work: () => Result): Result {
    return this.#transaction.immediate(work) as Result;
  }
}

/** WHERE clause from optional conditions; parameters are collected beside it in the same order. */
export class WhereBuilder {
  readonly #conditions: string[] = [];
  readonly parameters: unknown[] = [];

  add(condition: string, ...parameters: unknown[]): this {
    this.#conditions.push(condition);
    this.parameters.push(...parameters);
    return this;
  }

  toString(): string {
    return this.#conditions.length === 0 ? '' : `WHERE ${this.#conditions.join(' AND ')}`;
  }
}
