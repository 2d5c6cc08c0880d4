import { EchoError } from '../errors.js';

/**
 * One turn at a time per session: later messages wait their turn in order. A session with more than
 * `maxWaiting` turns waiting refuses new ones with `busy`, before the message is stored.
 */
export class SessionQueue {
  private readonly tails = new Map<string, { tail: Promise<void>; size: number }>();

  constructor(private readonly maxWaiting: number) {}

  hasRoom(sessionId: string): boolean {
    return this.pending(sessionId) <= this.maxWaiting;
  }

  /** Throws `busy` when the session's queue is full. Call before storing the message. */
  assertRoom(sessionId: string): void {
    if (!this.hasRoom(sessionId)) {
      throw new EchoError(
        'busy',
        `This session already has ${this.pending(sessionId)} turns in progress or waiting`,
      );
    }
  }

  enqueue(sessionId: string, task: () => Promise<void>): void {
    const entry = this.tails.get(sessionId) ?? { tail: Promise.resolve(), size: 0 };
    entry.size += 1;
    // Tasks report their own failures; the chain must survive one so later turns still run.
    entry.tail = entry.tail
      .then(task)
      .catch(() => undefined)
      .finally(() => {
        entry.size -= 1;
        if (entry.size === 0) this.tails.delete(sessionId);
      });
    this.tails.set(sessionId, entry);
  }

  pending(sessionId: string): number {
    return this.tails.get(sessionId)?.size ?? 0;
  }

  /** Resolves when every queued turn has finished (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.tails.values()].map((entry) => entry.tail));
  }
}
