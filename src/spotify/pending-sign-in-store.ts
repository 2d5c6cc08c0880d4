/** A sign-in started and not yet finished: what the redirect back from Spotify is checked against. */
export interface PendingSignIn {
  state: string;
  userId: string;
  verifier: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/**
 * Where pending sign-ins wait, server-side (the verifier never reaches the browser). `take` must remove
 * the record in the same step as reading it, so one state is good for one `finish` only.
 */
export interface PendingSignInStore {
  save(pending: PendingSignIn): Promise<void>;
  take(state: string): Promise<Omit<PendingSignIn, 'state'> | null>;
}

/** For one process and for tests; records past expiry are swept on each save so the map stays small. */
export class MemoryPendingSignInStore implements PendingSignInStore {
  readonly #pending = new Map<string, Omit<PendingSignIn, 'state'>>();
  readonly #now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#pending.size;
  }

  async save({ state, ...pending }: PendingSignIn): Promise<void> {
    const now = this.#now();
    for (const [key, record] of this.#pending) if (record.expiresAt <= now) this.#pending.delete(key);
    this.#pending.set(state, pending);
  }

  /** Read and delete happen in one synchronous step, so two concurrent takes cannot both get the record. */
  async take(state: string): Promise<Omit<PendingSignIn, 'state'> | null> {
    const pending = this.#pending.get(state) ?? null;
    this.#pending.delete(state);
    return pending;
  }
}
