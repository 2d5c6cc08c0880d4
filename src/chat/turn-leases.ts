/** This instance's right to run a session's turn; held until released (renewed meanwhile, where shared). */
export interface TurnLease {
  /** Increases with every lease granted: a later holder always has a larger token (fencing). */
  readonly token: number;
  release(): Promise<void>;
}

/**
 * One turn per session at a time, cluster-wide. Within one instance the session queue already orders
 * turns; across instances (shared state over Redis) the lease does, and a message that reached two
 * instances is answered by whichever runs first (the other finds the reply and stands down).
 */
export interface TurnLeases {
  /** True when leases span instances, so another instance may have answered a message meanwhile. */
  readonly shared: boolean;
  /**
   * How long a holder that stopped renewing keeps its lease. A turn whose progress is older than this
   * and whose session nobody holds has lost its instance.
   */
  readonly expiresAfterMs: number;
  /** Waits until this instance holds the session's lease; rejects when `signal` aborts. */
  acquire(sessionId: string, signal: AbortSignal): Promise<TurnLease>;
  /** The lease if nobody holds it now, else null (a live instance is running the session's turn). */
  tryAcquire(sessionId: string): Promise<TurnLease | null>;
}

/** A single instance: the session queue is the lease. */
export const localTurnLeases: TurnLeases = {
  shared: false,
  expiresAfterMs: 0,
  acquire: async () => ({ token: 0, release: async () => {} }),
  tryAcquire: async () => ({ token: 0, release: async () => {} }),
};
