import type { Recommender } from './recommender.js';

/** Where the time of each recommendation goes (the service's metrics). */
export interface RecommendTimer {
  observe(seconds: number, failed: boolean): void;
}

/** The same recommender with `recommend` timed (the REST route and the chat tool both call it). */
export function timedRecommender<R extends Recommender>(recommender: R, timer: RecommendTimer): R {
  return {
    ...recommender,
    async recommend(query, context) {
      const started = performance.now();
      let failed = true;
      try {
        const result = await recommender.recommend(query, context);
        failed = false;
        return result;
      } finally {
        timer.observe((performance.now() - started) / 1000, failed);
      }
    },
  };
}
