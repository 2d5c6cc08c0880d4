import type { Socket } from 'socket.io';

/** How often the watch looks for tokens that ran out: a socket hears of it within this long. */
const SWEEP_MS = 1_000;

/**
 * A socket stays authorized only while its token does: when it expires the socket is told
 * (`auth:expired`), its events are refused, and unless it sends a fresh token within the grace it is
 * disconnected. REST refuses an expired token on the next request; this keeps the socket in step. One
 * sweep a second for all sockets rather than a timer each: an idle connection then holds a map entry,
 * not a Timeout and its closure (20,000 idle sockets: one timer, ~0.2 ms of work a second).
 */
export class TokenExpiry {
  /** When each watched socket's token runs out. */
  readonly #expiresAt = new Map<Socket, number>();
  /** Sockets told their token expired, and the timer that disconnects them after the grace. */
  readonly #told = new Map<Socket, NodeJS.Timeout>();
  #sweeper: NodeJS.Timeout | undefined;

  /** `graceMs`: how long a socket told `auth:expired` has to send `auth:refresh`. */
  constructor(
    private readonly graceMs: number,
    private readonly sweepMs = SWEEP_MS,
  ) {}

  watch(socket: Socket, expiresAtMs: number): void {
    this.stop(socket);
    this.#expiresAt.set(socket, expiresAtMs);
    this.#sweeper ??= setInterval(() => this.#sweep(), this.sweepMs).unref();
  }

  isExpired(socket: Socket): boolean {
    const expiresAtMs = this.#expiresAt.get(socket);
    return expiresAtMs !== undefined && expiresAtMs <= Date.now();
  }

  /** Forgets the socket (it disconnected, or it is watched anew). */
  stop(socket: Socket): void {
    this.#expiresAt.delete(socket);
    clearTimeout(this.#told.get(socket));
    this.#told.delete(socket);
    if (this.#expiresAt.size > 0 || this.#sweeper === undefined) return;
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [socket, expiresAtMs] of this.#expiresAt) {
      if (expiresAtMs <= now && !this.#told.has(socket)) this.#expired(socket);
    }
  }

  #expired(socket: Socket): void {
    socket.emit('auth:expired', {
      message: 'The token has expired: send auth:refresh with a new one (POST /api/v1/auth/refresh)',
      graceMs: this.graceMs,
    });
    this.#told.set(socket, setTimeout(() => socket.disconnect(true), this.graceMs).unref());
  }
}
