import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { EchoError } from '../errors.js';
import type { SharedState } from '../shared-state/index.js';

export interface RateLimitSettings {
  messagesPerMinute: number;
  eventsPerMinute: number;
  /** What "per minute" counts over (60 s unless configured otherwise). */
  windowSeconds: number;
}

type Limiter = RateLimiterAbstract;

/**
 * Per-listener limits on socket events. With shared state every instance counts against the same
 * budget, so a listener cannot multiply their allowance by reconnecting to another node.
 */
export class SocketRateLimits {
  private readonly messages: Limiter;
  private readonly events: Limiter;

  constructor(settings: RateLimitSettings, shared: Pick<SharedState, 'rateLimiter'>) {
    const make = (points: number, keyPrefix: string): Limiter =>
      shared.rateLimiter({ keyPrefix, points, durationSeconds: settings.windowSeconds });
    this.messages = make(settings.messagesPerMinute, 'messages');
    this.events = make(settings.eventsPerMinute, 'events');
  }

  async consume(userId: string, event: string): Promise<void> {
    await this.take(this.events, userId);
    if (event === 'message:send') await this.take(this.messages, userId);
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
