import type { Socket } from 'socket.io';

/** setTimeout holds at most about 24.8 days; longer tokens are re-checked when that timer fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Watch {
  expiresAtMs: number;
  timer: NodeJS.Timeout;
}

/**
 * A socket stays authorized only while its token does: when it expires the socket is told
 * (`auth:expired`), its events are refused, and unless it sends a fresh token within the grace it is
 * disconnected. REST refuses an expired token on the next request; this keeps the socket in step.
 */
export class TokenExpiry {
  readonly #watches = new WeakMap<Socket, Watch>();
  /** Sockets whose disconnect already stops their watch: one listener each, however often they refresh. */
  readonly #listening = new WeakSet<Socket>();

  /** `graceMs`: how long a socket told `auth:expired` has to send `auth:refresh`. */
  constructor(private readonly graceMs: number) {}

  watch(socket: Socket, expiresAtMs: number): void {
    this.stop(socket);
    const timer = this.#timer(socket, expiresAtMs);
    this.#watches.set(socket, { expiresAtMs, timer });
    if (this.#listening.has(socket)) return;
    this.#listening.add(socket);
    socket.once('disconnect', () => this.stop(socket));
  }

  isExpired(socket: Socket): boolean {
    const watch = this.#watches.get(socket);
    return watch !== undefined && watch.expiresAtMs <= Date.now();
  }

  stop(socket: Socket): void {
    const watch = this.#watches.get(socket);
    if (watch) clearTimeout(watch.timer);
    this.#watches.delete(socket);
  }

  #timer(socket: Socket, expiresAtMs: number): NodeJS.Timeout {
    const delay = Math.max(0, expiresAtMs - Date.now());
    if (delay > MAX_TIMER_MS) {
      return setTimeout(() => this.watch(socket, expiresAtMs), MAX_TIMER_MS).unref();
    }
    return setTimeout(() => this.#expired(socket, expiresAtMs), delay).unref();
  }

  #expired(socket: Socket, expiresAtMs: number): void {
    socket.emit('auth:expired', {
      message: 'The token has expired: send auth:refresh with a new one (POST /api/v1/auth/refresh)',
      graceMs: this.graceMs,
    });
    const timer = setTimeout(() => socket.disconnect(true), this.graceMs).unref();
    this.#watches.set(socket, { expiresAtMs, timer });
  }
}
