import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { EchoError } from '../errors.js';
import type { ConnectionCounter, SharedState } from '../shared-state/index.js';

export interface RateLimitSettings {
  messagesPerMinute: number;
  eventsPerMinute: number;
  sessionsPerMinute: number;
  connectionsPerIp: number;
  connectionsPerListener: number;
  /** What "per minute" counts over (60 s unless configured otherwise). */
  windowSeconds: number;
}

type Limiter = RateLimiterAbstract;

/**
 * Per-listener limits on socket events and per-IP and per-listener caps on open sockets. With shared
 * state every instance counts against the same budget, so a listener cannot multiply their allowance by
 * reconnecting to another node.
 */
export class SocketRateLimits {
  private readonly messages: Limiter;
  private readonly events: Limiter;
  private readonly sessions: Limiter;
  private readonly connectionsByIp: ConnectionCounter;
  private readonly connectionsByListener: ConnectionCounter;

  constructor(settings: RateLimitSettings, shared: Pick<SharedState, 'rateLimiter' | 'connectionCounter'>) {
    const make = (points: number, keyPrefix: string, durationSeconds = settings.windowSeconds): Limiter =>
      shared.rateLimiter({ keyPrefix, points, durationSeconds });
    this.messages = make(settings.messagesPerMinute, 'messages');
    this.events = make(settings.eventsPerMinute, 'events');
    this.sessions = make(settings.sessionsPerMinute, 'sessions');
    this.connectionsByIp = shared.connectionCounter({ keyPrefix: 'ip', limit: settings.connectionsPerIp });
    this.connectionsByListener = shared.connectionCounter({
      keyPrefix: 'listener',
      limit: settings.connectionsPerListener,
    });
  }

  async consume(userId: string, event: string): Promise<void> {
    await this.take(this.events, userId);
    if (event === 'message:send') await this.take(this.messages, userId);
    if (event === 'session:create') await this.take(this.sessions, userId);
  }

  /** Admits one more open socket, or refuses; the returned function gives the place back on disconnect. */
  async connect(address: string, userId: string): Promise<() => void> {
    // A place frees when another socket closes, not after a window: no retry time to promise.
    if (!(await this.connectionsByIp.open(address))) throw tooManyConnections('this address');
    if (!(await this.connectionsByListener.open(userId))) {
      this.connectionsByIp.close(address);
      throw tooManyConnections('this listener');
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.connectionsByIp.close(address);
      this.connectionsByListener.close(userId);
    };
  }

  private async take(limiter: Limiter, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        const seconds = Math.ceil(rejection.msBeforeNext / 1000);
        throw new EchoError('rate_limited', `Too many requests; try again in ${seconds} s`, {
          retryAfterMs: rejection.msBeforeNext,
        });
      }
      throw new EchoError('unavailable', 'Rate limiter unavailable', { cause: rejection });
    }
  }
}

function tooManyConnections(whose: string): EchoError {
  return new EchoError('rate_limited', `Too many open connections for ${whose}; close one first`);
}
