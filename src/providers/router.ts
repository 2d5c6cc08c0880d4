import { EchoError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DeploymentStatus, ModelRouter, RoutedRequest, RouterEvent } from './contract.js';
import type { Deployment } from './deployment.js';
import { type AttemptTimeouts, runAttempt } from './run-attempt.js';
import { estimatePromptTokens } from './token-estimate.js';

export interface RouterOptions {
  deployments: Deployment[];
  logger: Logger;
  timeouts?: Partial<AttemptTimeouts>;
}

const defaultTimeouts: AttemptTimeouts = { firstTokenMs: 20_000, idleMs: 15_000 };

/** Routes each model step to a deployment (first form: in order, pass-through). */
export class Router implements ModelRouter {
  private readonly deployments: Deployment[];
  private readonly logger: Logger;
  private readonly timeouts: AttemptTimeouts;
  private readonly requests = new Map<string, number>();
  private readonly spent = new Map<string, number>();

  constructor(options: RouterOptions) {
    if (options.deployments.length === 0) throw new Error('the router needs at least one deployment');
    this.deployments = options.deployments;
    this.logger = options.logger;
    this.timeouts = { ...defaultTimeouts, ...options.timeouts };
  }

  async *stream(request: RoutedRequest): AsyncIterable<RouterEvent> {
    const promptTokens = estimatePromptTokens(request.messages, request.tools);
    let attemptNumber = 0;
    for (const deployment of this.deployments) {
      if (request.signal.aborted) throw new EchoError('cancelled');
      attemptNumber += 1;
      yield {
        type: 'route',
        deploymentId: deployment.id,
        provider: deployment.provider,
        model: deployment.model,
        reason: attemptNumber === 1 ? 'first configured deployment' : 'failover',
        attempt: attemptNumber,
      };
      const result = yield* runAttempt(
        deployment,
        {
          messages: request.messages,
          tools: request.tools,
          signal: request.signal,
          maxOutputTokens: request.maxOutputTokens,
        },
        this.timeouts,
        promptTokens,
      );
      this.requests.set(deployment.id, (this.requests.get(deployment.id) ?? 0) + 1);
      this.spent.set(deployment.id, (this.spent.get(deployment.id) ?? 0) + result.attempt.costUsd);
      yield { type: 'attempt', attempt: result.attempt };
      if (result.attempt.outcome === 'cancelled') throw new EchoError('cancelled');
      if (result.attempt.outcome === 'ok') {
        yield { type: 'finish', reason: result.finishReason ?? 'stop' };
        return;
      }
      this.logger.warn(
        { deploymentId: deployment.id, error: result.failure?.message },
        'model attempt failed',
      );
    }
    throw new EchoError('provider_error');
  }

  status(): DeploymentStatus[] {
    return this.deployments.map((deployment) => ({
      id: deployment.id,
      provider: deployment.provider,
      model: deployment.model,
      circuit: 'closed',
      ttftMsEwma: null,
      outputTokensPerSecondEwma: null,
      errorRate: 0,
      requests: this.requests.get(deployment.id) ?? 0,
      costUsd: this.spent.get(deployment.id) ?? 0,
      cooldownUntil: null,
    }));
  }
}
