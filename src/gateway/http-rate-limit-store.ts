import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';

type IncrementCallback = (error: Error | null, result: { current: number; ttl: number }) => void;

/**
 * @fastify/rate-limit's store over a rate-limiter-flexible limiter, so REST requests count in the same
 * shared state as socket events (and fall back to memory with them). Every request takes a point; the
 * plugin compares the count with its max. A refusal still reports the count; only a failure is an error.
 */
export function rateLimitStoreOver(limiter: RateLimiterAbstract): FastifyRateLimitStoreCtor {
  return class SharedRateLimitStore {
    incr(key: string, callback: IncrementCallback): void {
      limiter.consume(key).then(
        (result) => callback(null, { current: result.consumedPoints, ttl: result.msBeforeNext }),
        (rejection: unknown) => {
          if (rejection instanceof RateLimiterRes) {
            callback(null, { current: rejection.consumedPoints, ttl: rejection.msBeforeNext });
            return;
          }
          callback(rejection instanceof Error ? rejection : new Error(String(rejection)), {
            current: 0,
            ttl: 0,
          });
        },
      );
    }

    child(): SharedRateLimitStore {
      return this;
    }
  };
}
