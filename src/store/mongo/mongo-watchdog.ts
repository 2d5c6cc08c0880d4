import { type Db, type MongoClient, MongoServerError } from 'mongodb';
import { answersWithin } from '../../answers-within.js';
import { isEchoError } from '../../errors.js';
import type { Logger } from '../../logger.js';

export interface MongoConnection {
  client: MongoClient;
  db: Db;
}

export interface MongoWatchdogOptions {
  /** The client the store opened with. */
  first: MongoConnection;
  /** Opens a new client and pings it (bounded by MONGODB_TIMEOUT_MS); rejects when the server is unreachable. */
  connect: () => Promise<MongoConnection>;
  /** Called with each replacement's database, before any operation runs on it. */
  onReplaced: (db: Db) => void;
  /** How long work may wait or fail with no operation succeeding before the client is judged. */
  stallMs: number;
  /** Bound on the current client's ping when work only waits (a slow operation, or a hung client). */
  pingTimeoutMs: number;
  logger?: Logger | undefined;
  /** How often the judgement runs (a quarter of `stallMs` unless set). */
  checkEveryMs?: number;
}

/**
 * Replaces a MongoDB client that can no longer reach its server while a new one can. After a server's
 * graceful stop (FerretDB 1.24 keeps its connections open, unanswered, for ~3 s) some driver 7.9 clients
 * never reach the restarted server: every operation fails server selection, forever, with the error of
 * the connection that closed, because the client's monitor never checks again (docs/store.md). Every store
 * operation runs through `track`; once no operation has succeeded for `stallMs` while some failed (or one
 * has waited that long and the client's own ping does not answer), a new client is connected and, if it
 * reaches the server, takes over: the old one is closed, failing what still waits on it (retryable). A
 * server that is really down is left to the driver: the new client cannot connect either, and nothing
 * changes until it can.
 */
export class MongoWatchdog {
  #current: MongoConnection;
  #generation = 0;
  #lastSuccessAt = Date.now();
  #failuresSinceSuccess = 0;
  /** Start times of the operations in flight, by a running number. */
  readonly #pending = new Map<number, number>();
  #nextOperation = 0;
  #judging = false;
  #closed = false;
  readonly #timer: NodeJS.Timeout;

  constructor(private readonly options: MongoWatchdogOptions) {
    this.#current = options.first;
    this.#timer = setInterval(() => void this.judge(), options.checkEveryMs ?? options.stallMs / 4);
    this.#timer.unref();
  }

  get db(): Db {
    return this.#current.db;
  }

  /** Times the client was replaced so far. */
  get replacements(): number {
    return this.#generation;
  }

  /** Runs one store operation, counting whether the server answered it. */
  async track<Result>(work: () => Result | Promise<Result>): Promise<Result> {
    const operation = this.#nextOperation++;
    const generation = this.#generation;
    this.#pending.set(operation, Date.now());
    try {
      const result = await work();
      this.#answered(generation);
      return result;
    } catch (error) {
      // An error the server or the adapter gave (a duplicate key, not_found) is an answer too.
      if (error instanceof MongoServerError || isEchoError(error)) this.#answered(generation);
      else if (generation === this.#generation) this.#failuresSinceSuccess += 1;
      throw error;
    } finally {
      this.#pending.delete(operation);
    }
  }

  /** Whether the client should be replaced now, and if so, replaces it (one judgement at a time). */
  async judge(): Promise<void> {
    if (this.#judging || this.#closed || !this.#troubled()) return;
    this.#judging = true;
    try {
      if (this.#failuresSinceSuccess === 0 && (await this.#currentAnswersPing())) {
        this.#lastSuccessAt = Date.now();
        return;
      }
      await this.#replace();
    } finally {
      this.#judging = false;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#current.client.close();
  }

  #answered(generation: number): void {
    if (generation !== this.#generation) return;
    this.#lastSuccessAt = Date.now();
    this.#failuresSinceSuccess = 0;
  }

  /** Nothing has succeeded for stallMs, and work failed or has waited that long (an idle store is fine). */
  #troubled(): boolean {
    const now = Date.now();
    if (now - this.#lastSuccessAt < this.options.stallMs) return false;
    if (this.#failuresSinceSuccess > 0) return true;
    for (const startedAt of this.#pending.values()) {
      if (now - startedAt >= this.options.stallMs) return true;
    }
    return false;
  }

  #currentAnswersPing(): Promise<boolean> {
    return answersWithin(() => this.#current.db.command({ ping: 1 }), this.options.pingTimeoutMs);
  }

  async #replace(): Promise<void> {
    let fresh: MongoConnection;
    try {
      fresh = await this.options.connect();
    } catch {
      // The server is unreachable for a new client too: an outage, which the driver rides out itself.
      return;
    }
    if (this.#closed) {
      await fresh.client.close();
      return;
    }
    const stale = this.#current;
    const quietMs = Date.now() - this.#lastSuccessAt;
    this.#current = fresh;
    this.#generation += 1;
    this.#lastSuccessAt = Date.now();
    this.#failuresSinceSuccess = 0;
    this.options.onReplaced(fresh.db);
    this.options.logger?.warn(
      { quietMs, replacements: this.#generation },
      'the MongoDB client reached no server while a new one could: replaced it',
    );
    // Force: what still waits on the old client fails now (unavailable, retryable) instead of hanging.
    await stale.client.close(true).catch(() => undefined);
  }
}
