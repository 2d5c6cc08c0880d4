import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { EchoError } from '../errors.js';

export interface RateLimitSettings {
  messagesPerMinute: number;
  eventsPerMinute: number;
}

type Limiter = RateLimiterMemory | RateLimiterRedis;

/**
 * Per-listener limits on socket events. With Redis every instance counts against the same budget, so a
 * listener cannot multiply their allowance by reconnecting to another node.
 */
export class SocketRateLimits {
  private readonly messages: Limiter;
  private readonly events: Limiter;

  constructor(settings: RateLimitSettings, redis?: Redis) {
    const make = (points: number, keyPrefix: string): Limiter =>
      redis
        ? new RateLimiterRedis({
            storeClient: redis,
            points,
            duration: 60,
            keyPrefix: `echotune:rl:${keyPrefix}`,
          })
        : new RateLimiterMemory({ points, duration: 60, keyPrefix });
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
        throw new EchoError('rate_limited', `Too many requests; try again in ${seconds} s`);
      }
      throw new EchoError('unavailable', 'Rate limiter unavailable', { cause: rejection });
    }
  }
}
