import type { Attempt } from '../../protocol/index.js';

/**
 * Why the router picked a deployment, in a few words fit for a metric label (the full reason, with its
 * numbers, goes to turn:start and the log): the policy's choice, an exploration of an idle deployment,
 * a half-open circuit's probe, a retry on a deployment already tried, a failover after another failed,
 * or the last-resort fallback.
 */
export type RouteCause = 'policy' | 'exploration' | 'probe' | 'retry' | 'failover' | 'last_resort';

export interface RouteDecision {
  deploymentId: string;
  provider: string;
  model: string;
  cause: RouteCause;
}

/** What the router tells the service's metrics. */
export interface RouterMetrics {
  routed(decision: RouteDecision): void;
  attempted(attempt: Pick<Attempt, 'deploymentId' | 'provider' | 'model' | 'outcome'>): void;
}
