import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { EchoError } from '../errors.js';
import type { SharedState } from '../shared-state/index.js';

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
 * Open connections are counted with a long-lived limiter: consumed on connect, given back on disconnect.
 * An instance that dies keeps its points until they expire, so an hour bounds what a crash can take.
 */
const CONNECTION_COUNT_SECONDS = 3600;

/**
 * Per-listener limits on socket events and per-IP and per-listener caps on open sockets. With shared
 * state every instance counts against the same budget, so a listener cannot multiply their allowance by
 * reconnecting to another node.
 */
export class SocketRateLimits {
  private readonly messages: Limiter;
  private readonly events: Limiter;
  private readonly sessions: Limiter;
  private readonly connectionsByIp: Limiter;
  private readonly connectionsByListener: Limiter;

  constructor(settings: RateLimitSettings, shared: Pick<SharedState, 'rateLimiter'>) {
    const make = (points: number, keyPrefix: string, durationSeconds = settings.windowSeconds): Limiter =>
      shared.rateLimiter({ keyPrefix, points, durationSeconds });
    this.messages = make(settings.messagesPerMinute, 'messages');
    this.events = make(settings.eventsPerMinute, 'events');
    this.sessions = make(settings.sessionsPerMinute, 'sessions');
    this.connectionsByIp = make(settings.connectionsPerIp, 'connections-ip', CONNECTION_COUNT_SECONDS);
    this.connectionsByListener = make(
      settings.connectionsPerListener,
      'connections-listener',
      CONNECTION_COUNT_SECONDS,
    );
  }

  async consume(userId: string, event: string): Promise<void> {
    await this.take(this.events, userId);
    if (event === 'message:send') await this.take(this.messages, userId);
    if (event === 'session:create') await this.take(this.sessions, userId);
  }

  /** Admits one more open socket, or refuses; the returned function gives the place back on disconnect. */
  async connect(address: string, userId: string): Promise<() => void> {
    await this.open(this.connectionsByIp, address, 'this address');
    try {
      await this.open(this.connectionsByListener, userId, 'this listener');
    } catch (refusal) {
      void this.connectionsByIp.reward(address).catch(() => undefined);
      throw refusal;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      void this.connectionsByIp.reward(address).catch(() => undefined);
      void this.connectionsByListener.reward(userId).catch(() => undefined);
    };
  }

  /** A place frees when another socket closes, not after a window: no retry time to promise. */
  private async open(limiter: Limiter, key: string, whose: string): Promise<void> {
    try {
      await this.take(limiter, key);
    } catch (refusal) {
      if (!(refusal instanceof EchoError) || refusal.code !== 'rate_limited') throw refusal;
      // A refused consume still counted its point; the socket never opened, so it holds no place.
      void limiter.reward(key).catch(() => undefined);
      throw new EchoError('rate_limited', `Too many open connections for ${whose}; close one first`);
    }
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
