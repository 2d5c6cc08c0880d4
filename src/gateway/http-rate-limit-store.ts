import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

type IncrementCallback = (error: Error | null, result: { current: number; ttl: number }) => void;

/**
 * @fastify/rate-limit's store over a rate-limiter-flexible limiter, so REST requests count in the same
 * shared state as socket events. Every request adds a point; the plugin compares the count with its max.
 */
export function rateLimitStoreOver(limiter: RateLimiterAbstract): FastifyRateLimitStoreCtor {
  return class SharedRateLimitStore {
    incr(key: string, callback: IncrementCallback): void {
      limiter.penalty(key, 1).then(
        (result) => callback(null, { current: result.consumedPoints, ttl: result.msBeforeNext }),
        (error: unknown) =>
          callback(error instanceof Error ? error : new Error(String(error)), { current: 0, ttl: 0 }),
      );
    }

    child(): SharedRateLimitStore {
      return this;
    }
  };
}
